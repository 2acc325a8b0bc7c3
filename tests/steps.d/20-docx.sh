#!/usr/bin/env bash
# The Word 推荐表 checks (openxml-audit, python-docx read-back, LibreOffice render): tests/docx/run.sh.
set -euo pipefail
bash tests/docx/run.sh
