"""(b) Text survives closing the app and starting it again; (c) text typed 1.5 s before a
`kill -9` is there after a restart."""

import time

from harness import field, new_case, open_first, wait_saved

NAME = "阿依古丽·买买提"
PRACTICE = "我们在合作社里每天直播三小时，带着乡亲们一起卖茶叶。"


def test_text_survives_close_and_restart(ctx):
    db = ctx.db()
    app = ctx.app(db)
    new_case(app)
    field(app, "person.name").click().send_keys(NAME)
    field(app, "practices.0.text").click().send_keys(PRACTICE)
    wait_saved(app)
    assert app.quit(), "应用没有退出"

    app = ctx.app(db)
    assert NAME in app.find("#case-rows").text
    open_first(app)
    assert field(app, "person.name").prop("value") == NAME
    assert field(app, "practices.0.text").prop("value") == PRACTICE


def test_text_survives_kill9(ctx):
    db = ctx.db()
    app = ctx.app(db)
    new_case(app)
    field(app, "person.name").click().send_keys("张三")
    field(app, "practices.0.text").click().send_keys(PRACTICE)
    time.sleep(1.5)
    pid = app.kill9()
    assert pid > 0

    app = ctx.app(db)
    assert "张三" in app.find("#case-rows").text
    open_first(app)
    assert field(app, "person.name").prop("value") == "张三"
    assert field(app, "practices.0.text").prop("value") == PRACTICE
