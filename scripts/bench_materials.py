#!/usr/bin/env python3
"""Materials benchmark of the real app (not a test): attaching a 12 MP JPEG as the clerk sees it
(call → thumbnail shown in the editor), 生成推荐表 of 20 cases with three different 12 MP
pictures each (every picture decoded once, then from the print-size cache), and 导入推荐表 of
those 20 files into a fresh database, each with the longest gap of a 50 ms timer in the page while
it runs (the window must not freeze) and the progress texts seen.

Needs Xvfb on $DISPLAY and tools/bin/tauri-driver (what scripts/test.sh sets up), ImageMagick.
Run:  python3 scripts/bench_materials.py [--app PATH]   (default: $CARGO_TARGET_DIR/debug/tianbao-app;
      a release build gives the numbers the clerk gets: cargo build --release -p tianbao-app)
"""

import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
if "--app" in sys.argv:
    os.environ["TIANBAO_APP"] = os.path.abspath(sys.argv[sys.argv.index("--app") + 1])
os.environ.setdefault("TIANBAO_APP", os.path.join(TARGET, "debug", "tianbao-app"))
os.environ.setdefault("TAURI_DRIVER", os.path.join(ROOT, "tools", "bin", "tauri-driver"))
import harness  # noqa: E402
from harness import new_case, set_value  # noqa: E402


def convert(*args):
    subprocess.run(["convert", *args], check=True, capture_output=True, timeout=600)


