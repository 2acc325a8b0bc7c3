"""The clerk's workflow as a first-time user finds it (issue 13): what 完成 means beside 材料齐全,
复制 for the next person, errors once a field is left, units in number fields, status changes
said out loud, the app's own dialogs, WebP pictures, and the smaller things in the editor and
the list. Each test checks what the clerk sees, not only the data; screenshots at 1366×768."""

import os
import zipfile

from harness import (
    VALID,
    answer,
    attach,
    back_to_list,
    current_case,
    dialog,
    field,
    fill_valid,
    leave,
    make_image,
    new_case,
    new_valid_case,
    no_browser_alert,
    rows_text,
    seam,
    set_value,
    shot,
    summary_text,
    visible_errors,
    wait_saved,
)


def _rows(app):
    return app.js("return [...document.querySelectorAll('#case-rows tr')].map(r => r.innerText)")


def _row_of(app, name):
    return app.js(
        "const r = [...document.querySelectorAll('#case-rows tr')].find(r => r.querySelector('.c-name').innerText === arguments[0]);"
        "return r ? {id: r.dataset.id, text: r.innerText, badges: [...r.querySelectorAll('.badge')].map(b => [b.innerText, b.title])} : null;",
        name,
    )


def _reload_list(app):
    app.js("document.getElementById('search').dispatchEvent(new Event('input'))")


def test_1_form_complete_and_materials_complete_are_two_things(ctx):
    app = ctx.app()
    new_case(app)
    fill_valid(app)
    wait_saved(app)
    # 100 % and no error, yet the notice's materials are missing: the summary says which.
    app.wait(lambda: "表格完成度 100%" in summary_text(app), what="完成度 100%")
    line = app.find("#materials-line").text
    assert line.startswith("材料未齐") and "个人形象照片" in line and "身份证扫描件（人像面）" in line and "视频百度网盘链接" in line, line
    shot(app, "editor-materials-missing.png")
    # Marking 完成 asks once, naming what is missing; 取消 keeps the draft.
    app.find("#mark-ready").click()
    d = dialog(app)
    assert d["title"] == "材料未齐" and "个人形象照片" in d["text"] and "身份证扫描件（国徽面）" in d["text"], d
    assert d["buttons"] == ["取消", "仍标记为完成"], d
    shot(app, "dialog-materials.png")
    answer(app, "取消")
    assert app.find("#status-badge").text == "草稿"
    app.find("#mark-ready").click()
    answer(app, "仍标记为完成")
    app.wait(lambda: app.find("#status-badge").text == "已完成", what="已完成")
    assert "已标记为完成" in app.find("#status-line").text
    assert "材料未齐" in app.find("#toast").text or "已标记为完成" in app.find("#toast").text
    # The list shows both: 已完成 and 材料未齐 (its title says what), and filters on it.
    back_to_list(app)
    new_case(app)
    set_value(app, "person.name", "王芳")
    pic = make_image(os.path.join(ctx.tmp, "photo.jpg"), 2400, 1600, quality=97, noise=0.5)
    attach(app, "photo", [pic])
    wait_saved(app)
    back_to_list(app)
    app.wait(lambda: len(_rows(app)) == 2, what="两个案例")
    li = _row_of(app, "李明")
    assert "已完成" in li["text"] and ["材料未齐", "还缺：个人形象照片、身份证扫描件（人像面）、身份证扫描件（国徽面）、视频百度网盘链接"] in li["badges"], li
    shot(app, "list-materials.png")
    app.find('input[name=filter][value="missing"]').click()
    app.wait(lambda: len(_rows(app)) == 2, what="材料未齐筛选")
    app.find('input[name=filter][value="all"]').click()


