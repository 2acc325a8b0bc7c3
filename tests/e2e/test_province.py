"""省级汇总 in the app: import a 案例库 list and see the flag, set the unit and 省级意见 for 20
cases (the counter; 21 refused at the check), override the flag with a reason, check the whole
submission, write the 汇总表 and the package (the functions behind the buttons, given the paths
the dialogs would return)."""

import email
import email.policy
import os
import zipfile

from harness import seam, shot

NAMES = ["李明", "王芳", "张伟", "阿依古丽·买买提", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰",
         "吴敏", "徐强", "孙燕", "马超", "朱琳", "胡军", "郭涛", "何苗", "高原", "林峰", "罗兰"]


def _cases(app, n):
    ids = []
    for i, name in enumerate(NAMES[:n]):
        c = app.invoke("create_case")["ok"]
        c["person"]["name"] = name
        c["person"]["phone"] = f"139{i:08d}"
        c["region"].update(province="贵州省", city="黔东南苗族侗族自治州", county=f"第{i + 1}县",
                           township="某镇", village="某村")
        c["business"]["field"] = "农产品"
        c["media"]["video"].update(link=f"https://pan.baidu.com/s/1e2e{i:03d}abc", code=f"e{i:03d}")
        r = app.invoke("save_case", {"case": c})
        assert "ok" in r, r
        ids.append(c["id"])
    return ids


def _rows(app):
    return app.js(
        "return [...document.querySelectorAll('#province-rows tr')].map(tr => ({"
        " id: tr.dataset.id, name: tr.querySelector('.c-name').textContent,"
        " flags: tr.querySelector('.c-flags').textContent }))"
    )


def test_province_library_flag_opinions_and_package(ctx):
    app = ctx.app()
    ids = _cases(app, 21)
    lib = os.path.join(ctx.tmp, "案例库名单.csv")
    with open(lib, "w", encoding="utf-8-sig") as f:
        f.write("2023年案例库\n\n序号,姓名,所在地区,联系方式\n1,王 芳,贵州省黔东南州第2县,\n2,李明,山东省兰陵县,\n")

    r = seam(app, "showProvince")
    assert "ok" in r, r
    r = seam(app, "importLibrary", lib)
    assert "ok" in r and r["ok"]["info"]["count"] == 2, r
    assert "已导入案例库名单：2 人" in app.find("#toast").text
    rows = _rows(app)
    by = {x["name"]: x for x in rows}
    assert "案例库" in by["王芳"]["flags"], by["王芳"]
    assert "同名" in by["李明"]["flags"] and "案例库" not in by["李明"]["flags"], by["李明"]
    assert app.js("return document.querySelector('#province-rows tr.flagged .c-name').textContent") == "王芳"

    assert "ok" in seam(app, "setUnit", "贵州省")
    assert app.js("return document.getElementById('unit-select').value") == "贵州省"

    # 同意 for all 21: the counter says so, the check blocks.
    for cid in ids:
        assert "ok" in seam(app, "setOpinion", cid, "同意")
    assert app.find("#agree-counter").text == "同意 21 / 20"
    r = seam(app, "checkSubmission")
    assert r["ok"]["blocking"] >= 2, r  # over the quota, and 王芳 in the 案例库
    shot(app, "province-over-quota.png")
    out = os.path.join(ctx.tmp, "报送")
    r = seam(app, "writePackage", os.path.join(out, "包21"))
    assert "err" in r and "必须先处理" in r["err"], r

    # The last one 不同意 (select in the row, as a click would), 王芳 overridden with a reason.
    app.js(
        "const s = document.querySelector(`#province-rows tr[data-id=\"${arguments[0]}\"] .c-opinion select`);"
        "s.value = '不同意'; s.dispatchEvent(new Event('change'));",
        ids[20],
    )
    app.wait(lambda: app.find("#agree-counter").text == "同意 20 / 20", what="同意 20 / 20")
    r = seam(app, "setLibraryOverride", ids[1], "名单中是同名的另一人")
    assert "ok" in r, r
    assert "案例库（已说明）" in {x["name"]: x for x in _rows(app)}["王芳"]["flags"]
    assert not app.js("return !!document.querySelector('#province-rows tr.flagged')")
    r = seam(app, "checkSubmission")
    c = r["ok"]
    assert c["blocking"] == 0 and c["agreed"] == 20, c
    # Missing photos and scans are listed, each with the case it belongs to.
    assert any(f["field"] == "media.photo" and f["case"] == "李明" for f in c["findings"]), c["findings"][:3]
    assert app.find("#check-headline").text.startswith("检查结果：")
    shot(app, "province-check.png")
    # A finding opens its case in the editor; 返回 comes back to 省级汇总.
    app.js("document.querySelector('#check-list li button.link').click()")
    app.wait(lambda: app.js("return !document.getElementById('editor-view').hidden"), what="编辑页")
    app.find("#back").click()
    app.wait(lambda: app.js("return !document.getElementById('province-view').hidden"), what="省级汇总")

    # The 汇总表 and the package.
    os.makedirs(out, exist_ok=True)
    xlsx = os.path.join(out, "汇总表.xlsx")
    assert "ok" in seam(app, "writeSummary", xlsx)
    with zipfile.ZipFile(xlsx) as z:
        sst = z.read("xl/sharedStrings.xml").decode()
        assert all(n in sst for n in NAMES[:20]) and NAMES[20] not in sst
    dest = os.path.join(out, "2024报送材料")
    r = seam(app, "writePackage", dest, 2_000_000, timeout=300)
    assert "ok" in r, r
    o = r["ok"]
    assert o["cases"] == 20
    names = sorted(os.listdir(dest))
    assert "01_李明" in names and "20_林峰" in names and "材料清单.xlsx" in names, names
    emls = sorted(p for p in os.listdir(os.path.join(dest, "邮件")) if p.endswith(".eml"))
    assert emls, names
    msg = email.message_from_bytes(open(os.path.join(dest, "邮件", emls[0]), "rb").read(),
                                   policy=email.policy.default)
    body = msg.get_body(preferencelist=("plain",)).get_content()
    assert "REC@ec.com.cn" in str(msg["To"]) and "贵州省" in str(msg["Subject"])
    assert all(n in body for n in NAMES[:20]) and "https://pan.baidu.com/s/1e2e019abc" in body
    assert "已生成报送材料" in app.find("#toast").text
    assert app.js("return document.getElementById('job').hidden")
    shot(app, "province-done.png")
