#!/usr/bin/env bash
# The .docx reader: hand-typed forms and hostile files made by python-docx (tests/docx_read/run.sh).
set -euo pipefail
bash tests/docx_read/run.sh