def test_2_copy_is_for_the_next_person_and_one_person_is_flagged(ctx):
    app = ctx.app()
    new_case(app)
    fill_valid(app)
    pic = make_image(os.path.join(ctx.tmp, "photo.jpg"), 1200, 900)
    attach(app, "photo", [pic])
    wait_saved(app)
    back_to_list(app)
    app.wait(lambda: len(_rows(app)) == 1, what="一个案例")
    row = _row_of(app, "李明")
    app.find(f'#case-rows tr[data-id="{row["id"]}"] button:nth-child(2)').click()
    d = dialog(app)
    assert "推荐单位" in d["text"] and "不复制" in d["text"], d
    assert d["buttons"] == ["取消", "新建案例"], d
    assert d["choices"] == ["所在地区（省、市、县、乡镇、村）", "直播平台"], d
    shot(app, "dialog-copy.png")
    answer(app, "新建案例")
    app.wait(lambda: len(_rows(app)) == 2, what="两个案例")
    new = _row_of(app, "未命名案例")
    assert new and "100%" not in new["text"] and "错误" in new["text"], new
    assert "已新建案例" in app.find("#toast").text
    # Opened: the 推荐单位 block and the region are there, the person and the materials are not.
    app.find(f'#case-rows tr[data-id="{new["id"]}"] .open').click()
    app.wait(lambda: app.js("return !document.getElementById('editor-view').hidden"), what="编辑页")
    app.wait(lambda: app.find("#counter-practices .words").text, what="计数器")
    assert field(app, "recommender.unit").prop("value") == VALID["recommender.unit"]
    assert field(app, "region.city").prop("value") == VALID["region.city"]
    assert field(app, "person.name").prop("value") == ""
    assert field(app, "intro.basics").prop("value") == ""
    assert not app.find_all("#drop-photo img.thumb")
    assert app.find("#case-title").text == "未命名案例"
    # The same person typed in again: both rows say so.
    set_value(app, "person.name", "李明")
    set_value(app, "person.birth_year", VALID["person.birth_year"])
    set_value(app, "person.birth_month", VALID["person.birth_month"])
    wait_saved(app)
    back_to_list(app)
    app.wait(lambda: all(any(b[0] == "同一人？" for b in r["badges"]) for r in [app.js(
        "return [...document.querySelectorAll('#case-rows tr')].map(r => ({badges: [...r.querySelectorAll('.badge')].map(b => [b.innerText, b.title])}))"
    )][0]), what="同一人标记")
    titles = [b[1] for r in app.js(
        "return [...document.querySelectorAll('#case-rows tr')].map(r => ({badges: [...r.querySelectorAll('.badge')].map(b => [b.innerText, b.title])}))"
    ) for b in r["badges"] if b[0] == "同一人？"]
    assert all("姓名和出生年月相同" in t and "李明" in t for t in titles), titles
    shot(app, "list-same-person.png")


def test_3_errors_show_once_a_field_is_left(ctx):
    app = ctx.app()
    new_case(app)
    # A new, empty case: no red anywhere, the summary counts quietly.
    assert visible_errors(app) == [], visible_errors(app)
    line = app.find("#status-line")
    assert line.text.startswith("还有 ") and "项要填写或改正" in line.text, line.text
    assert app.js("return document.querySelectorAll('#issue-summary > ul.issues li').length") == 0
    assert "尚未填写或检查的" in summary_text(app)
    shot(app, "editor-new-quiet.png")
    # The folded list, opened, stays open while the clerk types (the summary is redrawn only
    # when what it says changes, and then keeps the fold as it was).
    app.js("document.querySelector('#issue-summary details.pending').open = true")
    field(app, "intro.title").click().send_keys("助农直播")
    wait_saved(app)
    assert app.js("return document.querySelector('#issue-summary details.pending').open"), "折叠的清单被关上了"
    # "199" on the way to "1990": nothing while typing; said once the field is left.
    field(app, "person.birth_year").click().send_keys("199")
    app.wait(lambda: app.js("return document.getElementById('save-state').dataset.state") in ("saved", "dirty"), what="输入")
    import time

    time.sleep(1.0)
    assert visible_errors(app) == [], visible_errors(app)
    leave(app)
    app.wait(lambda: any("四位数字" in m for m in visible_errors(app)), what="离开后显示错误")
    field(app, "person.birth_year").click().send_keys("0")
    time.sleep(0.8)
    assert not any("四位数字" in m for m in visible_errors(app)), "typing again hides it until left"
    leave(app)
    time.sleep(0.8)
    assert not any("出生年份" in m for m in visible_errors(app)), visible_errors(app)
    # 标记为完成 shows everything still to do; a select says 请选择.
    app.find("#mark-ready").click()
    app.wait(lambda: len(visible_errors(app)) > 5, what="全部错误")
    errs = visible_errors(app)
    assert "请选择民族" in errs and "请选择政治面貌" in errs and "请填写姓名" in errs, errs
    assert not any(e.startswith("请填写民族") for e in errs)
    assert "个错误" in app.find("#status-line").text
    assert "已在表中标出" in app.find("#toast").text
    assert app.find("#status-badge").text == "草稿"
    shot(app, "editor-all-errors.png")


