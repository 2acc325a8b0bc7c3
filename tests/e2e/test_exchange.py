"""案例交换 in the app (issue 9): a case travels from a township (台江县, a second database
driven by the CLI) to the county's app, both edit the same field, the county imports the
township's bundle (preview first), sees 有冲突, resolves it field by field, reads the history,
and exports a bundle that fast-forwards the township. Also: a passphrase-protected bundle asks
for its passphrase, a re-import changes nothing and says so, a foreign file is refused with a
message naming it."""

import json
import os
import subprocess

from harness import CLI, back_to_list, open_first, set_value, shot, wait_saved

CASE_ID = "0190c5a0-1234-7000-8000-00000000e2e9"


def cli(db, *args):
    p = subprocess.run([CLI, "--db", db, *args], capture_output=True, timeout=120)
    assert p.returncode == 0, (args, p.stdout.decode(), p.stderr.decode())
    return p.stdout.decode()


def put_case(ctx, db, basics):
    path = os.path.join(ctx.tmp, "case.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(
            {
                "id": CASE_ID,
                "person": {"name": "李明", "birth_year": "1990", "birth_month": "5"},
                "region": {"province": "贵州省", "county": "台江县"},
                "intro": {"basics": basics},
            },
            f,
            ensure_ascii=False,
        )
    cli(db, "case", "import-json", path)


def start_import(app, path):
    """Starts 导入交换包 on `path` without waiting (its dialog waits for a click)."""
    app.js(
        "window.__imp = null;"
        "window.tianbao.importBundle(arguments[0]).then("
        "  v => { window.__imp = {ok: v}; }, e => { window.__imp = {err: String(e && e.message || e)}; });"
        "return true;",
        path,
    )


def import_result(app):
    app.wait(lambda: app.js("return window.__imp !== null"), timeout=30, what="导入结束")
    return app.js("return window.__imp")


def dialog_text(app):
    return app.js("const d = document.getElementById('x-dialog'); return d ? d.innerText : ''")


def toast_text(app):
    return app.js("return document.getElementById('toast').innerText")


def test_bundle_round_trip_conflict_history(ctx):
    town = ctx.db("township.db")
    county = ctx.db()
    b1 = os.path.join(ctx.tmp, "第一次.tianbao")
    b2 = os.path.join(ctx.tmp, "第二次.tianbao")
    back = os.path.join(ctx.tmp, "回乡镇.tianbao")

    # The township enters the case and sends it; the county imports it (before its app opens).
    cli(town, "office", "台江县施洞镇")
    put_case(ctx, town, "李明是施洞镇偏寨村村民。")
    cli(town, "export", "--all", "-o", b1)
    cli(county, "office", "台江县商务局")
    cli(county, "import", b1)
    # The township corrects the same field afterwards and sends it again.
    put_case(ctx, town, "李明是施洞镇偏寨村村民，2019年开始做苗绣直播。")
    cli(town, "export", "--all", "-o", b2)

    app = ctx.app()
    app.wait(lambda: "李明" in app.js("return document.getElementById('case-rows').innerText"), what="导入的案例")
    # Meanwhile the county edits the same field in the app.
    open_first(app)
    set_value(app, "intro.basics", "李明，台江县施洞镇偏寨村人，苗绣直播带头人。")
    wait_saved(app)
    back_to_list(app)

    # Import: the preview first, nothing written until 导入.
    start_import(app, b2)
    app.wait(lambda: "有冲突" in dialog_text(app), timeout=30, what="导入预览")
    text = dialog_text(app)
    assert "台江县施洞镇" in text and "李明" in text and "基本情况介绍" in text, text
    assert "object" not in text, text
    # The core's words for the outcome (Outcome::label): one field edited on both sides.
    assert app.js("return document.querySelector('#x-preview-table tbody tr td:nth-child(2)').innerText") == "有冲突（1 处）"
    shot(app, "exchange-preview.png")
    app.find("#x-apply").click()
    r = import_result(app)
    assert "ok" in r, r
    assert r["ok"]["conflicts"] == 1, r

    # The list shows 有冲突; both texts are kept until the clerk decides.
    app.wait(lambda: app.find_all(".conflict-badge"), what="有冲突")
    shot(app, "exchange-list-conflict.png")
    app.find(".conflict-badge").click()
    app.wait(lambda: app.find_all("#x-conflicts .x-choice"), what="冲突对话框")
    text = dialog_text(app)
    assert "2019年开始做苗绣直播" in text, text
    assert "苗绣直播带头人" in text, text
    assert "本单位的版本" in text and "台江县施洞镇的版本" in text, text
    assert " 字）" in text, text
    shot(app, "exchange-conflict.png")
    # Take the township's version.
    i = app.js(
        "return [...document.querySelectorAll('#x-conflicts .x-choice')]"
        ".findIndex(c => c.innerText.includes('台江县施洞镇的版本'))"
    )
    assert i >= 0
    app.js("document.querySelectorAll('#x-conflicts .x-choice')[arguments[0]].querySelector('button').click()", i)
    app.wait(lambda: not app.find_all("#x-dialog"), what="冲突处理完")
    app.wait(lambda: not app.find_all(".conflict-badge"), what="冲突标记消失")
    cases = app.invoke("list_cases", {"query": {"text": "", "status": None, "trash": False}})["ok"]
    got = app.invoke("get_case", {"id": cases[0]["id"]})["ok"]
    assert got["intro"]["basics"] == "李明是施洞镇偏寨村村民，2019年开始做苗绣直播。", got["intro"]

    # History: who, when, which fields.
    app.find("#case-rows tr button.history").click()
    app.wait(lambda: app.find_all("#x-history tbody tr"), what="修改历史")
    text = dialog_text(app)
    for needle in ("台江县施洞镇", "台江县商务局", "处理冲突", "基本情况介绍", "新建"):
        assert needle in text, (needle, text)
    shot(app, "exchange-history.png")
    app.find("#x-cancel").click()

    # Export back: the township's database fast-forwards.
    r = app.js_async(
        "const done = arguments[arguments.length - 1];"
        "window.tianbao.exportBundle(arguments[0], {}).then(v => done({ok: v}), e => done({err: String(e.message || e)}));",
        back,
    )
    assert "ok" in r and r["ok"]["cases"] == 1, r
    assert os.path.getsize(back) > 0
    out = json.loads(cli(town, "import", back, "--dry-run", "--json"))
    out = out[0] if isinstance(out, list) else out  # one preview per file
    outcomes = {c["id"]: c["outcome"] for c in out["cases"]}
    assert outcomes[CASE_ID] == "fast_forward", out


