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


def test_a_long_list_draws_only_the_rows_in_view(ctx):
    """300 cases: the list says 共 300 个案例 and scrolls through all of them, but only the rows in
    view (and a margin) are in the page — a province's list of thousands costs a screenful. Ticking
    全选 ticks rows not yet drawn; a search finds a case far down; back from a case opened at
    the bottom, its row is drawn and focused."""
    import subprocess

    import harness

    subprocess.run([harness.SEED, ctx.db(), "300"], check=True, capture_output=True, timeout=300)
    app = ctx.app()
    app.wait(lambda: app.js("return document.getElementById('list-count').innerText") == "共 300 个案例",
             what="300 个案例")
    drawn = lambda: app.js("return document.querySelectorAll('#case-rows tr').length")  # noqa: E731
    assert 10 <= drawn() <= 100, drawn()
    # The scroll bar is that of the whole list: 300 rows' height.
    geo = app.js(
        "const w = document.querySelector('#list-view .table-wrap');"
        "const r = document.querySelector('#case-rows tr').getBoundingClientRect().height;"
        "return [w.scrollHeight, r];"
    )
    assert abs(geo[0] - 300 * geo[1]) < 3 * geo[1] + 60, geo
    # To the bottom: the last case (the first saved, 李明001) is drawn; still few rows.
    app.js("const w = document.querySelector('#list-view .table-wrap'); w.scrollTop = w.scrollHeight;")
    app.wait(lambda: "李明001" in app.js("return document.getElementById('case-rows').innerText"),
             what="列表末尾的案例")
    assert drawn() <= 100, drawn()
    assert app.js("return document.querySelector('#case-rows tr:last-child .c-name').innerText") == "李明001"
    # A focused button keeps its focus while the rows around it are drawn anew.
    app.js("document.querySelector('#case-rows tr:first-child .open').focus()")
    top = app.js("return document.activeElement.closest('tr').dataset.id")
    app.js("const w = document.querySelector('#list-view .table-wrap'); w.scrollTop -= 400;")
    app.wait(lambda: app.js("return document.activeElement.closest('tr')?.dataset.id") == top
             and app.js("return document.activeElement.isConnected"), what="焦点仍在原来的按钮上")
    # 全选 ticks all 300, those drawn later too.
    app.find("#select-all").click()
    app.wait(lambda: app.find("#gen-many").text == "生成推荐表（300）", what="勾选 300 个")
    app.js("document.querySelector('#list-view .table-wrap').scrollTop = 0;")
    app.wait(lambda: "李明300" in app.js("return document.getElementById('case-rows').innerText"), what="列表开头")
    assert app.js("return [...document.querySelectorAll('#case-rows input.sel')].every(c => c.checked)")
    assert app.js("return [...document.querySelectorAll('#case-rows tr')].every(r => r.classList.contains('selected'))")
    app.find("#select-all").click()
    # A search reaches a case far down.
    app.find("#search").send_keys("李明007")
    app.wait(lambda: drawn() == 1 and "李明007" in app.js("return document.getElementById('case-rows').innerText"),
             what="搜索到李明007")
    app.find("#search").clear()
    app.js("const s = document.getElementById('search'); s.value = ''; s.dispatchEvent(new Event('input'));")
    app.wait(lambda: drawn() > 1, what="全部案例")
    # Open the last case and come back: its row is drawn and focused.
    app.js("const w = document.querySelector('#list-view .table-wrap'); w.scrollTop = w.scrollHeight;")
    app.wait(lambda: "李明001" in app.js("return document.getElementById('case-rows').innerText"), what="列表末尾")
    app.js("document.querySelector('#case-rows tr:last-child .open').click()")
    app.wait(lambda: app.js("return !document.getElementById('editor-view').hidden"), what="打开案例")
    back_to_list(app)
    app.wait(lambda: app.js("return document.activeElement.closest('tr')?.querySelector('.c-name')?.innerText") == "李明001",
             what="回到列表后焦点在刚才的案例上")
    assert drawn() <= 100, drawn()
    shot(app, "list-300.png")
