"""Bad databases are a clear Chinese message in the window, never a crash; TIANBAO_DB from the
environment reaches the app through tauri-driver."""

import os

from harness import shot


def test_not_sqlite_file_shows_chinese_error(ctx):
    bad = ctx.db("not-a-db.db")
    with open(bad, "wb") as f:
        f.write("这不是数据库，只是一段文字。\n".encode() * 200)
    before = open(bad, "rb").read()
    app = ctx.app(bad, via="arg")
    app.wait(lambda: not app.js("return document.getElementById('fatal').hidden"), what="错误页")
    msg = app.find("#fatal-msg").text
    assert "不是填报助手的数据库" in msg, msg
    assert bad in app.find("#fatal-path").text
    shot(app, "error-not-sqlite.png")
    assert open(bad, "rb").read() == before, "文件被改动了"


def test_tianbao_db_env_reaches_the_app_and_db_flag_wins(ctx):
    env_db = ctx.db("from-env.db")
    app = ctx.app(env_db, via="env")
    assert env_db in app.find("#db-path").text
    assert app.invoke("app_info")["ok"]["db_path"] == env_db
    assert os.path.exists(env_db)
    app.stop()

    arg_db = ctx.db("from-arg.db")
    app = ctx.app_with(db=arg_db, env_db=env_db)
    assert app.invoke("app_info")["ok"]["db_path"] == arg_db, "--db 应优先于 TIANBAO_DB"
    assert arg_db in app.find("#db-path").text


def test_database_from_a_newer_version_is_refused_untouched(ctx):
    import hashlib
    import sqlite3

    db = ctx.db("newer.db")
    app = ctx.app(db)  # a real database of ours, with one case
    app.find("#new-case").click()
    app.wait(lambda: not app.js("return document.getElementById('editor-view').hidden"), what="编辑页")
    app.stop()
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 999")
    con.commit()
    con.close()
    digest = hashlib.sha256(open(db, "rb").read()).hexdigest()

    app = ctx.app(db)
    app.wait(lambda: not app.js("return document.getElementById('fatal').hidden"), what="错误页")
    msg = app.find("#fatal-msg").text
    assert "更新版本" in msg and "999" in msg, msg
    assert app.invoke("list_cases", {"query": {"text": "", "status": None, "trash": False}})["err"]
    app.stop()
    assert hashlib.sha256(open(db, "rb").read()).hexdigest() == digest, "较新版本的数据库被改动了"
