#!/usr/bin/env bash
# Cold build and test times of the core, with every dependency optimised in debug builds
# (`[profile.dev.package."*"] opt-level = 2`, variant `all`) and with only the crates that need
# it (image decoding and resizing, compression, hashing, SQLite's C code: variant `some`, the
# list SOME below). Either variant replaces the dev-profile entries of REV's Cargo.toml.
#
# usage: bash scripts/bench_build.sh [REV] [VARIANT…]   (default: HEAD, variants `all some`)
#
# For each variant: a copy of REV in a temporary folder, an empty target folder, then
#   build  = `cargo build` (the core library and the CLI, as `cargo build` in the repository)
#   app    = `cargo build -p tianbao-app` after it (what the Tauri shell adds)
#   test+  = `cargo test --no-run` after it (what the tests add: dev-dependencies, test crates)
#   run    = `cargo test` once everything is built (the core suite running)
# each as wall-clock seconds and CPU seconds (user + system of cargo and everything it starts),
# with the machine's load average before each variant. On a shared machine the wall-clock times
# depend on the others; the CPU seconds much less. Compare variants of one run.
# NICE=10 runs the builds at a lower priority (the default; the numbers stay comparable).
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:-HEAD}
shift || true
variants=("$@")
[ ${#variants[@]} -eq 0 ] && variants=(all some)
jobs=${JOBS:-$(nproc)}
SOME="image zune-jpeg zune-core png fdeflate miniz_oxide flate2 zlib-rs adler2 simd-adler32
crc32fast fast_image_resize moxcms pxfm sha2 zopfli libsqlite3-sys scrypt salsa20 pbkdf2 hmac
chacha20 chacha20poly1305 poly1305"

timed() { # prints "wall cpu" seconds of a command (a failing command is reported, not fatal)
  local out
  out=$(mktemp)
  /usr/bin/time -f '%e %U %S' -o "$out" nice -n "${NICE:-10}" "$@" >/dev/null 2>&1 || echo "failed: $*" >&2
  awk 'END { printf "%.0f/%.0f", $1, $2 + $3 }' "$out"
  rm -f "$out"
}

set_profile() { # Cargo.toml variant
  python3 - "$1" "$2" "$SOME" <<'PY'
import re, sys
path, variant, some = sys.argv[1], sys.argv[2], sys.argv[3].split()
s = open(path).read()
s = re.sub(r'\n\[profile\.dev\.package\.[^\n]*\]\nopt-level = \d+\n?', '\n', s)
crates = ['"*"'] if variant == 'all' else some
s = s.rstrip() + '\n' + ''.join(f'\n[profile.dev.package.{c}]\nopt-level = 2\n' for c in crates)
open(path, 'w').write(s)
PY
}

echo "rev $(git rev-parse --short "$rev"), $(nproc) CPUs, -j$jobs, $(date -u +%FT%TZ); wall/CPU seconds"
printf '%-6s %11s %11s %11s %11s  %s\n' variant build app test+ run load
for v in "${variants[@]}"; do
  work=$(mktemp -d)
  git archive "$rev" | tar -x -C "$work"
  set_profile "$work/Cargo.toml" "$v"
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  export CARGO_TARGET_DIR="$work/target"
  # Each step is printed as soon as it ends (a run stopped half-way keeps what it measured).
  printf '%-6s' "$v"
  for step in build app test+ run; do
    case $step in
      build) cmd=(cargo build --offline -j"$jobs") ;;
      app) cmd=(cargo build --offline -j"$jobs" -p tianbao-app) ;;
      test+) cmd=(cargo test --offline -j"$jobs" --no-run) ;;
      run) cmd=(cargo test --offline -j"$jobs") ;;
    esac
    printf ' %11s' "$(cd "$work" && timed "${cmd[@]}")"
  done
  printf '  %s\n' "$load"
  rm -rf "$work"
done