def test_4_units_typed_into_number_fields_print_once(ctx):
    app = ctx.app()
    new_case(app)
    fill_valid(app)
    field(app, "business.team_size").clear()
    field(app, "business.team_size").send_keys("12人")
    field(app, "business.annual_revenue").clear()
    field(app, "business.annual_revenue").send_keys("1260万元")
    leave(app)
    app.wait(lambda: field(app, "business.annual_revenue").prop("value") == "1260", what="年营业额显示为数字")
    app.wait(lambda: field(app, "business.team_size").prop("value") == "12", what="团队规模显示为数字")
    wait_saved(app)
    c = current_case(app)
    assert (c["business"]["team_size"], c["business"]["annual_revenue"]) == ("12", "1260"), c["business"]
    assert not any("团队规模" in m or "营业额" in m for m in visible_errors(app))
    out = os.path.join(ctx.tmp, "units.docx")
    r = seam(app, "generateDocx", out)
    assert "ok" in r, r
    with zipfile.ZipFile(out) as z:
        xml = z.read("word/document.xml").decode()
    import re

    text = re.sub(r"<[^>]+>", "", xml)
    assert "12人" not in text.split("团队规模")[1][:40] and "1260万元" not in text, text[:2000]


def test_5_status_and_printed_changes_are_said(ctx):
    app = ctx.app()
    new_valid_case(app, ready=True)
    assert app.find("#status-line").text == "已标记为完成。"
    out = os.path.join(ctx.tmp, "a.docx")
    assert "ok" in seam(app, "generateDocx", out)
    app.wait(lambda: "与当前内容一致" in app.find("#printed-line").text, what="推荐表已生成")
    # Clearing a required field on a 已完成 case: said when it happens, and in the sidebar.
    set_value(app, "person.name", "")
    app.wait(lambda: app.find("#status-badge").text == "草稿", what="改回草稿")
    toast = app.find("#toast").text
    assert toast.startswith("已改回草稿：姓名") and "请填写姓名" in toast, toast
    assert app.find("#status-line").text.startswith("已改回草稿：姓名")
    assert "之后内容有改动，请重新生成" in app.find("#printed-line").text
    shot(app, "editor-back-to-draft.png")
    set_value(app, "person.name", "李明")
    wait_saved(app)
    back_to_list(app)
    row = _row_of(app, "李明")
    assert any(b[0] == "推荐表需重新生成" for b in row["badges"]), row


def test_6_dialogs_are_the_apps_own_with_buttons_that_name_the_action(ctx):
    app = ctx.app()
    new_valid_case(app)
    app.find("#gen-docx").click()
    d = dialog(app)
    assert no_browser_alert(app), "no “JavaScript - tauri://localhost” box"
    assert d["buttons"] == ["取消", "仍要生成"] and "草稿" in d["text"], d
    shot(app, "dialog-draft.png")
    answer(app, "取消")
    assert app.js("return document.getElementById('job').hidden")
    # Deleting a 典型做法 item that has text.
    app.find('button[data-action="remove"][data-index="0"]').click()
    d = dialog(app)
    assert d["buttons"] == ["取消", "删除这一条"] and "（一）" in d["text"], d
    assert app.js("return document.activeElement.innerText") == "取消", "the safe answer has the focus"
    answer(app, "取消")
    assert field(app, "practices.0.highlight").prop("value") == VALID["practices.0.highlight"]
    # Esc answers no.
    app.find('button[data-action="remove"][data-index="0"]').click()
    dialog(app)
    app.js("document.getElementById('app-dialog').dispatchEvent(new Event('cancel', {cancelable: true}))")
    app.wait(lambda: not app.js("const d = document.getElementById('app-dialog'); return Boolean(d && d.open)"), what="Esc")
    assert field(app, "practices.0.highlight").prop("value") == VALID["practices.0.highlight"]


