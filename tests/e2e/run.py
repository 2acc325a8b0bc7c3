#!/usr/bin/env python3
"""Runs the end-to-end tests (tests/e2e/test_*.py, functions test_*) against a running
tauri-driver, one after another, each with its own temp folder and a time limit, and ends with
the line `N passed, M failed`.

    python3 tests/e2e/run.py [-k SUBSTRING]

Needs: DISPLAY (an X server, e.g. Xvfb), tools/bin/tauri-driver (or $TAURI_DRIVER), the app
built at target/debug/tianbao-app (or $TIANBAO_APP), the CLI (target/debug/tianbao or
$TIANBAO_CLI) and examples/seed_cases beside it (`cargo build --example seed_cases`, or
$TIANBAO_SEED). A module's NEEDS (programs such as fcitx5) missing: the module is left out
saying so — or, with E2E_REQUIRE_ALL=1 (scripts/test.sh, which installs them), counted failed. Each run of the app gets a tauri-driver of
its own (see harness.py). scripts/test.sh sets all of that up.
"""

import argparse
import importlib
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402

TEST_TIMEOUT = int(os.environ.get("E2E_TEST_TIMEOUT", "240"))


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout(f"测试超过 {TEST_TIMEOUT} 秒")


def _terminate(signum, frame):
    # `timeout` or Ctrl-C from scripts/test.sh: stop the current test and clean up.
    raise KeyboardInterrupt(f"收到信号 {signum}")


class Ctx:
    """What a test gets: a temp folder of its own and bookkeeping of the apps it started."""

    def __init__(self, name):
        self.name = name
        self.tmp = tempfile.mkdtemp(prefix=f"tianbao-e2e-{name}-")
        self.apps = []

    def db(self, name="cases.db"):
        return os.path.join(self.tmp, name)

    def app(self, db=None, via="env", **kw):
        """Starts the app on `db` (default: this test's cases.db), named by TIANBAO_DB in the
        environment of its tauri-driver (via="env") or by `--db FILE` (via="arg")."""
        db = db or self.db()
        if via == "env":
            a = harness.App(env_db=db, log_dir=self.tmp, **kw)
        else:
            a = harness.App(db=db, log_dir=self.tmp, **kw)
        self.apps.append(a)
        return a

    def app_with(self, **kw):
        a = harness.App(log_dir=self.tmp, **kw)
        self.apps.append(a)
        return a

    def log_tail(self, lines=30):
        p = os.path.join(self.tmp, "tauri-driver.log")
        try:
            with open(p, "rb") as f:
                return b"\n".join(f.read().splitlines()[-lines:]).decode("utf-8", "replace")
        except OSError:
            return ""

    def cleanup(self):
        for a in self.apps:
            try:
                a.stop()
            except Exception:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)


def _missing(mod):
    """Programs a test module names in NEEDS (e.g. test_ime_real: fcitx5, xdotool) that are not
    on PATH. Such a module is left out of a default run, saying so; named by -k it runs (and
    fails saying what is missing)."""
    return [t for t in getattr(mod, "NEEDS", ()) if not shutil.which(t)]


def _fails(why):
    def fn(ctx):
        raise AssertionError(why)

    return fn


def discover(pattern):
    tests = []
    for fname in sorted(os.listdir(HERE)):
        if not (fname.startswith("test_") and fname.endswith(".py")):
            continue
        mod = importlib.import_module(fname[:-3])
        missing = _missing(mod)
        if missing and not (pattern and pattern in fname[:-3]):
            why = f"缺少 {'、'.join(missing)}（scripts/install-deps.sh test 会安装）"
            if os.environ.get("E2E_REQUIRE_ALL") == "1" and not pattern:
                tests.append((f"{fname[:-3]}.NEEDS", _fails(why), 0))
            else:
                print(f"跳过 {fname[:-3]}：{why}", flush=True)
            continue
        for name in sorted(vars(mod)):
            fn = getattr(mod, name)
            if name.startswith("test_") and callable(fn):
                full = f"{fname[:-3]}.{name}"
                if not pattern or pattern in full:
                    tests.append((full, fn, getattr(fn, "__code__").co_firstlineno))
    # In file order, not alphabetical, within a module.
    tests.sort(key=lambda t: (t[0].split(".")[0], t[2]))
    return [(n, f) for n, f, _ in tests]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", default="", help="run only tests whose name contains this")
    args = ap.parse_args()
    tests = discover(args.k)
    if not tests:
        print("没有找到端到端测试")
        print("0 passed, 1 failed")
        return 1
    signal.signal(signal.SIGALRM, _alarm)
    signal.signal(signal.SIGTERM, _terminate)
    passed = failed = 0
    failures = []
    t_all = time.monotonic()
    for name, fn in tests:
        ctx = Ctx(name.split(".")[-1])
        t0 = time.monotonic()
        signal.alarm(TEST_TIMEOUT)
        try:
            fn(ctx)
            signal.alarm(0)
            passed += 1
            print(f"ok   {name} ({time.monotonic() - t0:.1f} s)", flush=True)
        except BaseException as e:  # noqa: BLE001 — a failing test must not stop the run
            signal.alarm(0)
            failed += 1
            failures.append(name)
            print(f"FAIL {name} ({time.monotonic() - t0:.1f} s): {e}", flush=True)
            traceback.print_exc(limit=6)
            for a in ctx.apps:
                os.system(f"ps -o pid,pgid,stat,etime,cmd -g {a.driver.proc.pid}")
            tail = ctx.log_tail()
            if tail:
                print("---- tauri-driver / 应用日志（最后 30 行）\n" + tail, flush=True)
            if isinstance(e, KeyboardInterrupt):
                break
        finally:
            ctx.cleanup()
    print(f"端到端测试用时 {time.monotonic() - t_all:.1f} 秒", flush=True)
    if failures:
        print("失败：" + "，".join(failures))
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
