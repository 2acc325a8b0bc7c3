#!/usr/bin/env bash
# Copies the user guide's screenshots from the last e2e run (out/screenshots/manual/, taken by
# tests/e2e/test_manual.py at 1366×768) into docs/img/manual/, reduced to 960 px wide and 128
# colours so the guide compiled into the app stays small. Run after `E2E_K=manual bash scripts/test.sh`;
# another folder of screenshots (E2E_SCREENSHOTS of the run) as the first argument.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p docs/img/manual
src="${1:-out/screenshots}/manual"
for f in "$src"/0*.png; do
  convert "$f" -resize 960x -colors 128 -strip "PNG8:docs/img/manual/$(basename "$f")"
done
ls -l docs/img/manual
