"""生成推荐表 in the app: the open case (the function behind the button, given the path the save
dialog would return), the draft confirmation, a selection in the list into a folder with progress,
cancelling, and the opener's scope (only .docx files may be opened)."""

import os
import time
import zipfile

from harness import (
    back_to_list,
    fill_valid,
    make_image,
    answer,
    attach,
    new_case,
    new_valid_case,
    seam,
    set_value,
    shot,
    wait_saved,
)


def _alert_text(app):
    """The text of the confirmation the button shows (after it has saved the case)."""
    from wd import WebDriverError

    def get():
        try:
            return app.cmd("GET", "/alert/text")
        except WebDriverError as e:
            if "no such alert" in str(e):
                return None
            raise

    return app.wait(get, timeout=10, what="确认对话框")


def _document_xml(path):
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        return z.read("word/document.xml").decode("utf-8")


def _all_parts_text(path):
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))


def test_generate_docx_for_the_open_case(ctx):
    pic = make_image(os.path.join(ctx.tmp, "现场.jpg"), 1600, 1200)
    app = ctx.app()
    new_case(app)
    fill_valid(app)
    attach(app, "pictures", [pic])
    set_value(app, "media.pictures.0.caption", "直播间里讲解苗绣针法")
    wait_saved(app)

    # The button first asks about the draft mark; dismissing it opens no dialog and writes nothing.
    app.find("#gen-docx").click()
    alert = answer(app, "取消")["text"]
    assert "未标记完成" in alert and "草稿" in alert, alert
    assert app.js("return document.getElementById('job').hidden")

    # (c) the function behind the button, with the path the save dialog would give.
    out = os.path.join(ctx.tmp, "输出", "李明.docx")
    os.makedirs(os.path.dirname(out))
    t0 = time.monotonic()
    r = seam(app, "generateDocx", out)
    took = time.monotonic() - t0
    assert "ok" in r, r
    w = r["ok"]
    assert w["path"] == out and w["draft"] is True, w
    xml = _document_xml(out)
    assert "李明" in xml and "直播间里讲解苗绣针法" in xml
    assert "草稿" in _all_parts_text(out)
    with zipfile.ZipFile(out) as z:
        assert any(n.startswith("word/media/") for n in z.namelist())
    toast = app.find("#toast").text
    assert "已生成推荐表" in toast and "李明.docx" in toast and "草稿" in toast, toast
    assert "打开文件" in toast and "打开所在文件夹" in toast
    print(f"    生成一个推荐表（含一张图片）：{took * 1000:.0f} ms")

    # Marked 完成: no 草稿 any more; the default name comes from the core.
    app.find("#mark-ready").click()
    answer(app, "仍标记为完成")
    app.wait(lambda: app.find("#status-badge").text == "已完成", what="已完成")
    r = seam(app, "generateDocx", out)
    assert r["ok"]["draft"] is False
    assert "草稿" not in _all_parts_text(out)
    case = app.js_async(
        "const done = arguments[0];"
        "window.__TAURI__.core.invoke('get_case', {id: window.tianbao.caseId()})"
        ".then(c => window.__TAURI__.core.invoke('docx_file_name', {case: c, index: 1})).then(done, e => done(String(e)));"
    )
    assert case == "01_李明_推荐表.docx", case

    # A folder that does not exist: the core's Chinese message, shown as it is.
    r = seam(app, "generateDocx", os.path.join(ctx.tmp, "没有这个文件夹", "a.docx"))
    assert "没有这个文件夹" in r["err"] and "不存在" in r["err"], r
    assert "不存在" in app.find("#toast").text

    # The opener may open .docx files (and reveal folders), nothing else.
    denied = app.js_async(
        "const done = arguments[arguments.length - 1];"
        "window.__TAURI__.opener.openPath(arguments[0]).then(() => done('opened'), e => done(String(e)));",
        os.path.join(ctx.tmp, "run.sh"),
    )
    assert "not allowed" in denied.lower() or "denied" in denied.lower(), denied
    allowed = app.js_async(
        "const done = arguments[arguments.length - 1];"
        "window.__TAURI__.opener.openPath(arguments[0]).then(() => done('opened'), e => done(String(e)));",
        os.path.join(ctx.tmp, "不存在的文件.docx"),
    )
    assert "not allowed" not in allowed.lower() and "denied" not in allowed.lower(), allowed


