"""材料 and 视频 in the editor: attaching photos (the same function the file picker and a drop
call), the notice's checks beside the file and in the summary, refusing a file that is not an
image, pictures with captions in order, remove + 撤销 + freeing the copy, the 网盘 share text,
the local video check."""

import os
import subprocess
import time

from harness import (
    leave,
    attach,
    back_to_list,
    blob_files,
    current_case,
    new_case,
    make_image,
    seam,
    set_value,
    shot,
    wait_saved,
)


def _slot_text(app, slot):
    return app.js("return document.querySelector(`[data-slot=\"${arguments[0]}\"]`).innerText", slot)


def _slot_msgs(app, slot):
    """The messages beside a slot (validation and the attach check), not its hint."""
    return app.js(
        "return [...document.querySelectorAll(`[data-slot=\"${arguments[0]}\"] .msgs`)].map(m => m.innerText).join('\\n')",
        slot,
    )


def _summary(app):
    # textContent: the issues of fields not visited yet are folded away, but there.
    return app.js("return document.getElementById('issue-summary').textContent")


def _thumb_loaded(app, slot):
    return app.js(
        "const i = document.querySelector(`#drop-${arguments[0]} img.thumb`);"
        "return !!(i && i.complete && i.naturalWidth > 0) && [i.naturalWidth, i.naturalHeight];",
        slot,
    )


def test_photo_size_warning_then_a_large_photo(ctx):
    small = make_image(os.path.join(ctx.tmp, "李明-小图.jpg"), 800, 600)
    big = make_image(os.path.join(ctx.tmp, "李明-原图.jpg"), 2000, 1500, quality=97, noise=0.5)
    assert os.path.getsize(big) >= 2 * 1024 * 1024, os.path.getsize(big)
    id_front = make_image(os.path.join(ctx.tmp, "身份证-人像面.png"), 1200, 760)
    app = ctx.app()
    new_case(app)
    set_value(app, "person.name", "李明")

    # (a) an 800×600 photo: attached, with the notice's "不低于2M" beside it and in the summary.
    res = attach(app, "photo", [small])
    assert res[0]["attachment"]["file_name"] == "李明-小图.jpg", res
    app.wait(lambda: "不低于2M" in _slot_msgs(app, "photo"), what="照片旁的“不低于2M”提醒")
    assert "照片大小为" in _slot_msgs(app, "photo")
    slot = _slot_text(app, "photo")
    assert "李明-小图.jpg" in slot and "800×600" in slot and "JPEG" in slot, slot
    assert " KB" in slot, slot
    app.wait(lambda: "不低于2M" in _summary(app), what="问题汇总中的“不低于2M”")
    assert "个人形象照片" in _summary(app)
    app.wait(lambda: _thumb_loaded(app, "photo"), what="缩略图")
    w, h = _thumb_loaded(app, "photo")
    assert max(w, h) <= 320 and abs(w / h - 800 / 600) < 0.02, (w, h)
    wait_saved(app)
    saved = current_case(app)["media"]["photo"]
    assert saved["file_name"] == "李明-小图.jpg" and (saved["width"], saved["height"]) == (800, 600)
    assert saved["bytes"] == os.path.getsize(small)

    # An ID side and two pictures, for the screenshot of the panel.
    attach(app, "id_front", [id_front])
    attach(app, "pictures", [small, id_front])
    set_value(app, "media.pictures.0.caption", "直播间里讲解苗绣针法")
    wait_saved(app)
    app.js("document.getElementById('sec-media').scrollIntoView()")
    time.sleep(0.3)
    shot(app, "editor-materials.png")

    # A photo ≥ 2 MB replaces it: no size warning any more, and 撤销 is offered.
    t0 = time.monotonic()
    res = attach(app, "photo", [big])
    took = time.monotonic() - t0
    assert res[0]["attachment"]["bytes"] == os.path.getsize(big)
    app.wait(lambda: "原图" in _slot_text(app, "photo"), what="新照片")
    app.wait(lambda: "不低于2M" not in _slot_msgs(app, "photo"), what="提醒消失")
    assert "2000×1500" in _slot_text(app, "photo")
    app.wait(lambda: "不低于2M" not in _summary(app), what="汇总中的提醒消失")
    assert "撤销" in app.find("#toast").text and "已更换" in app.find("#toast").text
    app.wait(lambda: _thumb_loaded(app, "photo"), what="新照片的缩略图")
    print(f"    添加 {os.path.getsize(big) / 1e6:.1f} MB 照片（含检查和缩略图）：{took * 1000:.0f} ms")
    wait_saved(app)
    assert current_case(app)["media"]["photo"]["file_name"] == "李明-原图.jpg"


