#!/usr/bin/env bash
# Every test of tianbao: core (cargo test), formatting, the app build, UI unit tests (node),
# extra steps from tests/steps.d/, and the end-to-end tests in the real app under Xvfb.
# This is README command 2 and what .ci/run calls. Run from anywhere; works on a clean clone.
#
# Adding a step: drop a `tests/steps.d/NN-name.sh` (bash, run from the repo root in name order,
# non-zero exit = failure). It runs after the built-in steps and before the e2e tests, with the
# app and the CLI already built (target/debug/) and no DISPLAY. Or add a function below and a
# `step` line in the run section. New packages go in scripts/install-deps.sh's arrays.
# Environment knobs: E2E=0 skips the e2e tests; E2E_K=SUBSTR runs only matching e2e tests;
# CARGO_TARGET_DIR is honoured (the e2e tests run the app and CLI built there).
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

build_app() { cargo build -p tianbao-app --bins && cargo build -p tianbao --bins --example seed_cases; }

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
# test.sh starts Xvfb; tests/e2e/run.py starts one tools/bin/tauri-driver per run of the app
# (WebKitWebDriver keeps one session at a time and does not recover from a SIGKILLed app), each
# in its own process group whose id it writes to $E2E_PGID_FILE. On exit, also after a failure,
# a timeout or Ctrl-C, everything is ended here by pid / process-group id.

XVFB_PID=""
RUNNER_PID=""
E2E_TMP=""

cleanup_e2e() {
  if [[ -n "$RUNNER_PID" ]]; then
    kill -TERM "$RUNNER_PID" 2>/dev/null || true
    RUNNER_PID=""
  fi
  if [[ -n "$E2E_TMP" && -f "$E2E_TMP/pgids" ]]; then
    local g
    while read -r g; do
      [[ "$g" =~ ^[0-9]+$ ]] && kill -KILL -- "-$g" 2>/dev/null || true
    done <"$E2E_TMP/pgids"
  fi
  if [[ -n "$XVFB_PID" ]]; then
    kill -TERM "$XVFB_PID" 2>/dev/null || true
    wait "$XVFB_PID" 2>/dev/null || true
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
  local target="${CARGO_TARGET_DIR:-$ROOT/target}"
  local app="$target/debug/tianbao-app"
  [[ -x "$app" ]] || {
    echo "应用未编译：$app"
    E2E_FAILED=1
    return 1
  }
  [[ -x "$ROOT/tools/bin/tauri-driver" ]] || {
    echo "缺少 tools/bin/tauri-driver（scripts/install-deps.sh test 会安装）"
    E2E_FAILED=1
    return 1
  }
  E2E_TMP=$(mktemp -d /tmp/tianbao-e2e.XXXXXX)
  : >"$E2E_TMP/pgids"
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
  echo "Xvfb 显示 :$n（pid $XVFB_PID）"

  local rc=0 out="$E2E_TMP/e2e.out"
  : >"$out"
  TAURI_DRIVER="$ROOT/tools/bin/tauri-driver" TIANBAO_APP="$app" TIANBAO_CLI="$target/debug/tianbao" \
    E2E_SCREENSHOTS="$ROOT/out/screenshots" E2E_PGID_FILE="$E2E_TMP/pgids" \
    WEBKIT_DISABLE_DMABUF_RENDERER=1 \
    E2E_REQUIRE_ALL=1 timeout --kill-after=15 1500 python3 -u tests/e2e/run.py ${E2E_K:+-k "$E2E_K"} >"$out" 2>&1 &
  RUNNER_PID=$!
  tail -n +1 -f --pid="$RUNNER_PID" "$out" || true
  wait "$RUNNER_PID" || rc=$?
  RUNNER_PID=""
  local last
  last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1 || true)
  if [[ -n "$last" ]]; then
    E2E_PASSED=${last%% passed*}
    E2E_FAILED=${last#*passed, }
    E2E_FAILED=${E2E_FAILED%% failed*}
  else
    echo "端到端测试没有给出结果（超时或崩溃，退出码 $rc）"
    E2E_FAILED=$((E2E_FAILED + 1))
    rc=1
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