def _make_cases(app, names):
    ids = []
    for n in names:
        c = app.invoke("create_case")["ok"]
        c["person"]["name"] = n
        r = app.invoke("save_case", {"case": c})
        assert "ok" in r, r
        ids.append(c["id"])
    return ids


def _watch_job(app, cancel_at=None):
    """Records the footer's job texts; clicks 取消 once the text contains `cancel_at`."""
    app.js(
        "window.__jobTexts = [];"
        "if (window.__jobObserver) window.__jobObserver.disconnect();"
        "const job = document.getElementById('job');"
        "const cancelAt = arguments[0];"
        "const mo = window.__jobObserver = new MutationObserver(() => {"
        "  const t = job.querySelector('.job-text');"
        "  if (!t) return;"
        "  const s = t.textContent; const l = window.__jobTexts;"
        "  if (l[l.length - 1] !== s) l.push(s);"
        "  const b = document.getElementById('job-cancel');"
        "  if (cancelAt && s.includes(cancelAt) && b && !b.disabled) b.click();"
        "}); mo.observe(job, {subtree: true, childList: true, characterData: true});",
        cancel_at,
    )


def test_generate_for_a_selection_in_the_list(ctx):
    app = ctx.app()
    new_valid_case(app, ready=True)
    back_to_list(app)
    _make_cases(app, ["王芳", "阿依古丽·买买提", "张三"])
    app.js("document.getElementById('search').dispatchEvent(new Event('input'))")
    app.wait(lambda: len(app.find_all("#case-rows tr")) == 4, what="四个案例")

    btn = app.find("#gen-many")
    assert btn.enabled is False and btn.text == "生成推荐表"
    names = app.js("return [...document.querySelectorAll('#case-rows tr')].map(r => r.querySelector('.c-name').innerText)")
    want = ["李明", "阿依古丽·买买提", "张三"]
    for n in want:
        i = names.index(n)
        app.find(f"#case-rows tr:nth-child({i + 1}) input.sel").click()
    app.wait(lambda: app.find("#gen-many").text == "生成推荐表（3）", what="生成推荐表（3）")
    assert app.find("#gen-many").enabled
    assert app.js("return document.getElementById('select-all').indeterminate") is True
    shot(app, "list-selection.png")

    # The button asks about drafts first (2 of the 3 are drafts); dismissing does nothing.
    app.find("#gen-many").click()
    alert = answer(app, "取消")["text"]
    assert "3 个案例中有 2 个未标记完成" in alert and "草稿" in alert, alert

    out = os.path.join(ctx.tmp, "推荐表")
    os.makedirs(out)
    _watch_job(app)
    r = seam(app, "generateDocxMany", out)
    assert "ok" in r, r
    res = r["ok"]
    assert not res["cancelled"] and not res["failed"], res
    # Numbered by 姓名 in pinyin order (as the toast says), not by the list's order.
    order = ["阿依古丽·买买提", "李明", "张三"]
    expected = [f"{i + 1:02d}_{n}_推荐表.docx" for i, n in enumerate(order)]
    assert sorted(os.listdir(out)) == sorted(expected), os.listdir(out)
    for i, n in enumerate(order):
        assert n in _document_xml(os.path.join(out, expected[i]))
    drafts = {w["file_name"]: w["draft"] for w in res["written"]}
    assert drafts[expected[order.index("李明")]] is False
    texts = app.js("return window.__jobTexts")
    assert any(t.startswith("正在生成 1/3") for t in texts), texts
    toast = app.find("#toast").text
    assert "已生成 3 个推荐表" in toast and "按姓名拼音顺序编号" in toast and "2 个带“草稿”字样" in toast and "打开所在文件夹" in toast, toast

    # Select all / none.
    app.find("#select-all").click()
    app.wait(lambda: app.find("#gen-many").text == "生成推荐表（4）", what="全选")
    app.find("#select-all").click()
    app.wait(lambda: app.find("#gen-many").text == "生成推荐表", what="全不选")