def test_png_named_jpg_and_text_named_jpg(ctx):
    png = make_image(os.path.join(ctx.tmp, "证件照.png"), 1000, 800)
    fake = os.path.join(ctx.tmp, "证件照.jpg")
    os.rename(png, fake)
    text = os.path.join(ctx.tmp, "说明.jpg")
    with open(text, "w", encoding="utf-8") as f:
        f.write("这不是图片，是一段文字。\n" * 20)
    db = ctx.db()
    app = ctx.app(db=db)
    new_case(app)

    # (b) a PNG named .jpg: attached (the photo is usable) with the Chinese explanation.
    attach(app, "photo", [fake])
    app.wait(lambda: "实际是 PNG" in _slot_msgs(app, "photo"), what="扩展名与内容不符的提示")
    assert "扩展名是 .jpg" in _slot_text(app, "photo")
    wait_saved(app)
    assert current_case(app)["media"]["photo"]["format"] == "png"

    # A text file named .jpg: refused with the Chinese error in its slot; the case is unchanged
    # and the copy taken while checking is freed.
    before = blob_files(db)
    res = attach(app, "id_back", [text])
    assert res[0].get("refused"), res
    app.wait(lambda: "不是图片文件" in _slot_msgs(app, "id_back"), what="“不是图片文件”的错误")
    slot = _slot_text(app, "id_back")
    assert "说明.jpg" in slot and "未添加" in slot, slot
    assert app.js("return document.querySelector('#drop-id_back .file-name')") is None
    assert "不是图片文件" in app.find("#toast").text
    app.js("document.getElementById('sec-media').scrollIntoView()")
    shot(app, "editor-materials-errors.png")
    wait_saved(app)
    assert current_case(app)["media"]["id_back"] is None
    app.wait(lambda: blob_files(db) == before, what="被拒绝文件的副本已删除")

    # A file that is gone (a USB stick pulled): the core's message, nothing attached.
    res = attach(app, "id_front", [os.path.join(ctx.tmp, "不存在.jpg")])
    assert "找不到文件" in res[0]["error"], res
    app.wait(lambda: "找不到文件" in _slot_msgs(app, "id_front"), what="找不到文件")


