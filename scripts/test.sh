#!/usr/bin/env bash
# Every test of tianbao: core (cargo test), formatting, the app build, UI unit tests (node),
# extra steps from tests/steps.d/, and the end-to-end tests in the real app under Xvfb.
# This is README command 2 and what .ci/run calls. Run from anywhere; works on a clean clone.
#
# Adding a step: drop an executable-or-not `tests/steps.d/NN-name.sh` (bash, run from the repo
# root, non-zero exit = failure). It runs after the built-in steps and before the e2e tests, with
# the app already built (target/debug/tianbao-app) and DISPLAY not yet set.
# Environment knobs: E2E=0 skips the e2e tests; E2E_K=SUBSTR runs only matching e2e tests.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never

FAILED_STEPS=()
E2E_PASSED=0
E2E_FAILED=0

step() {
  local name=$1
  shift
  printf '\n==== %s ====\n' "$name"
  local t0=$SECONDS
  if "$@"; then
    printf -- '---- %s: ok (%d s)\n' "$name" $((SECONDS - t0))
  else
    printf -- '---- %s: FAILED (%d s)\n' "$name" $((SECONDS - t0))
    FAILED_STEPS+=("$name")
  fi
}

# --- the steps ----------------------------------------------------------------------------------

deps() { bash scripts/install-deps.sh test; }

fmt() { cargo fmt --all --check; }

core_tests() { cargo test; }

build_app() { cargo build -p tianbao-app --bins && cargo build -p tianbao --bins; }

ui_tests() {
  local files=(ui/tests/*.test.js)
  [[ -e "${files[0]}" ]] || return 0
  node --test "${files[@]}"
}

extra_steps() {
  local f rc=0
  shopt -s nullglob
  for f in tests/steps.d/*.sh; do
    printf -- '-- %s\n' "$f"
    bash "$f" || {
      echo "失败：$f"
      rc=1
    }
  done
  shopt -u nullglob
  return $rc
}

# --- end-to-end under Xvfb + tauri-driver ---------------------------------------------------------

XVFB_PID=""
DRIVER_PID=""
E2E_TMP=""

cleanup_e2e() {
  # Our own processes only, by pid (tauri-driver runs in its own process group: its
  # WebKitWebDriver and any app it started go with it).
  if [[ -n "$DRIVER_PID" ]]; then
    kill -TERM -- "-$DRIVER_PID" 2>/dev/null || true
    sleep 0.5
    kill -KILL -- "-$DRIVER_PID" 2>/dev/null || true
    DRIVER_PID=""
  fi
  if [[ -n "$XVFB_PID" ]]; then
    kill -TERM "$XVFB_PID" 2>/dev/null || true
    XVFB_PID=""
  fi
  if [[ -n "$E2E_TMP" ]]; then
    rm -rf "$E2E_TMP"
    E2E_TMP=""
  fi
}
trap cleanup_e2e EXIT
trap 'cleanup_e2e; exit 130' INT TERM

free_display() {
  local n
  for n in 99 98 97 96 95 94 93 92 91 90; do
    if [[ ! -e /tmp/.X$n-lock && ! -e /tmp/.X11-unix/X$n ]]; then
      echo "$n"
      return 0
    fi
  done
  return 1
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_for() { # seconds, command...
  local secs=$1
  shift
  local end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < end)) || return 1
    sleep 0.2
  done
}

e2e() {
  local app="$ROOT/target/debug/tianbao-app"
  [[ -x "$app" ]] || {
    echo "应用未编译：$app"
    E2E_FAILED=1
    return 1
  }
  E2E_TMP=$(mktemp -d /tmp/tianbao-e2e.XXXXXX)
  mkdir -p out/screenshots

  local n
  n=$(free_display) || {
    echo "找不到空闲的 X 显示编号"
    E2E_FAILED=1
    return 1
  }
  Xvfb ":$n" -screen 0 1920x1080x24 -nolisten tcp >"$E2E_TMP/xvfb.log" 2>&1 &
  XVFB_PID=$!
  export DISPLAY=":$n"
  if ! wait_for 15 xdpyinfo -display ":$n"; then
    echo "Xvfb 没有启动："
    cat "$E2E_TMP/xvfb.log"
    E2E_FAILED=1
    return 1
  fi

  local port native
  port=$(free_port)
  native=$(free_port)
  # The app inherits tauri-driver's environment: TIANBAO_DB is the database of a test that
  # starts the app without --db (test_robust checks that it arrives).
  export E2E_ENV_DB="$E2E_TMP/env.db"
  TIANBAO_DB="$E2E_ENV_DB" WEBKIT_DISABLE_DMABUF_RENDERER=1 \
    setsid "$ROOT/tools/bin/tauri-driver" --port "$port" --native-port "$native" \
    >"$E2E_TMP/tauri-driver.log" 2>&1 &
  DRIVER_PID=$!
  if ! wait_for 20 curl -sf "http://127.0.0.1:$port/status"; then
    echo "tauri-driver 没有启动："
    cat "$E2E_TMP/tauri-driver.log"
    E2E_FAILED=1
    return 1
  fi

  local rc=0 out="$E2E_TMP/e2e.out"
  TAURI_DRIVER_URL="http://127.0.0.1:$port" TIANBAO_APP="$app" E2E_SCREENSHOTS="$ROOT/out/screenshots" \
    timeout --kill-after=10 1500 python3 -u tests/e2e/run.py ${E2E_K:+-k "$E2E_K"} 2>&1 | tee "$out" || rc=$?
  local last
  last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1 || true)
  if [[ -n "$last" ]]; then
    E2E_PASSED=${last%% passed*}
    E2E_FAILED=${last#*passed, }
    E2E_FAILED=${E2E_FAILED%% failed*}
  else
    echo "端到端测试没有给出结果（超时或崩溃）"
    E2E_FAILED=$((E2E_FAILED + 1))
    rc=1
  fi
  if ((rc != 0)); then
    echo "---- tauri-driver 日志（最后 40 行）"
    tail -n 40 "$E2E_TMP/tauri-driver.log" || true
  fi
  cleanup_e2e
  return $rc
}

# --- run -------------------------------------------------------------------------------------------

T_START=$SECONDS
step "install-deps" deps
if [[ " ${FAILED_STEPS[*]} " == *" install-deps "* ]]; then
  echo "缺少依赖，停止。"
  echo "0 passed, 1 failed"
  exit 1
fi
step "cargo fmt --check" fmt
step "core: cargo test" core_tests
step "build app" build_app
step "ui: node --test" ui_tests
step "tests/steps.d" extra_steps
if [[ "${E2E:-1}" == 0 ]]; then
  echo "E2E=0：跳过端到端测试"
elif [[ " ${FAILED_STEPS[*]} " == *" build app "* ]]; then
  echo "应用没有编译成功，跳过端到端测试"
  E2E_FAILED=1
else
  step "e2e (Xvfb + tauri-driver)" e2e
fi

printf '\n==== summary (%d s) ====\n' $((SECONDS - T_START))
if ((${#FAILED_STEPS[@]})); then
  echo "失败的步骤：${FAILED_STEPS[*]}"
else
  echo "所有步骤通过"
fi
echo "e2e: ${E2E_PASSED} passed, ${E2E_FAILED} failed"
echo "${E2E_PASSED} passed, ${E2E_FAILED} failed"
((${#FAILED_STEPS[@]} == 0))
