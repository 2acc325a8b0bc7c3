"""备份与恢复 in the app: the start-of-day backup, 立即备份, restoring one (the current content
backed up first); a damaged database (4 KiB overwritten in the middle) opens 备份与恢复 with the
newest sound backup offered — never a blank app — and restoring it brings the cases back."""

import json
import os
import shutil
import subprocess

import harness
from harness import close_window, rows_text, shot


def _cli(db, *args):
    p = subprocess.run([harness.CLI, "--db", db, *args], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, (args, p.stderr)
    return p.stdout


def _add_cases(db, names):
    for n in names:
        case = json.loads(_cli(db, "--json", "case", "new"))
        case["person"]["name"] = n
        case["intro"]["title"] = f"{n}的直播带货案例"
        path = db + ".case.json"
        with open(path, "w", encoding="utf-8") as f:
            json.dump(case, f, ensure_ascii=False)
        _cli(db, "case", "import-json", path)


def _backup_rows(app):
    return app.js(
        "return [...document.querySelectorAll('#backup-rows tr')].map(r => "
        "({file: r.dataset.file, text: r.innerText, offered: r.classList.contains('offered')}))"
    )


def _damage(path):
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        f.seek(size // 2 // 4096 * 4096)
        f.write(b"\xff" * 4096)


def test_backups_page_makes_lists_and_restores(ctx):
    db = ctx.db()
    _add_cases(db, ["甲一", "乙二"])
    app = ctx.app()
    # The first start of the day made a backup.
    app.find("#open-backups").click()
    app.wait(lambda: len(_backup_rows(app)) == 1, what="每日自动备份")
    assert "每日自动备份" in _backup_rows(app)[0]["text"] and "2 个" in _backup_rows(app)[0]["text"]
    # A case more, 立即备份, then restore the daily one: back to two cases.
    app.find("#backup-close").click()
    harness.new_case(app)
    harness.set_value(app, "person.name", "丙三")
    # From the open case to 帮助 and on to 备份与恢复: the case is saved and left first (a
    # restore replaces the database).
    app.find("#open-help").click()
    app.find("#open-backups").click()
    app.wait(lambda: app.js("return document.body.dataset.view") == "backup-view", what="备份与恢复")
    assert app.js("return window.tianbao.caseId()") is None, "案例应已关闭"
    app.find("#backup-now").click()
    app.wait(lambda: len(_backup_rows(app)) == 2, what="手动备份")
    assert "3 个" in _backup_rows(app)[0]["text"]
    shot(app, "backups.png")
    daily = [r for r in _backup_rows(app) if "每日自动备份" in r["text"]][0]
    app.js("document.querySelector(`#backup-rows tr[data-file=\"${arguments[0]}\"] button.restore`).click()", daily["file"])
    d = harness.answer(app, "恢复这个备份")
    assert "先把当前内容备份" in d["text"] and "2 个案例" in d["text"], d
    app.wait(lambda: app.js("return document.body.dataset.view === 'list-view' && document.body.dataset.ready === 'true'"), what="恢复后回到列表")
    app.wait(lambda: "甲一" in rows_text(app) and "丙三" not in rows_text(app), what="恢复后的案例")
    app.wait(lambda: "已恢复" in app.find("#toast").text, what="恢复后的提示")
    # List → 帮助 → 备份与恢复 → 返回: back to the list, not to 帮助.
    app.find("#open-help").click()
    app.find("#open-backups").click()
    app.find("#backup-close").click()
    app.wait(lambda: app.js("return document.body.dataset.view") == "list-view", what="回到列表")
    # The content before the restore was backed up first.
    listed = json.loads(_cli(db, "--json", "backup", "list"))  # reads the folder, beside the open window
    assert any(b["reason"] == "restore" and b["cases"] == 3 for b in listed), listed
    close_window(app)


def test_a_damaged_database_opens_the_restore_page_with_the_newest_good_backup(ctx):
    db = ctx.db()
    _add_cases(db, [f"案例{i:02d}" for i in range(30)])
    app = ctx.app()  # the daily backup (made once the list is shown): 30 cases
    bdir = os.path.join(os.path.dirname(db), os.path.splitext(os.path.basename(db))[0] + "-backups")
    app.wait(lambda: os.path.isdir(bdir) and any("daily" in f for f in os.listdir(bdir)), what="每日自动备份")
    app.stop()
    _add_cases(db, ["最后一个"])
    app = ctx.app()
    good = app.invoke("backup_now")["ok"]  # 31 cases
    assert good["cases"] == 31, good
    close_window(app)
    # A newer backup that is itself damaged must not be offered.
    bdir = os.path.dirname(good["path"])
    stem = os.path.splitext(os.path.basename(db))[0]
    bad = os.path.join(bdir, f"{stem}-29991231-235959-import.db")
    shutil.copy(good["path"], bad)
    _damage(bad)
    assert not os.path.exists(db + "-wal") or os.path.getsize(db + "-wal") == 0
    _damage(db)

    app = ctx.app()
    app.wait(lambda: app.js("return document.body.dataset.view") == "backup-view", what="打开备份与恢复")
    note = app.find("#backup-note").text
    assert "损坏" in note, note
    rows = _backup_rows(app)
    offered = [r for r in rows if r["offered"]]
    assert len(offered) == 1 and offered[0]["file"] == good["file"], rows
    assert "31 个" in offered[0]["text"]
    assert "已损坏" in [r for r in rows if r["file"] == os.path.basename(bad)][0]["text"]
    shot(app, "backups-damaged.png")
    # Nothing else of the app is offered while the database is damaged.
    assert not app.js("return document.getElementById('list-view').offsetParent !== null")
    app.js("document.querySelector('#backup-rows tr.offered button.restore').click()")
    d = harness.answer(app, "恢复这个备份")
    assert "损坏" in d["text"] and "31 个案例" in d["text"], d
    app.wait(lambda: app.js("return document.body.dataset.view === 'list-view'"), timeout=20, what="恢复后回到列表")
    app.wait(lambda: "最后一个" in rows_text(app), what="恢复后的案例")
    assert "31" in app.find("#list-count").text, app.find("#list-count").text
    kept = [f for f in os.listdir(os.path.dirname(db)) if ".damaged-" in f]
    assert kept, "损坏的文件应改名保留"
    close_window(app)


def test_about_names_version_year_database_and_office(ctx):
    db = ctx.db()
    app = ctx.app()
    app.invoke("set_office", {"office": "台江县商务局"})
    app.find("#open-about").click()
    d = harness.dialog(app)
    assert d["title"] == "关于 案例填报助手", d
    version = subprocess.run([harness.APP, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    assert version.startswith("案例填报助手 "), version
    year = str(app.invoke("app_info")["ok"]["campaign"]["year"])
    for want in (version.split()[-1], year, db, db.replace("cases.db", "cases-files"), "台江县商务局"):
        assert want in d["text"], (want, d["text"])
    shot(app, "about.png")
    harness.answer(app, "关闭")
    cli = subprocess.run([harness.CLI, "--version"], capture_output=True, text=True, timeout=30)
    assert cli.returncode == 0 and version.split()[-1] in cli.stdout, cli
    close_window(app)
