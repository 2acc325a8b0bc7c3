#!/usr/bin/env bash
# The .docx reader against hand-typed forms and hostile files, all made at test time by
# tests/docx_read/forms.py (python-docx; nothing committed as binaries):
#   1. forms.py make: every variation of a hand-typed 推荐表 (and its form with missing parts),
#      a zip bomb, a 200 MB document.xml, falsified sizes, deep tables, external relationships,
#      a renamed .docm, an RTF .doc, a truncated file;
#   2. forms.py check: imports them all with `tianbao case import-docx --json` into a fresh
#      database, exports the cases, compares every expected field, the report (missing, empty,
#      notes) and each hostile file's message; the import's peak memory stays < 200 MiB.
# Needs python3 + python3-venv (python-docx is installed into a venv, shared with tests/docx).
# Environment: CARGO_TARGET_DIR (default ./target), DOCX_VENV (default $CARGO_TARGET_DIR/docx-venv).
# Last line: "N passed, M failed"; exit status 1 on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
venv=${DOCX_VENV:-$target/docx-venv}
out=$target/docx-read-test
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" || { echo "FAIL python3 -m venv (apt-get install python3-venv)"; exit 1; }
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check "python-docx==1.2.0" \
    || { echo "FAIL pip install python-docx"; exit 1; }
(cd "$root" && CARGO_TARGET_DIR="$target" cargo build -q --bin tianbao) \
    || { echo "FAIL cargo build --bin tianbao"; exit 1; }
rm -rf "$out" && mkdir -p "$out"
"$venv/bin/python" "$here/forms.py" make "$out" || { echo "FAIL forms.py make"; exit 1; }
"$venv/bin/python" "$here/forms.py" check "$out" "$target/debug/tianbao"
