#!/usr/bin/env bash
# Builds the Debian/Ubuntu installer: out/tianbao_<version>_amd64.deb with the release app
# (/usr/bin/tianbao-app, menu entry 案例填报助手 in 办公/Office, icons), the command line
# (/usr/bin/tianbao) and the licence. README command 3.
#   bash scripts/package.sh            build (release, as `tauri build` does: custom-protocol)
# Needs what scripts/install-deps.sh app installs, node/npm (the Tauri CLI comes from the npm
# registry as a prebuilt binary: `npm install` of package.json, once). CARGO_TARGET_DIR is
# honoured; the release binaries stay in $TARGET/release/ (scripts/bench_app.py measures them).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export PATH="$HOME/.cargo/bin:$PATH"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

if [[ ! -x node_modules/.bin/tauri ]]; then
  echo "[package] npm install（Tauri CLI）"
  npm install --no-audit --no-fund
fi

echo "[package] cargo build --release -p tianbao --bin tianbao"
cargo build --release --locked -p tianbao --bin tianbao

# The CLI goes into the package as /usr/bin/tianbao; its path is only known here.
cfg=$(mktemp /tmp/tianbao-package.XXXXXX.json)
trap 'rm -f "$cfg"' EXIT
printf '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/tianbao":"%s","/usr/share/doc/tianbao/copyright":"%s"}}}}}\n' \
  "$TARGET/release/tianbao" "$ROOT/LICENSE" >"$cfg"

echo "[package] tauri build --bundles deb"
# --ci: no prompts; the app is built with `--release --features tauri/custom-protocol`.
npx --no-install tauri build --bundles deb --ci --config "$cfg" -- --locked

version=$(sed -n 's/^version = "\(.*\)"/\1/p' src-tauri/Cargo.toml | head -n 1)
deb=$(ls -t "$TARGET"/release/bundle/deb/*_"$version"_*.deb | head -n 1)
mkdir -p out
out="out/tianbao_${version}_$(dpkg --print-architecture).deb"
# The bundler names the package and its menu file after productName (案例填报助手, which the
# window, the menu and the Windows installer show); a Debian package name must be lowercase
# ASCII. Repacked: Package: tianbao, the menu file tianbao.desktop, and xz instead of the
# bundler's gzip (≈ 30 % smaller for these binaries).
work=$(mktemp -d /tmp/tianbao-deb.XXXXXX)
trap 'rm -f "$cfg"; rm -rf "$work"' EXIT
dpkg-deb -R "$deb" "$work/root"
sed -i 's/^Package: .*/Package: tianbao/' "$work/root/DEBIAN/control"
for d in "$work"/root/usr/share/applications/*.desktop; do
  [[ "$d" == */tianbao.desktop ]] || mv "$d" "$work/root/usr/share/applications/tianbao.desktop"
done
(cd "$work/root" && find usr -type f -print0 | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
dpkg-deb --root-owner-group -Zxz -z9 -b "$work/root" "$out" >/dev/null
size=$(stat -c %s "$out")
echo "[package] $out  $((size / 1024)) KiB"
dpkg-deb -I "$out"
