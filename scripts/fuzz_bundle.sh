#!/usr/bin/env bash
# Fuzzes the bundle importer (fuzz/fuzz_targets/import_bundle.rs) for SECS seconds (default 600,
# i.e. the ≥ 10 minutes of issue 9). Not in CI: needs the nightly toolchain and cargo-fuzz
# (installed from the registry on first use). Seeds: a plain and an encrypted bundle made by the
# CLI. SANITIZER=none builds without AddressSanitizer (faster to build; Rust code is memory-safe
# here, the target looks for panics and hangs). A crash is written to fuzz/artifacts/import_bundle/; copy it into
# tests/fixtures/bundle-fuzz/ — tests/bundle.rs imports every file there (CI) and asserts a
# message and nothing written.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${SECS:-600}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
target=${CARGO_TARGET_DIR:-target}
cargo build -q --bin tianbao
bin=$target/debug/tianbao
seeds=fuzz/corpus/import_bundle
mkdir -p "$seeds"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/seed.db
"$bin" --db "$db" office 台江县商务局 >/dev/null
printf '{"person":{"name":"李明","birth_year":"1990"},"intro":{"basics":"基本情况"},"practices":[{"highlight":"亮点","text":"做法"}]}' >"$tmp/c.json"
"$bin" --db "$db" case import-json "$tmp/c.json" >/dev/null
"$bin" --db "$db" export --all -o "$seeds/plain.tianbao" >/dev/null
echo 口令 >"$tmp/pass"
"$bin" --db "$db" export --all --passphrase-file "$tmp/pass" -o "$seeds/encrypted.tianbao" >/dev/null
cd fuzz
# The fuzz build (nightly, instrumented) stays in fuzz/target, whatever CARGO_TARGET_DIR says.
env -u CARGO_TARGET_DIR cargo +nightly fuzz run ${SANITIZER:+-s $SANITIZER} import_bundle "corpus/import_bundle" -- \
  -max_total_time="$SECS" -rss_limit_mb=1024 -max_len=262144 -print_final_stats=1
