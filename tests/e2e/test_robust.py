"""Bad databases are a clear Chinese message in the window, never a crash; TIANBAO_DB from the
environment reaches the app through tauri-driver."""

import os

from harness import shot


def test_not_sqlite_file_shows_chinese_error(ctx):
    bad = ctx.db("not-a-db.db")
    with open(bad, "wb") as f:
        f.write("这不是数据库，只是一段文字。\n".encode() * 200)
    before = open(bad, "rb").read()
    app = ctx.app(bad)
    app.wait(lambda: not app.js("return document.getElementById('fatal').hidden"), what="错误页")
    msg = app.find("#fatal-msg").text
    assert "不是填报助手的数据库" in msg, msg
    assert bad in app.find("#fatal-path").text
    shot(app, "error-not-sqlite.png")
    assert open(bad, "rb").read() == before, "文件被改动了"


def test_tianbao_db_env_reaches_the_app(ctx):
    env_db = os.environ.get("E2E_ENV_DB")
    assert env_db, "scripts/test.sh 应为 tauri-driver 设置 TIANBAO_DB 并导出 E2E_ENV_DB"
    app = ctx.app_env()
    text = app.find("#db-path").text
    assert env_db in text, text
    info = app.invoke("app_info")
    assert info["ok"]["db_path"] == env_db, info
