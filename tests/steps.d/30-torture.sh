#!/usr/bin/env bash
# The torture suite's short form (issue 8): kill -9 during saves (30 trials), 2–4 concurrent
# writers, the app's process holding the database while the CLI runs, damaged databases, a full
# disk on a 1 MiB tmpfs (skipped with a message where it cannot be mounted), closed pipes,
# oversized inputs. The long form: python3 tests/torture/torture.py --long (docs/RELIABILITY.md).
set -euo pipefail
cargo build -q -p tianbao --bins
exec python3 tests/torture/torture.py
