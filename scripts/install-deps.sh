#!/usr/bin/env bash
# Installs what building, running and testing tianbao needs on Debian 12 / Ubuntu 22.04+.
#   scripts/install-deps.sh app    build and run the app
#   scripts/install-deps.sh test   app + everything the tests need (display, WebDriver, fonts,
#                                  LibreOffice for .docx/.xlsx checks, ffmpeg for media tests)
#   scripts/install-deps.sh all    the same as test
# Runs apt-get as root, or through sudo; without either it prints exactly what to install and
# exits 1. Idempotent: installed packages are skipped, `apt-get update` runs at most once.
# Other engineers: add your packages to the arrays below (one array per purpose).
set -euo pipefail

cd "$(dirname "$0")/.."

# --- package lists ------------------------------------------------------------------------------
# Build and run the Tauri app (WebKitGTK 4.1 pulls in GTK 3, libsoup 3 and JavaScriptCore).
APT_APP=(build-essential pkg-config curl ca-certificates libwebkit2gtk-4.1-dev)
# End-to-end tests: a virtual display, screenshots, WebKit's WebDriver, Chinese fonts.
APT_E2E=(xvfb xauth x11-utils imagemagick webkit2gtk-driver fonts-noto-cjk dbus-daemon)
# Interpreters for the UI unit tests (node --test) and the e2e client (python3, stdlib only);
# skipped when a newer one is already on PATH (e.g. nodejs from another source).
command -v node >/dev/null 2>&1 || APT_E2E+=(nodejs)
command -v python3 >/dev/null 2>&1 || APT_E2E+=(python3)
# Rendering .docx/.xlsx for checks (tests/docx/run.sh), plus free stand-ins for 仿宋/楷体; the
# checks install python-docx and openxml-audit into a venv.
APT_DOCS=(libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fontconfig
  fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei python3-venv)
# Media checks (video headers).
APT_MEDIA=(ffmpeg)
# The real input-method test (tests/e2e/test_ime_real.py): fcitx5 pinyin in a D-Bus session of its
# own, its GTK 3 module, keys typed through X.
APT_IME=(fcitx5 fcitx5-chinese-addons fcitx5-frontend-gtk3 xdotool dbus-x11)

what="${1:-app}"
case "$what" in
  app) want=("${APT_APP[@]}") ;;
  test | all) want=("${APT_APP[@]}" "${APT_E2E[@]}" "${APT_DOCS[@]}" "${APT_MEDIA[@]}" "${APT_IME[@]}") ;;
  *)
    echo "用法：$0 [app|test|all]" >&2
    exit 2
    ;;
esac

log() { printf '[install-deps] %s\n' "$*"; }

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

missing=()
for p in "${want[@]}"; do
  is_installed "$p" || missing+=("$p")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    SUDO=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo)
  elif command -v sudo >/dev/null 2>&1 && [[ -t 0 ]]; then
    SUDO=(sudo) # sudo will ask for the password
  else
    echo "缺少以下系统软件包，请让管理员安装后重试：" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  log "安装 ${#missing[@]} 个软件包：${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # One apt-get at a time (a second one fails on the lists lock): wait for the lock.
  APT_OPTS=(-o DPkg::Lock::Timeout=300)
  "${SUDO[@]}" apt-get "${APT_OPTS[@]}" update -qq
  "${SUDO[@]}" apt-get "${APT_OPTS[@]}" install -y -qq --no-install-recommends "${missing[@]}"
else
  log "系统软件包已齐全（$what）"
fi

# --- Rust toolchain ------------------------------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1 && [[ -x "$HOME/.cargo/bin/cargo" ]]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "未找到 Rust 工具链（cargo）。请先安装 Rust（rustup，稳定版 1.80 以上）后重试。" >&2
  exit 1
fi
if [[ "$what" != app ]] && ! cargo fmt --version >/dev/null 2>&1; then
  if command -v rustup >/dev/null 2>&1; then
    log "安装 rustfmt"
    rustup component add rustfmt
  else
    echo "缺少 rustfmt（cargo fmt）。请安装 rustfmt 后重试。" >&2
    exit 1
  fi
fi

# --- tauri-driver (WebDriver bridge for the end-to-end tests), under tools/ (gitignored) ----------
if [[ "$what" != app ]]; then
  if [[ ! -x tools/bin/tauri-driver ]]; then
    log "编译安装 tauri-driver 到 tools/（约 1 分钟）"
    cargo install tauri-driver --locked --root tools/ --quiet
  else
    log "tauri-driver 已安装：tools/bin/tauri-driver"
  fi
fi