def test_pictures_order_captions_remove_undo_and_free(ctx):
    paths = [make_image(os.path.join(ctx.tmp, f"图{i}.jpg"), 900 + 100 * i, 600) for i in (1, 2, 3)]
    db = ctx.db()
    app = ctx.app(db=db)
    new_case(app)
    res = attach(app, "pictures", paths)
    assert [r["attachment"]["file_name"] for r in res] == ["图1.jpg", "图2.jpg", "图3.jpg"]
    app.wait(lambda: len(app.find_all("#picture-list .pic")) == 3, what="三张图片")
    for i, cap in enumerate(["甲", "乙", "丙"]):
        set_value(app, f"media.pictures.{i}.caption", cap)
    wait_saved(app)

    def saved():
        return [(p["file_name"], p["caption"]) for p in current_case(app)["media"]["pictures"]]

    assert saved() == [("图1.jpg", "甲"), ("图2.jpg", "乙"), ("图3.jpg", "丙")]
    assert app.find('#picture-list button[data-m="up"][data-index="0"]').enabled is False
    assert app.find('#picture-list button[data-m="down"][data-index="2"]').enabled is False
    app.find('#picture-list button[data-m="up"][data-index="2"]').click()
    wait_saved(app)
    assert saved() == [("图1.jpg", "甲"), ("图3.jpg", "丙"), ("图2.jpg", "乙")]
    assert app.js("return document.activeElement.dataset.index") == "1"

    # Remove asks nothing; 撤销 puts it back where it was.
    assert len(blob_files(db)) == 3
    app.find('#picture-list button[data-m="remove"][data-index="1"]').click()
    app.wait(lambda: len(app.find_all("#picture-list .pic")) == 2, what="移除后两张")
    wait_saved(app)
    assert saved() == [("图1.jpg", "甲"), ("图2.jpg", "乙")]
    app.wait(lambda: "撤销" in app.find("#toast").text, what="撤销")
    app.find("#toast button").click()
    app.wait(lambda: len(app.find_all("#picture-list .pic")) == 3, what="撤销后三张")
    wait_saved(app)
    assert saved() == [("图1.jpg", "甲"), ("图3.jpg", "丙"), ("图2.jpg", "乙")]
    assert len(blob_files(db)) == 3

    # Removed for good: the copy is freed once 撤销 is no longer offered (leaving the case).
    app.find('#picture-list button[data-m="remove"][data-index="0"]').click()
    wait_saved(app)
    back_to_list(app)
    app.wait(lambda: len(blob_files(db)) == 2, what="副本被释放")
    assert "撤销" not in app.find("#toast").text


def test_netdisk_share_text_fills_link_and_code(ctx):
    app = ctx.app()
    new_case(app)
    share = "链接: https://pan.baidu.com/s/1AbCdEfGhIjK_lmn 提取码: x7k9 复制这段内容后打开百度网盘手机App，操作更方便哦"
    # (d) a paste of the whole share text into the link field (a real paste event).
    pasted = app.js(
        "const el = document.querySelector('[data-path=\"media.video.link\"]'); el.focus();"
        "let dt; try { dt = new DataTransfer(); dt.setData('text/plain', arguments[0]); } catch (e) { return 'no DataTransfer'; }"
        "const ev = new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true});"
        "if (!ev.clipboardData) return 'no clipboardData';"
        "el.dispatchEvent(ev); return 'ok';",
        share,
    )
    link = lambda: app.find('[data-path="media.video.link"]').prop("value")  # noqa: E731
    code = lambda: app.find('[data-path="media.video.code"]').prop("value")  # noqa: E731
    if pasted == "ok":
        app.wait(lambda: code() == "x7k9", what="提取码")
        assert link() == "https://pan.baidu.com/s/1AbCdEfGhIjK_lmn"
        wait_saved(app)
        v = current_case(app)["media"]["video"]
        assert (v["link"], v["code"]) == ("https://pan.baidu.com/s/1AbCdEfGhIjK_lmn", "x7k9")
    else:
        print(f"    （WebKit 不能构造粘贴事件：{pasted}；只测输入后离开的路径）")

    # The same text typed (or dropped) and the field left: both filled too.
    set_value(app, "media.video.link", "")
    set_value(app, "media.video.code", "")
    app.find('[data-path="media.video.link"]').send_keys("链接：https://pan.baidu.com/s/1ZyXwVuTsR?pwd=ab12 提取码：ab12")
    app.find('[data-path="person.name"]').click()
    app.wait(lambda: code() == "ab12", what="离开链接框后填好提取码")
    assert link() == "https://pan.baidu.com/s/1ZyXwVuTsR?pwd=ab12"
    wait_saved(app)
    assert "未填写百度网盘链接" not in app.js("return document.getElementById('issue-summary').innerText")

    # A bare link stays as pasted; a wrong one is explained.
    set_value(app, "media.video.link", "https://example.com/v.mp4")
    leave(app)  # a field's error shows once the clerk has left it
    app.wait(lambda: "不是百度网盘链接" in app.js("return document.querySelector('[data-field=\"media.video.link\"]').innerText"), what="链接错误提示")


