#!/usr/bin/env python3
"""App benchmark (not a test): launch → case list shown and memory (PSS of the app and its WebKit
processes) with 500 / 2,000 / 5,000 cases, beside a trivial Tauri window in the same run — blank,
and showing the list's Chinese text in the app's fonts; where the web process's memory goes (CJK
font files, other files, anonymous memory: DOM, JS heap, rendering); then keystroke → counter
update at ~3,000 字 and the save_case round trip as the editor's autosave makes it.

Build what it measures the way the package builds it (`tauri build` = release + custom-protocol;
a plain `cargo build --release` of a Tauri app is its dev mode):
    cargo build --release -p tianbao-app -p trivial-window --features tauri/custom-protocol
    cargo build --release --example seed_cases
Needs Xvfb on $DISPLAY and tools/bin/tauri-driver (what scripts/test.sh sets up).
Run:
    python3 scripts/bench_app.py --app new=target/release/tianbao-app \\
        [--app old=OTHER/tianbao-app] --trivial target/release/trivial-window \\
        [--cases 500,2000,5000] [--runs 5] [--seed PATH] [--no-editor]
Prints Markdown tables for docs/BENCHMARKS.md. Runs are interleaved (each round launches every
variant once), so the variants share the machine's conditions; medians are reported.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import harness  # noqa: E402

TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
CLK = os.sysconf("SC_CLK_TCK")
FONT = re.compile(r"\.(ttf|ttc|otf|pcf|woff2?)(\.gz)?$", re.I)


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


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def smaps(pid):
    """PSS in KiB of one process: total, CJK/other font files, other files, anonymous."""
    out = {"total": 0, "fonts": 0, "files": 0, "anon": 0}
    path = None
    try:
        with open(f"/proc/{pid}/smaps") as f:
            for line in f:
                first = line.split(None, 1)[0]
                if "-" in first and not first.endswith(":"):
                    parts = line.split(None, 5)
                    path = parts[5].strip() if len(parts) > 5 else ""
                elif first == "Pss:":
                    kb = int(line.split()[1])
                    out["total"] += kb
                    if path and path.startswith("/") and not path.startswith("/memfd:"):
                        out["fonts" if FONT.search(path) else "files"] += kb
                    else:
                        out["anon"] += kb
    except OSError:
        pass
    return out


def memory(pid):
    """PSS (MiB) by process kind, and the web process's breakdown."""
    kinds = {"app": 0.0, "web": 0.0, "network": 0.0}
    web = {"fonts": 0.0, "files": 0.0, "anon": 0.0}
    procs = tree(pid)
    for p in procs:
        m = smaps(p)
        name = comm(p)
        kind = "web" if name.startswith("WebKitWebProces") else "network" if name.startswith("WebKitNetwork") else "app"
        kinds[kind] += m["total"] / 1024
        if kind == "web":
            for k in web:
                web[k] += m[k] / 1024
    return {"pss": sum(kinds.values()), **kinds, **{f"web_{k}": v for k, v in web.items()}, "nproc": len(procs)}


# Under Xvfb there is no accessibility bus: GTK then waits for it, ~3 s in one start of two, at
# random (measured: 4 of 8 starts of the trivial window). A desktop session has one; so every
# variant here starts without looking for it.
QUIET = {"NO_AT_BRIDGE": "1", "GTK_A11Y": "none"}


def launch(path, db=None, env=None, log_dir=None):
    app = harness.App(db=db, app=path, env={**QUIET, **(env or {})}, log_dir=log_dir)
    pid = app.pid()
    ready = app.js(
        "const m = performance.getEntriesByName('tianbao-ready')[0];"
        "return m ? performance.timeOrigin + m.startTime : null;"
    )
    ms = ready - start_epoch_ms(pid) if ready else float("nan")
    time.sleep(2)  # let the WebKit processes settle before reading memory
    m = memory(pid)
    m["ms"] = ms
    m["dom"] = app.js("return document.getElementsByTagName('*').length")
    return app, m


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


def med(rows, key):
    return statistics.median(r[key] for r in rows)