def main():
    tmp = tempfile.mkdtemp(prefix="tianbao-bench-materials-")
    result = {"app": harness.APP, "load_average_before": [round(x, 2) for x in os.getloadavg()]}
    base = []
    for i in range(3):
        p = os.path.join(tmp, f"base{i}.jpg")
        # A 4000×3000 JPEG of ~5 MB (gradient + noise: photo-like size).
        convert("-size", "4000x3000", f"gradient:#{3 + i}a8a5c-#f2c45a", "-seed", str(i + 1),
                "-attenuate", "0.4", "+noise", "Gaussian", "-quality", "90", p)
        base.append(p)
    # Three different pictures per case: a mark drawn on the base photos.
    pics = [[base[j] for j in range(3)]]
    for c in range(1, 20):
        row = []
        for j in range(3):
            p = os.path.join(tmp, f"c{c:02d}-{j}.jpg")
            convert(base[j], "-fill", f"#{(c * 12) % 256:02x}3060", "-draw", f"rectangle 0,0 {100 + 50 * c},{80 + 40 * c}",
                    "-quality", "90", p)
            row.append(p)
        pics.append(row)
    result["photo_mb"] = round(os.path.getsize(base[0]) / 1e6, 1)

    app = harness.App(db=os.path.join(tmp, "m.db"), log_dir=tmp)
    new_case(app)
    for path, value in harness.VALID.items():
        set_value(app, path, value)
    times = []
    for i, p in enumerate(pics[0]):
        ms = app.js_async(
            "const done = arguments[arguments.length - 1]; const t0 = performance.now();"
            "window.tianbao.attachPaths('pictures', [arguments[0]]).then(() => {"
            "  const wait = () => { const img = document.querySelectorAll('#picture-list img.thumb')[arguments[1]];"
            "    if (img && img.complete && img.naturalWidth > 0) done(performance.now() - t0); else setTimeout(wait, 5); };"
            "  wait(); }, e => done(String(e)));",
            p,
            i,
            timeout=120,
        )
        times.append(round(ms))
    result["attach_12mp_to_thumbnail_shown_ms"] = times
    harness.wait_saved(app, timeout=20)
    case = harness.current_case(app)
    harness.back_to_list(app)
    for c in range(1, 20):
        d = dict(case)
        d["id"] = app.invoke("create_case")["ok"]["id"]
        d["person"] = dict(case["person"], name=f"测试{c:02d}")
        atts = []
        for j, p in enumerate(pics[c]):
            a = app.invoke("attach_file", {"path": p, "role": "picture"})
            assert "ok" in a, a
            atts.append(dict(a["ok"]["attachment"], caption=f"图{j + 1}"))
        d["media"] = dict(case["media"], pictures=atts)
        assert "ok" in app.invoke("save_case", {"case": d})
    app.js("document.getElementById('search').dispatchEvent(new Event('input'))")
    app.wait(lambda: len(app.find_all("#case-rows tr")) == 20, what="20 个案例")
    app.find("#select-all").click()
    for run in ("first (60 pictures decoded)", "again (print-size cache)"):
        out = os.path.join(tmp, "docx-" + str(len(result)))
        os.makedirs(out)
        r = app.js_async(
            "const done = arguments[arguments.length - 1]; const dir = arguments[0];"
            "let last = performance.now(), gap = 0; const texts = [];"
            "const iv = setInterval(() => { const n = performance.now(); gap = Math.max(gap, n - last); last = n;"
            "  const t = document.querySelector('#job .job-text'); if (t && texts[texts.length - 1] !== t.textContent) texts.push(t.textContent); }, 50);"
            "const t0 = performance.now();"
            "window.tianbao.generateDocxMany(dir).then(o => { clearInterval(iv);"
            "  done({ms: performance.now() - t0, written: o.written.length, bytes: o.written.map(w => w.bytes), gap, texts}); },"
            "  e => { clearInterval(iv); done(String(e)); });",
            out,
            timeout=1800,
        )
        assert isinstance(r, dict), r
        result[f"docx_20_cases_x3_pictures, {run}"] = {
            "s": round(r["ms"] / 1000, 1),
            "written": r["written"],
            "largest_docx_mb": round(max(r["bytes"]) / 1e6, 2),
            "longest_timer_gap_ms": round(r["gap"]),
            "progress_texts_seen": len(r["texts"]),
            "some_texts": r["texts"][:2] + r["texts"][-1:],
        }
    app.stop()

    # 导入推荐表: the 20 files just written, read back in a fresh database (another office) as
    # 导入推荐表… does it: a backup, then per file the form read, its pictures stored, the case
    # saved; the footer's progress and the page's longest timer gap while it runs.
    files = sorted(os.path.join(out, f) for f in os.listdir(out) if f.endswith(".docx"))
    app = harness.App(db=os.path.join(tmp, "import.db"), log_dir=tmp)
    r = app.js_async(
        "const done = arguments[arguments.length - 1];"
        "let last = performance.now(), gap = 0; const texts = [];"
        "const iv = setInterval(() => { const n = performance.now(); gap = Math.max(gap, n - last); last = n;"
        "  const t = document.querySelector('#job .job-text'); if (t && texts[texts.length - 1] !== t.textContent) texts.push(t.textContent); }, 50);"
        "const t0 = performance.now();"
        "window.tianbao.importDocx(arguments[0]).then(rs => { clearInterval(iv);"
        "  done({ms: performance.now() - t0, imported: rs.filter(x => !x.error).length,"
        "        pictures: rs.map(x => x.report.found.filter(f => f.startsWith('图片')).join()), gap, texts}); },"
        "  e => { clearInterval(iv); done(String(e)); });",
        files,
        timeout=1800,
    )
    assert isinstance(r, dict), r
    result["import_20_docx_x3_pictures (导入推荐表, fresh database)"] = {
        "s": round(r["ms"] / 1000, 2),
        "imported": r["imported"],
        "pictures_found": sorted(set(r["pictures"])),
        "docx_kb": round(sum(os.path.getsize(f) for f in files) / len(files) / 1e3),
        "longest_timer_gap_ms": round(r["gap"]),
        "progress_texts_seen": len(r["texts"]),
        "some_texts": r["texts"][:2] + r["texts"][-1:],
    }
    app.stop()
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
