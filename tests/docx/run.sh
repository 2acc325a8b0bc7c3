#!/usr/bin/env bash
# End-to-end checks of the Word 推荐表 (附件1):
#   1. examples/make_docx writes the test set (empty, sample, draft, 3 × 12 MP photos, every
#      字数 limit, awkward input) and a manifest of what each file must contain;
#   2. tests/docx/check.py validates each with openxml-audit (0 errors), reads it back with
#      python-docx (labels in order, merges, fonts, sizes, format, draft mark, properties,
#      pictures), renders it with LibreOffice and checks the PDF (pages, every character of
#      every section in order), and checks the size with three 12 MP photos (< 3 MB).
# The sample's pages are left as PNG in $OUT/png for a look.
#
# Needs (Debian): python3 python3-venv libreoffice-writer-nogui poppler-utils fonts-noto-cjk
#   fonts-arphic-uming (stand-ins for 宋体/仿宋/黑体/方正小标宋简体, see fonts.conf); pip
#   packages python-docx and openxml-audit are installed here into a venv.
# Environment: CARGO_TARGET_DIR (default ./target), DOCX_TEST_OUT (default
#   $CARGO_TARGET_DIR/docx-test), DOCX_VENV (default $CARGO_TARGET_DIR/docx-venv).
# Last line of output: "N passed, M failed"; exit status 1 on any failure.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
out=${DOCX_TEST_OUT:-$target/docx-test}
venv=${DOCX_VENV:-$target/docx-venv}

fail() {
    echo "FAIL  $1"
    echo "0 passed, 1 failed"
    exit 1
}

for tool in python3:python3 soffice:libreoffice-writer-nogui pdftotext:poppler-utils \
    pdfinfo:poppler-utils pdftoppm:poppler-utils fc-match:fontconfig; do
    command -v "${tool%%:*}" >/dev/null || fail "${tool%%:*} not found (apt-get install ${tool#*:})"
done

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" || fail "python3 -m venv failed (apt-get install python3-venv)"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check \
    "python-docx==1.2.0" "openxml-audit==0.8.0" || fail "pip install python-docx openxml-audit"

rm -rf "$out" && mkdir -p "$out"
(cd "$root" && CARGO_TARGET_DIR="$target" cargo run -q --example make_docx -- "$out") \
    || fail "examples/make_docx did not build or run"

export FONTCONFIG_FILE="$here/fonts.conf"
"$venv/bin/python" "$here/check.py" "$out"
