#!/usr/bin/env bash
# Renders the app icon (assets/icon/icon.svg) into every size the bundles need
# (src-tauri/icons/: 32×32 … 512×512 PNG, icon.ico for Windows, icon.icns). The PNGs are committed;
# run this only after changing the SVG. Needs rsvg-convert (librsvg2-bin), the Noto CJK font
# (fonts-noto-cjk, for 案) and the Tauri CLI (npm install, see scripts/package.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rsvg-convert -w 1024 -h 1024 assets/icon/icon.svg -o "$tmp/icon-1024.png"
npx --no-install tauri icon "$tmp/icon-1024.png" -o src-tauri/icons
# Only the desktop sizes: drop the mobile and Windows-Store tiles `tauri icon` also writes.
rm -rf src-tauri/icons/android src-tauri/icons/ios src-tauri/icons/Square*Logo.png src-tauri/icons/StoreLogo.png
ls -l src-tauri/icons
