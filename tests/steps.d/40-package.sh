#!/usr/bin/env bash
# The installer: scripts/package.sh builds the .deb (release app + CLI, as `tauri build` does),
# then tests/package/check_deb.py checks its contents and control data (dpkg-deb -I/-c), unpacks
# it into a throw-away root (dpkg -x), checks the menu entry, icons and licence, and sees the
# installed app show its list under its own Xvfb.
#
# Opt-in (PACKAGE=1): the cold release build (`lto`, `codegen-units=1`) of the CLI and the app
# took 22 min on 2 shared cores (docs/BENCHMARKS.md) and would push CI past ~30 min. Run it before a release: `PACKAGE=1 bash scripts/test.sh`, or directly:
#   bash scripts/package.sh && python3 tests/package/check_deb.py out/tianbao_*_amd64.deb
set -euo pipefail
if [[ "${PACKAGE:-0}" != 1 ]]; then
  echo "安装包检查未运行（需要约 20 分钟的发布版编译）：PACKAGE=1 bash scripts/test.sh 或 bash scripts/package.sh"
  exit 0
fi
t0=$SECONDS
bash scripts/package.sh
echo "package.sh: $((SECONDS - t0)) s"
deb=$(ls -t out/tianbao_*.deb | head -n 1)
python3 tests/package/check_deb.py "$deb"
