"""IME composition: nothing is saved while a composition is in progress, the field's value is
never rewritten by the page, and the text is saved after compositionend."""

import time

from harness import field, new_case, wait_saved


def test_no_save_during_composition(ctx):
    app = ctx.app()
    new_case(app)
    field(app, "person.name").click().send_keys("王")
    wait_saved(app)
    saved_before = app.find("#save-state").text
    # What a pinyin IME does: compositionstart, input events with latin letters, compositionend.
    app.js(
        "const el = document.querySelector('[data-path=\"intro.basics\"]'); el.focus();"
        "el.dispatchEvent(new CompositionEvent('compositionstart', {bubbles: true, data: ''}));"
        "for (const v of ['n', 'ni', 'nih', 'niha', 'nihao']) {"
        "  el.value = v;"
        "  el.dispatchEvent(new InputEvent('input', {bubbles: true, isComposing: true, data: v}));"
        "}"
    )
    time.sleep(1.5)
    assert app.find("#save-state").text == saved_before, "输入法组字期间不应保存"
    assert field(app, "intro.basics").prop("value") == "nihao", "页面不应改写正在输入的内容"
    cases = app.invoke("list_cases", {"query": {"text": "", "status": None, "trash": False}})
    stored = app.invoke("get_case", {"id": cases["ok"][0]["id"]})["ok"]
    assert stored["intro"]["basics"] == "", stored["intro"]
    app.js(
        "const el = document.querySelector('[data-path=\"intro.basics\"]');"
        "el.value = '你好';"
        "el.dispatchEvent(new InputEvent('input', {bubbles: true, isComposing: true, data: '你好'}));"
        "el.dispatchEvent(new CompositionEvent('compositionend', {bubbles: true, data: '你好'}));"
    )
    app.wait(
        lambda: app.invoke("get_case", {"id": cases["ok"][0]["id"]})["ok"]["intro"]["basics"] == "你好",
        timeout=3,
        what="组字结束后保存",
    )
    assert field(app, "intro.basics").prop("value") == "你好"