def test_passphrase_reimport_and_a_foreign_file(ctx):
    town = ctx.db("township.db")
    county = ctx.db()
    locked = os.path.join(ctx.tmp, "加密.tianbao")
    passfile = os.path.join(ctx.tmp, "pass.txt")
    with open(passfile, "w", encoding="utf-8") as f:
        f.write("施洞2024\n")
    cli(town, "office", "台江县施洞镇")
    put_case(ctx, town, "李明是施洞镇偏寨村村民。")
    cli(town, "export", "--all", "--passphrase-file", passfile, "-o", locked)
    foreign = os.path.join(ctx.tmp, "不是交换包.tianbao")
    with open(foreign, "w", encoding="utf-8") as f:
        f.write("这只是一个文本文件")

    app = ctx.app(county)
    # A passphrase-protected bundle asks for the passphrase; a wrong one is refused clearly.
    start_import(app, locked)
    app.wait(lambda: app.find_all("#x-import-pass"), what="口令对话框")
    shot(app, "exchange-passphrase.png")
    app.find("#x-import-pass").send_keys("错误的口令")
    app.find("#x-pass-ok").click()
    r = import_result(app)
    assert "err" in r and "口令" in r["err"], r
    app.wait(lambda: "口令" in toast_text(app), what="口令错误的提示")

    start_import(app, locked)
    app.wait(lambda: app.find_all("#x-import-pass"), what="口令对话框")
    app.find("#x-import-pass").send_keys("施洞2024")
    app.find("#x-pass-ok").click()
    app.wait(lambda: "新增" in dialog_text(app), timeout=60, what="导入预览")
    app.find("#x-apply").click()
    assert "ok" in import_result(app)
    app.wait(lambda: "李明" in app.js("return document.getElementById('case-rows').innerText"), what="导入的案例")

    # The same bundle again, dropped on the list: nothing changes, and the dialog says so.
    app.js("window.tianbao.drop({type: 'drop', paths: [arguments[0]], x: 200, y: 200}); return true;", locked)
    app.wait(lambda: app.find_all("#x-import-pass"), what="口令对话框")
    app.find("#x-import-pass").send_keys("施洞2024")
    app.find("#x-pass-ok").click()
    app.wait(lambda: "没有变化" in dialog_text(app), timeout=60, what="再次导入的预览")
    assert not app.find_all("#x-apply")
    app.find("#x-cancel").click()
    app.wait(lambda: not app.find_all("#x-dialog"), what="预览关闭")
    app.wait(lambda: "已经导入过" in toast_text(app), what="“已经导入过”的提示")
    assert len(app.find_all("#case-rows tr")) == 1

    # A foreign file: refused, the message names it; nothing imported.
    start_import(app, foreign)
    r = import_result(app)
    assert "err" in r and "不是交换包.tianbao" in r["err"], r
    app.wait(lambda: "不是交换包.tianbao" in toast_text(app), what="拒绝的提示")
    shot(app, "exchange-foreign.png")
    assert len(app.find_all("#case-rows tr")) == 1
