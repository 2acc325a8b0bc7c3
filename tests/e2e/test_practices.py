"""典型做法 is an ordered list: add, move up/down, remove (with a confirmation when it has text);
the order is what is saved and counted."""

from harness import answer, counter, new_case, no_browser_alert, set_value, wait_saved


def _saved_practices(app):
    cases = app.invoke("list_cases", {"query": {"text": "", "status": None, "trash": False}})["ok"]
    return [(p["highlight"], p["text"]) for p in app.invoke("get_case", {"id": cases[0]["id"]})["ok"]["practices"]]


def test_add_move_remove_practices(ctx):
    app = ctx.app()
    new_case(app)
    set_value(app, "practices.0.highlight", "甲")
    app.find('button[data-action="add"]').click()
    app.wait(lambda: app.find_all('[data-path="practices.1.highlight"]'), what="第二条")
    assert app.js("return document.activeElement.dataset.path") == "practices.1.highlight", "新的一条应获得焦点"
    set_value(app, "practices.1.highlight", "乙")
    app.find('button[data-action="add"]').click()
    set_value(app, "practices.2.highlight", "丙")
    wait_saved(app)
    assert _saved_practices(app) == [("甲", ""), ("乙", ""), ("丙", "")]
    # "（一）甲（二）乙（三）丙" = 12 字
    app.wait(lambda: counter(app, "practices")[0] == 12, what="12 字")
    assert [e.text for e in app.find_all(".practice .ord")] == ["（一）", "（二）", "（三）"]

    app.find('button[data-action="up"][data-index="2"]').click()  # 丙 up
    wait_saved(app)
    assert _saved_practices(app) == [("甲", ""), ("丙", ""), ("乙", "")]
    app.find('button[data-action="down"][data-index="0"]').click()  # 甲 down
    wait_saved(app)
    assert _saved_practices(app) == [("丙", ""), ("甲", ""), ("乙", "")]
    assert app.find('button[data-action="up"][data-index="0"]').enabled is False
    assert app.find('button[data-action="down"][data-index="2"]').enabled is False

    # Removing an item with text asks first (the app's own dialog); 取消 keeps it, 删除这一条
    # removes it.
    app.find('button[data-action="remove"][data-index="1"]').click()
    d = answer(app, "取消")
    assert "删除" in d["text"] and no_browser_alert(app), d
    assert len(app.find_all(".practice")) == 3
    app.find('button[data-action="remove"][data-index="1"]').click()
    answer(app, "删除这一条")
    app.wait(lambda: len(app.find_all(".practice")) == 2, what="删除后两条")
    wait_saved(app)
    assert _saved_practices(app) == [("丙", ""), ("乙", "")]
    app.wait(lambda: counter(app, "practices")[0] == 8, what="8 字")
