"""(b) Text survives closing the app and starting it again; (c) text typed 1.5 s before a
`kill -9` is there after a restart."""

import time

from harness import close_window, field, new_case, open_first, rows_text, wait_saved

NAME = "阿依古丽·买买提"
PRACTICE = "我们在合作社里每天直播三小时，带着乡亲们一起卖茶叶。"


def _check_back(ctx, db, name, practice):
    app = ctx.app(db)
    assert name in rows_text(app)
    open_first(app)
    assert field(app, "person.name").prop("value") == name
    assert field(app, "practices.0.text").prop("value") == practice
    return app


def test_text_survives_close_and_restart(ctx):
    db = ctx.db()
    app = ctx.app(db)
    new_case(app)
    field(app, "person.name").click().send_keys(NAME)
    field(app, "practices.0.text").click().send_keys(PRACTICE)
    wait_saved(app)
    assert app.quit() is True, "结束会话后应用应退出"
    _check_back(ctx, db, NAME, PRACTICE)


def test_closing_the_window_right_after_typing_saves_first(ctx):
    db = ctx.db()
    app = ctx.app(db)
    new_case(app)
    field(app, "person.name").click().send_keys(NAME)
    field(app, "practices.0.text").click().send_keys(PRACTICE)
    # No wait: the window is closed within the 500 ms debounce; closing must save first.
    assert close_window(app), "关闭窗口后应用应自行退出"
    _check_back(ctx, db, NAME, PRACTICE)


def test_text_survives_kill9(ctx):
    db = ctx.db()
    app = ctx.app(db)
    new_case(app)
    field(app, "person.name").click().send_keys("张三")
    field(app, "practices.0.text").click().send_keys(PRACTICE)
    time.sleep(1.5)
    pid = app.kill9()
    assert pid > 0
    _check_back(ctx, db, "张三", PRACTICE)
