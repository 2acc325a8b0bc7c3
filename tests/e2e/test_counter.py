"""(a) The 字数 counter shown under 典型做法 is the Rust count of the section as printed."""

from harness import counter, field, new_case, rust_count, set_value, shot, wait_saved

TEXT = "直播带货让乡亲们的农产品卖出去了，2023年销售额达到1260万元。"
# By FORM.md's rule: 16 Han + "，" + "2023" + 6 Han + "1260" + "万元" + "。" = 28, and the printed
# item starts with its number "（一）" (3 字): 31 — and `tianbao count` must say the same.
BY_THE_RULE = 31


def test_practice_counter_equals_rust_count(ctx):
    app = ctx.app()
    new_case(app)
    words, text, bad, _ = counter(app, "practices")
    assert (words, bad) == (0, False), text
    field(app, "practices.0.text").click().send_keys(TEXT)
    expected = rust_count("（一）" + TEXT)
    assert expected == BY_THE_RULE, f"tianbao count 给出 {expected}，按规则应为 {BY_THE_RULE}"
    app.wait(lambda: counter(app, "practices")[0] == expected, what=f"计数 {expected}")
    words, text, bad, _ = counter(app, "practices")
    assert text == f"{expected} / 1000 字", text
    assert not bad
    chars = app.find("#counter-practices .chars").text
    assert chars == f"字符数(不计空格) {3 + len(TEXT)}", chars
    # The counter is the validator's number: the same as validate_case over the saved case.
    wait_saved(app)
    case = app.invoke("get_case", {"id": _case_id(app)})
    assert "ok" in case, case
    report = app.invoke("validate_case", {"case": case["ok"]})
    assert report["ok"]["counts"]["practices"]["words"] == expected, report


def _case_id(app):
    # The case being edited: the newest one in the store.
    lst = app.invoke("list_cases", {"query": {"text": "", "status": None, "trash": False}})
    return lst["ok"][0]["id"]


def test_counter_turns_red_over_the_limit_and_back(ctx):
    app = ctx.app()
    new_case(app)
    set_value(app, "practices.0.text", "好" * 997)  # + "（一）" = 1000: at the limit
    app.wait(lambda: counter(app, "practices")[0] == 1000, what="1000 字")
    assert counter(app, "practices")[2] is False
    field(app, "practices.0.text").send_keys("多")
    app.wait(lambda: counter(app, "practices")[0] == 1001, what="1001 字")
    assert counter(app, "practices")[2] is True, "超过上限应变红"
    msgs = app.find('[data-msgs-for="practices"]').text
    assert "超过" in msgs and "1000" in msgs, msgs
    shot(app, "editor-over-limit.png")
    set_value(app, "practices.0.text", "好" * 100)
    app.wait(lambda: counter(app, "practices")[0] == 103, what="103 字")
    assert counter(app, "practices")[2] is False
    # The opinion counter reads "N / 至少 400 字" and is red below the minimum.
    set_value(app, "opinion", "推荐" * 10)
    app.wait(lambda: counter(app, "opinion")[1] == "20 / 至少 400 字", what="意见计数")
    assert counter(app, "opinion")[2] is True


def test_long_paste_emoji_and_control_characters(ctx):
    app = ctx.app()
    new_case(app)
    big = ("农村直播电商助力乡村振兴。" * 3077)[:40000]
    set_value(app, "results", big)
    app.wait(lambda: counter(app, "results")[0] == 40000, timeout=20, what="40000 字")
    assert counter(app, "results")[2] is True
    set_value(app, "lessons", "经验😀\u0007启示")
    app.js("document.activeElement.blur()")  # shown once the field is left
    app.wait(lambda: "表情" in app.find('[data-msgs-for="lessons"]').text, what="表情提醒")
    app.wait(lambda: app.find("#save-state").text.startswith("已保存"), timeout=10, what="已保存")


def test_every_word_count_vector_shows_its_count(ctx):
    """tests/word-count.json (FORM.md's vectors, from Word): the counter of a section shows
    exactly the vector's 字数 and 字符数(不计空格) for each of them."""
    import json
    import os

    from harness import ROOT

    with open(os.path.join(ROOT, "tests", "word-count.json"), encoding="utf-8") as f:
        vectors = json.load(f)
    assert len(vectors) >= 9
    app = ctx.app()
    new_case(app)
    wrong = []
    for v in vectors:
        set_value(app, "lessons", v["text"])
        want = (f"{v['words']} / 500 字", f"字符数(不计空格) {v['chars_no_space']}")

        def shown():
            return (app.find("#counter-lessons .words").text, app.find("#counter-lessons .chars").text)

        try:
            app.wait(lambda: shown() == want, timeout=3, what=repr(v["text"]))
        except AssertionError:
            wrong.append((v["text"], want, shown()))
    assert not wrong, wrong