def test_twenty_with_progress_and_cancel(ctx):
    # Twenty cases, each with a picture of its own (so every file takes a moment: the print-size
    # picture is made the first time).
    pics = [
        make_image(os.path.join(ctx.tmp, f"p{i:02d}.jpg"), 1600, 1200, quality=85)
        if i == 0
        else None
        for i in range(20)
    ]
    for i in range(1, 20):
        # Same size, different content (a different SHA-256, so no shared print cache).
        pics[i] = os.path.join(ctx.tmp, f"p{i:02d}.jpg")
        import subprocess

        subprocess.run(
            ["convert", pics[0], "-fill", f"#{i * 12:02x}3060", "-draw", f"rectangle 0,0 {40 * i},{30 * i}", pics[i]],
            check=True, capture_output=True, timeout=60,
        )
    app = ctx.app()
    new_case(app)
    fill_valid(app)
    wait_saved(app)
    c = app.invoke("get_case", {"id": app.js("return window.tianbao.caseId()")})["ok"]
    back_to_list(app)
    for i in range(20):
        a = app.invoke("attach_file", {"path": pics[i], "role": "picture"})
        assert "ok" in a, a
        d = dict(c)
        if i:
            d["id"] = app.invoke("create_case")["ok"]["id"]
            d["person"] = dict(c["person"], name=f"测试{i:02d}")
        d["media"] = dict(c["media"], pictures=[dict(a["ok"]["attachment"], caption=f"图{i}")])
        assert "ok" in app.invoke("save_case", {"case": d})
    app.js("document.getElementById('search').dispatchEvent(new Event('input'))")
    app.wait(lambda: len(app.find_all("#case-rows tr")) == 20, what="二十个案例")
    app.find("#select-all").click()
    app.wait(lambda: app.find("#gen-many").text == "生成推荐表（20）", what="二十个")

    # 取消 between files: what is written stays, the rest is not made.
    out = os.path.join(ctx.tmp, "取消")
    os.makedirs(out)
    _watch_job(app, cancel_at="正在生成 3/20")
    r = seam(app, "generateDocxMany", out)
    res = r["ok"]
    assert res["cancelled"] is True, res
    n = len(res["written"])
    assert 3 <= n < 20, n
    assert len([f for f in os.listdir(out) if f.endswith(".docx")]) == n
    assert "已取消" in app.find("#toast").text
    assert app.js("return document.getElementById('job').hidden")

    # All twenty, with progress after each file.
    out = os.path.join(ctx.tmp, "全部")
    os.makedirs(out)
    _watch_job(app)
    t0 = time.monotonic()
    # Started without waiting, so the window can be looked at while it works.
    app.js(
        "window.__gen = null;"
        "window.tianbao.generateDocxMany(arguments[0]).then(v => { window.__gen = {ok: v}; }, e => { window.__gen = {err: String(e)}; });",
        out,
    )
    app.wait(lambda: app.js("const t = document.querySelector('#job .job-text'); return t && /正在生成 ([4-9]|1[0-9])\\/20/.test(t.textContent)"), timeout=60, what="进度")
    assert app.find("#search").enabled  # the window answers while the files are made
    shot(app, "list-generating.png")
    r = app.wait(lambda: app.js("return window.__gen"), timeout=120, what="生成完成")
    took = time.monotonic() - t0
    assert "ok" in r and len(r["ok"]["written"]) == 20, r
    assert sorted(os.listdir(out))[0].startswith("01_") and len(os.listdir(out)) == 20
    texts = app.js("return window.__jobTexts")
    assert any(t.startswith("正在生成 20/20") for t in texts), texts
    assert len([t for t in texts if t.startswith("正在生成")]) >= 10, texts
    print(f"    生成 20 个推荐表（各含一张图片，其中 {n} 个的图片已缓存）：{took:.1f} s；进度文字 {len(texts)} 次")
