#!/usr/bin/env bash
# README command 1: install what is missing, build the app and start it.
#   scripts/dev.sh [--db FILE]      (arguments go to the app; TIANBAO_DB works too)
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/install-deps.sh app
cargo build -p tianbao-app
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  echo "已编译：target/debug/tianbao-app。当前没有图形显示（DISPLAY 未设置），请在桌面环境中运行它。" >&2
  exit 1
fi
exec ./target/debug/tianbao-app "$@"
