"""The screenshots of the user guide (docs/用户手册.md), taken in the real app at 1366×768:
out/screenshots/manual/NN-….png (scripts/manual-shots.sh copies them, reduced, into
docs/img/manual/). Also checks that 帮助 shows the guide offline (text and pictures compiled
in) and that 关于 names the version, the campaign year and where the data is."""

import os
import time

import harness
from harness import attach, back_to_list, fill_valid, make_image, new_case, set_value, shot, wait_saved

M = "manual"


def test_guide_screenshots_help_and_about(ctx):
    os.makedirs(os.path.join(harness.SHOTS, M), exist_ok=True)
    app = ctx.app()
    # 填报单位, then a few cases.
    app.find("#office-label").click()
    app.find("#office-input").send_keys("台江县商务局")
    app.find("#office-form button").click()
    app.wait(lambda: "台江县商务局" in app.find("#office-label").text, what="填报单位")
    new_case(app)
    fill_valid(app)
    wait_saved(app)
    back_to_list(app)
    for name, region in (("王芳", "浙江省"), ("张伟", "四川省")):
        new_case(app)
        set_value(app, "person.name", name)
        set_value(app, "region.province", region)
        wait_saved(app)
        back_to_list(app)
    app.wait(lambda: len(app.find_all("#case-rows tr")) == 3, what="三个案例")
    shot(app, f"{M}/01-list.png")

    # 字数: the editor of a case with a section over its limit.
    app.js("[...document.querySelectorAll('#case-rows tr')].find(r => r.innerText.includes('王芳')).querySelector('.open').click()")
    app.wait(lambda: app.js("return !document.getElementById('editor-view').hidden"), what="编辑页")
    set_value(app, "intro.title", "丽水山耕：直播带动山区农产品上行")
    set_value(app, "practices.0.highlight", "请农户走进直播间，讲好山货故事。")
    set_value(app, "practices.0.text", "坚持每天直播，带动周边农户销售特色农产品。" * 60)
    wait_saved(app)
    app.js("document.getElementById('sec-practices').scrollIntoView()")
    time.sleep(0.3)
    shot(app, f"{M}/02-editor.png")

    # 材料: a photo.
    photo = make_image(os.path.join(ctx.tmp, "王芳-形象照.jpg"), 1600, 1200)
    attach(app, "photo", [photo])
    wait_saved(app)
    app.js("document.getElementById('sec-media').scrollIntoView()")
    time.sleep(0.5)
    shot(app, f"{M}/03-materials.png")
    back_to_list(app)

    # 生成推荐表 for the ticked cases.
    for cb in app.find_all("#case-rows input.sel")[:2]:
        cb.click()
    app.wait(lambda: "（2）" in app.find("#gen-many").text, what="生成推荐表（2）")
    out = os.path.join(ctx.tmp, "推荐表")
    os.makedirs(out)
    harness.seam(app, "generateDocxMany", out)
    app.wait(lambda: len(os.listdir(out)) == 2, timeout=60, what="两个推荐表")
    shot(app, f"{M}/04-docx.png")

    # 备份与恢复.
    app.find("#open-backups").click()
    app.find("#backup-now").click()
    app.wait(lambda: len(app.find_all("#backup-rows tr")) == 2, what="两份备份")
    shot(app, f"{M}/05-backups.png")
    app.find("#backup-close").click()

    # 关于: version, campaign year, data file, attachments, office.
    app.find("#open-about").click()
    about = harness.dialog(app)["text"]
    info = app.invoke("app_info")["ok"]
    for want in (info["version"], str(info["campaign"]["year"]), ctx.db(), "cases-files", "台江县商务局"):
        assert want in about, (want, about)
    shot(app, f"{M}/06-about.png")
    harness.answer(app, "关闭")

    # 帮助: the guide, offline, with its pictures.
    app.find("#open-help").click()
    app.wait(lambda: "用户手册" in app.find("#help-body").text, what="用户手册")
    # The pictures compiled in (docs/img/manual/, made from this test's screenshots by
    # scripts/manual-shots.sh) are shown.
    assert any(f.endswith(".png") for f in os.listdir(os.path.join(harness.ROOT, "docs", "img", "manual")))
    app.wait(
        lambda: app.js("return [...document.querySelectorAll('#help-body img')].some(i => i.complete && i.naturalWidth > 0)"),
        what="手册中的图片",
    )
    text = app.find("#help-body").text
    for heading in ("安装", "新建第一个案例", "字数", "材料", "生成推荐表", "打印与盖章", "U 盘", "备份与恢复"):
        assert heading in text, heading
    shot(app, "help.png")
    app.find("#help-close").click()
    app.wait(lambda: app.js("return document.body.dataset.view") == "list-view", what="返回列表")