def editor(app_path, db, log_dir):
    """Keystrokes and saves on a case of ~3,000 字 (the sample case, 三 and 四 filled up)."""
    app = harness.App(db=db, app=app_path, env=QUIET, log_dir=log_dir)
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--app", action="append", metavar="NAME=PATH",
                    help="a tianbao-app binary to measure (repeat to compare builds)")
    ap.add_argument("--trivial", default=os.path.join(TARGET, "release", "trivial-window"))
    ap.add_argument("--seed", default=None, help="examples/seed_cases (default: release, else debug)")
    ap.add_argument("--cases", default="500,2000,5000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-editor", action="store_true")
    a = ap.parse_args()
    apps = []
    for spec in a.app or [f"tianbao-app={os.path.join(TARGET, 'release', 'tianbao-app')}"]:
        name, _, path = spec.rpartition("=")
        apps.append((name or os.path.basename(path), os.path.abspath(path)))
    seed = a.seed or next((p for p in (os.path.join(TARGET, d, "examples", "seed_cases") for d in ("release", "debug"))
                           if os.path.exists(p)), None)
    for p in [x for _, x in apps] + [a.trivial, seed]:
        if not p or not os.path.exists(p):
            sys.exit(f"没有找到 {p}：先按本文件开头的说明构建")
    counts = [int(n) for n in a.cases.split(",")]
    tmp = tempfile.mkdtemp(prefix="tianbao-bench-")
    dbs = {}
    for n in counts:
        dbs[n] = os.path.join(tmp, f"cases-{n}.db")
        subprocess.run([seed, dbs[n], str(n)], check=True, capture_output=True)

    variants = [("trivial window (blank page)", a.trivial, None, {}),
                ("trivial window, the list's Chinese text", a.trivial, None, {"TRIVIAL_PAGE": "zh.html"})]
    for n in counts:
        for name, path in apps:
            variants.append((f"{name}, {n} cases", path, n, {}))
    rows = {v[0]: [] for v in variants}
    with open("/proc/loadavg") as f:
        load0 = f.read().split()[0]
    for _ in range(a.runs):
        for label, path, n, env in variants:
            # Each launch its own copy of the database (the app backs it up once a day at start).
            db = None
            if n is not None:
                db = os.path.join(tmp, f"run-{n}.db")
                subprocess.run(["cp", dbs[n], db], check=True)
                subprocess.run(["rm", "-rf", os.path.join(tmp, f"run-{n}-backups")], check=True)
            app, m = launch(path, db, env, log_dir=tmp)
            app.stop()
            rows[label].append(m)
    with open("/proc/loadavg") as f:
        load1 = f.read().split()[0]

    base = rows[variants[0][0]]
    print(f"load average {load0} → {load1}; {a.runs} runs, medians; PSS in MiB")
    print()
    print("| what | launch → shown | × blank | fastest | PSS | × blank | app | web | network | DOM elements |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, r in rows.items():
        print(f"| {label} | {med(r, 'ms'):.0f} ms | {med(r, 'ms') / med(base, 'ms'):.2f} | "
              f"{min(x['ms'] for x in r):.0f} ms | "
              f"{med(r, 'pss'):.0f} | {med(r, 'pss') / med(base, 'pss'):.2f} | {med(r, 'app'):.0f} | "
              f"{med(r, 'web'):.0f} | {med(r, 'network'):.0f} | {med(r, 'dom'):.0f} |")
    print()
    print("The web process (WebKitWebProcess), PSS in MiB by what is mapped:")
    print()
    print("| what | web process | font files | other files | anonymous (DOM, JS heap, rendering) |")
    print("|---|---|---|---|---|")
    for label, r in rows.items():
        print(f"| {label} | {med(r, 'web'):.0f} | {med(r, 'web_fonts'):.1f} | {med(r, 'web_files'):.0f} | "
              f"{med(r, 'web_anon'):.0f} |")
    for name, _ in apps:
        first, last = rows[f"{name}, {counts[0]} cases"], rows[f"{name}, {counts[-1]} cases"]
        print()
        print(f"{name}: {counts[0]} → {counts[-1]} cases: PSS {med(last, 'pss') - med(first, 'pss'):+.1f} MiB, "
              f"launch ×{med(last, 'ms') / med(first, 'ms'):.2f}")
    if not a.no_editor:
        for name, path in apps:
            print()
            print(f"{name}, in the editor:", end="")
            editor(path, dbs[counts[0]], tmp)


if __name__ == "__main__":
    main()
