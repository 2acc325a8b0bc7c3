"""The case list: search, status filter, 复制, 删除 to 回收站 and 恢复; screenshots of the list
and the editor at 1366×768."""

from harness import answer, back_to_list, fill_valid, new_case, set_value, shot, wait_saved


def _rows(app):
    return app.js("return [...document.querySelectorAll('#case-rows tr')].map(r => r.innerText)")


def test_list_search_filter_trash_duplicate(ctx):
    app = ctx.app()
    new_case(app)
    fill_valid(app)
    wait_saved(app)
    shot(app, "editor-filled.png")
    app.js("document.getElementById('sec-practices').scrollIntoView()")
    shot(app, "editor-practices.png")
    back_to_list(app)
    new_case(app)
    set_value(app, "person.name", "王芳")
    set_value(app, "region.province", "浙江省")
    set_value(app, "business.account_name", "丽水山耕")
    wait_saved(app)
    shot(app, "editor-new.png")
    back_to_list(app)
    app.wait(lambda: len(_rows(app)) == 2, what="两个案例")
    shot(app, "list.png")

    search = app.find("#search")
    search.send_keys("丽水")
    app.wait(lambda: len(_rows(app)) == 1 and "王芳" in _rows(app)[0], what="按账号搜索")
    search.clear()
    search.send_keys("贵州")
    app.wait(lambda: len(_rows(app)) == 1 and "李明" in _rows(app)[0], what="按地区搜索")
    app.js("const s = document.getElementById('search'); s.value = ''; s.dispatchEvent(new Event('input'))")
    app.wait(lambda: len(_rows(app)) == 2, what="清空搜索")

    # 复制
    row = [r for r in app.find_all("#case-rows tr") if "王芳" in r.text][0]
    row_id = app.js("return arguments[0].dataset.id", {"element-6066-11e4-a52e-4f735466cecf": row.id})
    app.find(f'#case-rows tr[data-id="{row_id}"] button:nth-child(2)').click()
    answer(app, "新建案例")
    app.wait(lambda: len(_rows(app)) == 3, what="复制后三个案例")

    # 删除 → 回收站 → 恢复
    app.find(f'#case-rows tr[data-id="{row_id}"] button.danger').click()
    app.wait(lambda: len(_rows(app)) == 2, what="删除后两个案例")
    app.find('input[name=filter][value="trash"]').click()
    app.wait(lambda: len(_rows(app)) == 1 and "王芳" in _rows(app)[0], what="回收站")
    shot(app, "list-trash.png")
    app.find(f'#case-rows tr[data-id="{row_id}"] button').click()
    app.wait(lambda: len(_rows(app)) == 0, what="恢复后回收站为空")
    app.find('input[name=filter][value="draft"]').click()
    app.wait(lambda: len(_rows(app)) == 3, what="草稿三个")
    app.find('input[name=filter][value="ready"]').click()
    app.wait(lambda: len(_rows(app)) == 0 and not app.js("return document.getElementById('list-empty').hidden"), what="已完成为空")


def test_office_is_set_and_kept(ctx):
    db = ctx.db()
    app = ctx.app(db)
    assert "未设置" in app.find("#office-label").text
    app.find("#office-label").click()
    app.find("#office-input").send_keys("台江县商务局")
    app.find("#office-form button").click()
    app.wait(lambda: app.find("#office-label").text == "填报单位：台江县商务局", what="填报单位")
    app.stop()
    app = ctx.app(db)
    assert app.find("#office-label").text == "填报单位：台江县商务局"
    assert app.invoke("app_info")["ok"]["identity"]["office"] == "台江县商务局"