def test_7_webp_pictures_are_taken_and_old_refusals_cleared(ctx):
    webp = make_image(os.path.join(ctx.tmp, "微信图片_20240501.webp"), 2000, 1500, quality=90)
    bad = os.path.join(ctx.tmp, "不是图片.jpg")
    with open(bad, "w") as f:
        f.write("这不是图片")
    good = make_image(os.path.join(ctx.tmp, "好.jpg"), 1200, 900)
    app = ctx.app()
    new_case(app)
    res = attach(app, "photo", [webp])
    a = res[0]["attachment"]
    assert a["format"] == "webp" and a["converted"]["format"] == "jpeg", a
    note = app.js("return document.querySelector('[data-attach-msgs=\"photo\"]').innerText")
    assert "已另存一份 JPG" in note and "原文件原样保留" in note, note
    app.wait(lambda: app.js("const i = document.querySelector('#drop-photo img.thumb'); return Boolean(i && i.naturalWidth > 0)"), what="缩略图")
    wait_saved(app)
    assert current_case(app)["media"]["photo"]["converted"]["sha256"]
    res = attach(app, "pictures", [webp])
    assert res[0]["attachment"]["converted"], res
    shot(app, "editor-webp.png")
    # A refusal is cleared once a file goes into the slot.
    r = attach(app, "id_front", [bad])
    assert r[0].get("refused"), r
    assert "未添加" in app.js("return document.querySelector('[data-attach-msgs=\"id_front\"]').innerText")
    assert "未添加" in app.find("#toast").text
    attach(app, "id_front", [good])
    assert app.js("return document.querySelector('[data-attach-msgs=\"id_front\"]').innerText") == ""
    assert "未添加" not in app.find("#toast").text


def test_8_smaller_things_in_the_editor_and_the_list(ctx):
    app = ctx.app()
    # Ctrl+N and back at once: no empty 未命名案例 left behind.
    app.js("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'n', ctrlKey: true, bubbles: true}))")
    app.wait(lambda: app.js("return !document.getElementById('editor-view').hidden"), what="编辑页")
    app.wait(lambda: app.find("#counter-practices .words").text, what="计数器")
    back_to_list(app)
    app.wait(lambda: app.js("return document.querySelectorAll('#case-rows tr').length") == 0, what="没有空案例")
    assert app.invoke("list_cases", {"query": {"text": "", "status": None, "trash": True}})["ok"] == []
    new_case(app)
    fill_valid(app)
    wait_saved(app)
    # The 市 box shows 黔东南苗族侗族自治州 whole.
    clipped = app.js("const e = document.querySelector('[data-path=\"region.city\"]'); return e.scrollWidth > e.clientWidth")
    assert clipped is False
    # 联系方式 after 年营业额, as in the official form.
    order = app.js("return [...document.querySelectorAll('#form [data-path]')].map(e => e.dataset.path)")
    assert order.index("business.annual_revenue") < order.index("person.phone") < order.index("recommender.unit"), order
    # Section 一 says its count is of the printed text.
    assert "按打印稿计（含“案例名称：”等标签）" in app.find("#counter-intro").text
    shot(app, "editor-filled-13.png")
    back_to_list(app)
    # Search covers 推荐单位, phone and 直播领域.
    for q in ["台江县人民政府", "13800138000", "非遗手工艺"]:
        app.js("const s = document.getElementById('search'); s.value = arguments[0]; s.dispatchEvent(new Event('input'))", q)
        app.wait(lambda: len(_rows(app)) == 1 and "李明" in _rows(app)[0], what=f"搜索 {q}")
    app.js("const s = document.getElementById('search'); s.value = ''; s.dispatchEvent(new Event('input'))")
    shot(app, "list-13.png")
