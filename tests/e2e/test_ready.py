"""(d) 标记为完成 stays disabled while errors remain; a complete case can be marked 已完成."""

from harness import back_to_list, fill_valid, new_case, set_value, shot, rows_text


def test_mark_ready_disabled_while_errors_remain(ctx):
    app = ctx.app()
    new_case(app)
    btn = app.find("#mark-ready")
    assert btn.enabled is False, "空白案例不应能标记为完成"
    assert "错误" in app.find("#issue-summary").text
    fill_valid(app)
    set_value(app, "business.followers", "1,2万")  # one error left
    app.wait(lambda: "粉丝量" in app.find('[data-msgs-for="business.followers"]').text, what="粉丝量错误")
    assert app.find("#mark-ready").enabled is False
    assert "1 个错误" in app.find("#issue-summary").text, app.find("#issue-summary").text
    shot(app, "editor-one-error.png")
    set_value(app, "business.followers", "12.5万")
    app.wait(lambda: app.find("#mark-ready").enabled, what="标记为完成可用")
    app.find("#mark-ready").click()
    app.wait(lambda: app.find("#status-badge").text == "已完成", what="已完成")
    back_to_list(app)
    app.find('input[name=filter][value="ready"]').click()
    app.wait(lambda: "李明" in rows_text(app), what="已完成列表")
