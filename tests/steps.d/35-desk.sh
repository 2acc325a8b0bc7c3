#!/usr/bin/env bash
# The provincial desk through the CLI: 案例库 import (csv GBK, xls, ods, xlsx, broken), quota
# edges, 汇总表 read back (openpyxl, python-docx, openxml-audit, LibreOffice), the package file by
# file and its e-mails, a package killed half-way: tests/desk/run.sh.
set -euo pipefail
bash tests/desk/run.sh
