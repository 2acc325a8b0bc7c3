"""(d) 标记为完成 on a case with errors marks nothing and shows every error; a complete case can be
marked 已完成 (after saying which materials are still missing)."""

from harness import answer, back_to_list, fill_valid, new_case, set_value, shot, rows_text, visible_errors


def test_mark_ready_disabled_while_errors_remain(ctx):
    app = ctx.app()
    new_case(app)
    assert visible_errors(app) == [], "a new case is not a wall of red"
    app.find("#mark-ready").click()
    app.wait(lambda: "个错误" in app.find("#status-line").text, what="全部错误")
    assert len(visible_errors(app)) > 5 and app.find("#status-badge").text == "草稿"
    fill_valid(app)
    set_value(app, "business.followers", "1,2万")  # one error left
    app.wait(lambda: "粉丝量" in app.find('[data-msgs-for="business.followers"]').text, what="粉丝量错误")
    assert app.js("return document.getElementById('mark-ready').dataset.errors") == "1"
    assert "1 个错误" in app.find("#issue-summary").text, app.find("#issue-summary").text
    shot(app, "editor-one-error.png")
    app.find("#mark-ready").click()
    app.wait(lambda: "已在表中标出" in app.find("#toast").text, what="仍有错误")
    assert app.find("#status-badge").text == "草稿"
    set_value(app, "business.followers", "12.5万")
    app.wait(lambda: app.js("return document.getElementById('mark-ready').dataset.errors") == "0", what="没有错误")
    app.find("#mark-ready").click()
    answer(app, "仍标记为完成")
    app.wait(lambda: app.find("#status-badge").text == "已完成", what="已完成")
    back_to_list(app)
    app.find('input[name=filter][value="ready"]').click()
    app.wait(lambda: "李明" in rows_text(app), what="已完成列表")
