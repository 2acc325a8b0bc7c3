#!/usr/bin/env python3
"""App benchmark (not a test): launch → case list shown with 500 cases, memory (PSS summed over
the app and its WebKit processes), keystroke → counter update at ~3,000 字, and the save_case
round trip as the editor's autosave makes it — beside a trivial Tauri window in the same run.

Needs what scripts/test.sh sets up: Xvfb on $DISPLAY, tools/bin/tauri-driver, and
    cargo build -p tianbao-app -p trivial-window && cargo build --release --example seed_cases
Run:  python3 scripts/bench_app.py [RUNS]      (prints a Markdown table for docs/BENCHMARKS.md)
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import harness  # noqa: E402

TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
APP = os.path.join(TARGET, "debug", "tianbao-app")
TRIVIAL = os.path.join(TARGET, "debug", "trivial-window")
SEED = os.path.join(TARGET, "release", "examples", "seed_cases")
CLK = os.sysconf("SC_CLK_TCK")


def boot_time():
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("btime"):
                return int(line.split()[1])


def start_epoch_ms(pid):
    with open(f"/proc/{pid}/stat") as f:
        ticks = int(f.read().split(")")[-1].split()[19])
    return (boot_time() + ticks / CLK) * 1000


def children(pid):
    kids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    if int(f.read().split(")")[-1].split()[1]) == pid:
                        kids.append(int(d))
            except OSError:
                pass
    return kids


def tree(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children(p))
    return out


def pss_mib(pids):
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def launch(app_path, db=None):
    harness.APP = app_path
    app = harness.App(db=db)
    pid = app.pid()
    ready = app.js(
        "const m = performance.getEntriesByName('tianbao-ready')[0];"
        "return m ? performance.timeOrigin + m.startTime : null;"
    )
    ms = ready - start_epoch_ms(pid) if ready else float("nan")
    time.sleep(2)  # let the WebKit processes settle before reading memory
    procs = tree(pid)
    return app, ms, pss_mib(procs), len(procs)


KEYSTROKES = r"""
const done = arguments[arguments.length - 1];
const n = arguments[0];
const ta = document.querySelector('[data-path="results"]');
const ctr = document.querySelector('#counter-results .words');
const times = [];
ta.focus();
function one() {
  const before = ctr.textContent;
  const t0 = performance.now();
  const obs = new MutationObserver(() => {
    if (ctr.textContent === before) return;
    obs.disconnect();
    times.push(performance.now() - t0);
    if (times.length < n) setTimeout(one, 40); else done(times);
  });
  obs.observe(ctr, { childList: true, characterData: true, subtree: true });
  ta.value += times.length % 2 ? '。' : '农';
  ta.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: 'x' }));
}
one();
"""

SAVES = r"""
const done = arguments[arguments.length - 1];
const [id, n] = [arguments[0], arguments[1]];
const inv = window.__TAURI__.core.invoke;
(async () => {
  const c = await inv('get_case', { id });
  const times = [];
  for (let i = 0; i < n; i++) {
    c.lessons += '村';
    const t0 = performance.now();
    await inv('save_case', { case: c });
    times.push(performance.now() - t0);
  }
  done(times);
})().catch((e) => done(String(e)));
"""


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, round((len(v) - 1) * p))]


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    tmp = tempfile.mkdtemp(prefix="tianbao-bench-")
    db = os.path.join(tmp, "cases.db")
    subprocess.run([SEED, db, "500"], check=True, capture_output=True)
    rows = {"tianbao-app, 500 cases": [], "trivial Tauri window": []}
    for _ in range(runs):
        for name, path, d in (("tianbao-app, 500 cases", APP, db), ("trivial Tauri window", TRIVIAL, None)):
            app, ms, pss, nproc = launch(path, d)
            rows[name].append((ms, pss, nproc))
            app.stop()
    print(f"| app | launch → shown (median of {runs}) | PSS, MiB (median) | processes |")
    print("|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {statistics.median(x[0] for x in r):.0f} ms | "
              f"{statistics.median(x[1] for x in r):.0f} | {r[0][2]} |")

    # Keystrokes and saves on a case of ~3,000 字 (the sample case, 三 and 四 filled up).
    harness.APP = APP
    app = harness.App(db=db)
    harness.open_first(app)
    harness.set_value(app, "results", "农" * 480)
    harness.set_value(app, "lessons", "村" * 480)
    time.sleep(1.5)
    total = app.js("return ['intro','practices','results','lessons','opinion']"
                   ".map(k => parseInt(document.querySelector('#counter-' + k + ' .words').textContent)).reduce((a,b)=>a+b)")
    keys = app.js_async(KEYSTROKES, 200, timeout=120)
    case_id = app.js("return window.__TAURI__.core.invoke('list_cases', {query: {}}).then(l => l[0].id)")
    saves = app.js_async(SAVES, case_id, 200, timeout=120)
    app.stop()
    print()
    print(f"keystroke → counter updated ({total} 字 in the case, 200 keystrokes): "
          f"p50 {pct(keys, 0.5):.1f} ms, p99 {pct(keys, 0.99):.1f} ms")
    print(f"autosave round trip (invoke save_case from the page, 200 saves): "
          f"p50 {pct(saves, 0.5):.1f} ms, p99 {pct(saves, 0.99):.1f} ms")


if __name__ == "__main__":
    main()