def test_video_check_verdicts_and_confirmations(ctx):
    video = os.path.join(ctx.tmp, "直播故事.mp4")
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=0x3a8a5c:s=1280x720:d=2:r=10",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-y", video],
        check=True, capture_output=True, timeout=120,
    )
    app = ctx.app()
    new_case(app)
    r = seam(app, "checkVideoPath", video)
    assert "ok" in r, r
    report = lambda: app.js("return document.getElementById('video-report').innerText")  # noqa: E731
    app.wait(lambda: "直播故事.mp4" in report(), what="视频检查结果")
    rules = app.js(
        "return Object.fromEntries([...document.querySelectorAll('#video-report .verdicts li')]"
        ".map(li => [li.dataset.rule, li.className]))"
    )
    assert rules.get("duration") == "bad" and rules.get("resolution") == "bad", rules
    assert rules.get("container") == "ok" and rules.get("size") == "ok", rules
    assert "✗" in report() and "✓" in report()
    wait_saved(app)
    v = current_case(app)["media"]["video"]
    assert v["local_path"] == video and v["bytes"] == os.path.getsize(video)
    assert v["check"]["verdicts"], v
    assert "视频文件" in app.js("return document.getElementById('issue-summary').innerText")

    # The two confirmations the clerk ticks; their reminders go away.
    assert "请确认视频中没有添加任何水印标识" in _summary(app)
    app.js("document.getElementById('sec-video').scrollIntoView()")
    app.find('[data-path="media.video.confirm_no_watermark"]').click()
    app.find('[data-path="media.video.confirm_no_ads"]').click()
    app.wait(
        lambda: [current_case(app)["media"]["video"][k] for k in ("confirm_no_watermark", "confirm_no_ads")] == [True, True],
        what="两项确认已保存",
    )
    app.wait(lambda: "水印" not in app.js("return document.getElementById('issue-summary').innerText"), what="水印提醒消失")
    app.js("document.getElementById('sec-video').scrollIntoView()")
    shot(app, "editor-video.png")

    # Reopened: the verdicts are kept in the case.
    back_to_list(app)
    app.find("#case-rows tr .open").click()
    app.wait(lambda: "直播故事.mp4" in report(), what="重新打开后的视频检查结果")


def test_drop_on_a_slot(ctx):
    """A drop as Tauri reports it (paths + position): the file goes to the slot under the cursor."""
    small = make_image(os.path.join(ctx.tmp, "拖入.jpg"), 640, 480)
    app = ctx.app()
    new_case(app)
    app.js("document.getElementById('drop-id_back').scrollIntoView({block: 'center'})")
    # Where the 国徽面 zone is, in physical pixels as the native event gives it.
    x, y = app.js(
        "const r = document.getElementById('drop-id_back').getBoundingClientRect();"
        "return [(r.left + r.width / 2) * devicePixelRatio, (r.top + r.height / 2) * devicePixelRatio];"
    )
    sent = app.js_async(
        "const done = arguments[arguments.length - 1];"
        "const [x, y, path] = [arguments[0], arguments[1], arguments[2]];"
        "const ev = window.__TAURI__.event;"
        "const label = window.__TAURI__.webview.getCurrentWebview().label;"
        "ev.emitTo({kind: 'Webview', label}, 'tauri://drag-drop', {paths: [path], position: {x, y}})"
        ".then(() => done('ok'), e => done(String(e)));",
        x,
        y,
        small,
    )
    if sent != "ok":
        # Emitting Tauri's own drag-drop event from the page is not allowed: the drop handler is
        # then covered by calling it as the event would.
        print(f"    （页面不能发出 tauri://drag-drop：{sent}；直接调用拖放处理）")
        ratio = app.js("return devicePixelRatio")
        for kind in ("enter", "over"):
            seam(app, "drop", {"type": kind, "paths": [small], "x": x / ratio, "y": y / ratio})
        assert app.js("return document.getElementById('drop-id_back').classList.contains('drag-over')")
        seam(app, "drop", {"type": "drop", "paths": [small], "x": x / ratio, "y": y / ratio})
    app.wait(lambda: "拖入.jpg" in _slot_text(app, "id_back"), what="拖入国徽面", timeout=20)
    assert "拖入.jpg" not in _slot_text(app, "id_front")
