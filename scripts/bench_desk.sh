#!/usr/bin/env bash
# The provincial desk benchmark (issue 10): the 汇总表 alone (xlsx + docx, 20 rows, read from the
# store) and the whole submission package of 20 cases with full materials — three 12-megapixel
# pictures, a 3 MB personal photo and two ID scans each — from the check to the last file
# (汇总表, 20 推荐表 with their pictures, the originals, 材料清单, zip parts of 45 MB, e-mails).
#
#     bash scripts/bench_desk.sh [DIR]        # DIR default: a temp folder, removed after
#     PROFILE=release bash scripts/bench_desk.sh
#
# The fixture (20 cases, ~240 MB of pictures) is made once in DIR and reused when DIR is given
# again. Goals: summary ≤ 100 ms, package ≤ 10 s on 2 cores. Prints the numbers; results go in
# docs/BENCHMARKS.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
profile=${PROFILE:-release}
dir=${1:-}
if [ -z "$dir" ]; then
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
fi
flag=""
[ "$profile" = release ] && flag="--release"
cd "$root"
cargo build -q $flag --example desk_fixture
target=${CARGO_TARGET_DIR:-$root/target}
"$target/$profile/examples/desk_fixture" --bench "$dir"
