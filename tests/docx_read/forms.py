#!/usr/bin/env python3
"""Hand-typed 推荐表 forms and hostile files for the .docx reader, made at test time.

Usage:
    forms.py make OUT_DIR          writes the forms, the hostile files and OUT_DIR/expect.json
    forms.py forms OUT_DIR NAME…   writes only the forms NAME.docx (no hostile files) and their
                                   expect.json (the app's e2e test imports them)
    forms.py check OUT_DIR BIN     imports every file with BIN (`tianbao case import-docx --json`),
                                   exports the cases and checks them against expect.json

Each form is built with python-docx the way a clerk types it in Word or WPS: labels with spaces
and full-width colons, label and value in one cell, merged cells split differently, extra empty
rows, 所在地区 as one string or in the form's blanks, 出生年月 in its spellings, followers as
"8.6万", headings with or without the limit, 典型做法 numbered "（一）", "1.", "一是…二是…" or by
bold first sentences, pictures with captions. For every variation there is a second form with
parts missing: the reader must report them (missing / empty / a note), not guess them.

Hostile files: a zip bomb named .docx, a 200 MB document.xml (written streaming), deeply nested
tables, external relationships, a macro-enabled .docm renamed .docx, a .doc (RTF) renamed, a
truncated file. Each must give its own message; memory stays bounded (checked by run.sh).
"""

import io
import json
import struct
import sys
import zipfile
import zlib
from pathlib import Path

OPINION = ("该同志扎根农村多年，带动群众增收致富，事迹突出，"
           "示范带动作用明显，同意推荐。" * 8)


def png_bytes(w, h, seed):
    """A small valid RGB PNG (no imaging library needed)."""
    raw = b"".join(b"\x00" + bytes(v for x in range(w)
                                     for v in ((x * 7 + seed * 40) % 256, (y * 5) % 256, (seed * 60) % 256))
                   for y in range(h))

    def chunk(t, d):
        c = struct.pack(">I", len(d)) + t + d
        return c + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# ---- building blocks ---------------------------------------------------------------------------

def new_doc():
    import docx
    d = docx.Document()
    d.add_paragraph("附件1")
    d.add_paragraph("“2024 农村直播电商优秀案例”征集活动推荐表")
    return d


def set_cell(cell, text, bold=False):
    """Puts text in a cell; '\n' starts a new paragraph."""
    lines = text.split("\n")
    cell.paragraphs[0].text = ""
    first = True
    for line in lines:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        r = p.add_run(line)
        r.bold = bold


def table_rows(d, rows, cols=8):
    """rows: list of rows, each a list of (text, span) or text (span 1); None = an empty row."""
    t = d.add_table(rows=0, cols=cols)
    t.style = "Table Grid"
    for row in rows:
        cells = t.add_row().cells
        if row is None:
            continue
        at = 0
        for item in row:
            text, span = (item, 1) if isinstance(item, str) else item
            c = cells[at]
            if span > 1:
                c = c.merge(cells[at + span - 1])
            set_cell(c, text)
            at += span
    return t


def add_para(container, text, bold_lead=None, center=False):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    p = container.add_paragraph()
    if bold_lead:
        p.add_run(bold_lead).bold = True
    if text:
        p.add_run(text)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def add_picture(container, data, caption, width_cm=8):
    from docx.shared import Cm
    p = container.add_paragraph()
    p.add_run().add_picture(io.BytesIO(data), width=Cm(width_cm))
    if caption is not None:
        add_para(container, caption, center=True)


STD_UPPER = [
    ["姓名", "李明", "出生年月", "1990年5月", "民族", "苗族", "政治面貌", "中共党员"],
    ["所在地区", ("贵州省黔东南州台江县施洞镇偏寨村", 7)],
    ["直播领域", ("非遗手工艺品", 3), "团队规模（人）", ("12", 3)],
    ["直播平台", ("抖音、快手", 3), "直播账号名称", ("苗绣阿明", 3)],
    ["当前粉丝量", ("8.6万", 3), "直播从业时间（年）", ("5", 3)],
    ["年营业额（万元）", ("1260", 3), "联系方式", ("13812345678", 3)],
    ["推荐单位", ("台江县人民政府", 7)],
    ["推荐单位负责人", ("王建国", 3), "推荐单位联系方式", ("0855-5321234", 3)],
]

STD_EXPECT = {
    "person.name": "李明", "person.birth_year": "1990", "person.birth_month": "5",
    "person.ethnicity": "苗族", "person.political_status": "中共党员",
    "region.province": "贵州省", "region.city": "黔东南州", "region.county": "台江县",
    "region.township": "施洞镇", "region.village": "偏寨村",
    "business.field": "非遗手工艺品", "business.team_size": "12",
    "business.platforms": ["抖音", "快手"], "business.account_name": "苗绣阿明",
    "business.followers": "8.6万", "business.years": "5", "business.annual_revenue": "1260",
    "person.phone": "13812345678", "recommender.unit": "台江县人民政府",
    "recommender.leader": "王建国", "recommender.phone": "0855-5321234",
}

SECTIONS_STD = {
    "title": "李明：助农直播让非物质文化遗产“活”起来",
    "basics": ["李明，1990年生，苗族，返乡创业。", "2019年起在抖音开设账号。"],
    "feature": "以直播带动绣娘增收。",
    "practices": [("请传承人走进直播间。", "李明认为非遗要讲好故事。"),
                  ("建立“合作社+农户”模式。", "统一标准、统一收购。"),
                  ("规范运营。", "建立选品与售后制度。")],
    "results": ["带动200余名绣娘增收。", "年销售额1260万元。"],
    "lessons": ["非遗与直播结合大有可为。"],
}


def case_cell(d, body_rows):
    """The 案例简介 row: label in column 0, the text cell spanning 7 columns; returns the cell."""
    t = d.tables[-1]
    cells = t.add_row().cells
    set_cell(cells[0], "案例简介")
    c = cells[1].merge(cells[7])
    c.paragraphs[0].text = "2024 农村直播电商优秀案例"
    return c


def opinion_row(d, opinion, signature=True, inline=False):
    t = d.tables[-1]
    cells = t.add_row().cells
    c = cells[1].merge(cells[7])
    if inline:
        set_cell(cells[0], "推荐单位意见：" + opinion)
        c.paragraphs[0].text = ""
    else:
        set_cell(cells[0], "推荐单位意见")
        c.paragraphs[0].text = opinion
    if signature:
        add_para(c, "推荐单位：台江县人民政府（盖章）")
        add_para(c, "年　　月　　日")


def sections(c, s, practice_style="paren", headings="limits", highlight_bold=True):
    """Writes the four sections into container c."""
    heads = {
        "limits": ["一、案例内容简介（不超过400字）", "二、典型做法（不超过1000字）",
                   "三、成果贡献（不超过500字）", "四、经验启示（不超过500字）"],
        "plain": ["一、案例内容简介", "二、典型做法", "三、成果贡献", "四、经验启示"],
    }[headings]
    add_para(c, heads[0])
    if s.get("title") is not None:
        add_para(c, s["title"], bold_lead="案例名称：")
    for b in s.get("basics", []):
        add_para(c, b)
    if s.get("feature") is not None:
        add_para(c, s["feature"], bold_lead="案例特点：")
    add_para(c, heads[1])
    items = s.get("practices", [])
    if practice_style == "shi":
        add_para(c, "".join(f"{'一二三四五'[i]}是{h}{t}" for i, (h, t) in enumerate(items)))
    else:
        for i, (h, t) in enumerate(items):
            marker = {"paren": f"（{'一二三四五'[i]}）", "digit": f"{i + 1}.", "bold": ""}[practice_style]
            if highlight_bold:
                add_para(c, t, bold_lead=marker + h) if practice_style != "bold" else add_para(c, t, bold_lead=h)
            else:
                add_para(c, marker + h + t)
    add_para(c, heads[2])
    for r in s.get("results", []):
        add_para(c, r)
    add_para(c, heads[3])
    for r in s.get("lessons", []):
        add_para(c, r)


def practices_expect(items, bold=True):
    return [{"highlight": h if bold else "", "text": t if bold else h + t} for h, t in items]


def full_expect(**extra):
    e = dict(STD_EXPECT)
    e.update({
        "intro.title": SECTIONS_STD["title"],
        "intro.basics": "\n".join(SECTIONS_STD["basics"]),
        "intro.feature": SECTIONS_STD["feature"],
        "practices": practices_expect(SECTIONS_STD["practices"]),
        "results": "\n".join(SECTIONS_STD["results"]),
        "lessons": "\n".join(SECTIONS_STD["lessons"]),
        "opinion": OPINION,
    })
    e.update(extra)
    return e


def standard(upper=None, practice_style="paren", headings="limits", highlight_bold=True,
             opinion_inline=False, pictures=(), sec=None):
    d = new_doc()
    table_rows(d, upper if upper is not None else STD_UPPER)
    c = case_cell(d, None)
    sections(c, sec or SECTIONS_STD, practice_style, headings, highlight_bold)
    for data, cap in pictures:
        add_picture(c, data, cap)
    opinion_row(d, OPINION, inline=opinion_inline)
    return d


# ---- the variations ------------------------------------------------------------------------------

def forms():
    """(name, document, expectation) for every variation and its form with missing parts."""
    out = []

    def add(name, doc, expect=None, missing=(), empty=(), notes=(), not_found=()):
        out.append((name, doc, {"expect": expect or {}, "missing": list(missing), "empty": list(empty),
                                "notes": list(notes), "not_found": list(not_found)}))

    # 1. The template as published, filled in.
    add("standard", standard(), full_expect())

    # 2. Labels with spaces and full-width colons.
    spaced = [[c if not isinstance(c, str) or i % 2 else " ".join(c) if len(c) <= 2 else c + "："
               for i, c in enumerate(r)] for r in STD_UPPER]
    spaced[0][0] = "姓　名"
    spaced[0][4] = "民　族："
    add("labels-spaced-colons", standard(spaced), STD_EXPECT)
    gone = [r[:] for r in spaced]
    gone[0] = ["姓　名：", "李明", "出生年月：", "", "民　族", "", "政治面貌：", "群众"]
    add("labels-spaced-colons-missing", standard(gone),
        {"person.name": "李明", "person.political_status": "群众", "person.birth_year": ""},
        empty=["出生年月", "民族"])

    # 3. Label and value in one cell.
    inline = [
        [("姓名：李明", 2), ("出生年月：1990年5月", 2), ("民族：苗族", 2), ("政治面貌：中共党员", 2)],
        [("所在地区：贵州省黔东南州台江县施洞镇偏寨村", 8)],
        [("直播领域：非遗手工艺品", 4), ("团队规模（人）：12", 4)],
        [("直播平台：抖音、快手", 4), ("直播账号名称：苗绣阿明", 4)],
        [("当前粉丝量：8.6万", 4), ("直播从业时间（年）：5", 4)],
        [("年营业额（万元）：1260", 4), ("联系方式：13812345678", 4)],
        [("推荐单位：台江县人民政府", 8)],
        [("推荐单位负责人：王建国", 4), ("推荐单位联系方式：0855-5321234", 4)],
    ]
    add("label-value-one-cell", standard(inline), STD_EXPECT)
    inline_missing = [r for k, r in enumerate(inline) if k not in (4,)]
    add("label-value-one-cell-missing", standard(inline_missing),
        {"person.name": "李明", "business.followers": ""},
        missing=["当前粉丝量", "直播从业时间（年）"])

    # 4. Merged cells split differently, extra empty rows.
    split = [
        ["姓名", "", "李明", "出生年月", "1990-5", "民族", "苗族", ""],
        None,
        ["政治面貌", ("中共党员", 2), "所在地区", ("贵州省黔东南州台江县施洞镇偏寨村", 4)],
        None,
        ["直播领域", "非遗手工艺品", "", "", "团队规模", "12", "", ""],
        ["直播平台", ("抖音、快手", 3), "直播账号名称", ("苗绣阿明", 3)],
        None,
        ["当前粉丝量", ("8.6万", 3), "直播从业时间（年）", ("5", 3)],
        ["年营业额（万元）", ("1260", 3), "联系方式", ("13812345678", 3)],
        ["推荐单位", ("台江县人民政府", 7)],
        ["推荐单位负责人", ("王建国", 3), "推荐单位联系方式", ("0855-5321234", 3)],
    ]
    add("merged-split-empty-rows", standard(split), STD_EXPECT)
    split_missing = [r[:] if r else r for r in split]
    split_missing[0] = ["姓名", "", "", "出生年月", "1990-5", "民族", "苗族", ""]
    add("merged-split-empty-rows-missing", standard(split_missing),
        {"person.name": "", "person.birth_year": "1990"}, empty=["姓名"])

    # 5. 所在地区: one string with 自治州, in the form's blanks, and one that cannot be split.
    r5 = [r[:] for r in STD_UPPER]
    r5[1] = ["所在地区", ("内蒙古锡林郭勒盟正蓝旗上都镇五一嘎查", 7)]
    add("region-one-string", standard(r5),
        {"region.province": "内蒙古自治区", "region.city": "锡林郭勒盟", "region.county": "正蓝旗",
         "region.township": "上都镇", "region.village": "五一嘎查"})
    r5b = [r[:] for r in STD_UPPER]
    r5b[1] = ["所在地区", ("贵州 省（区） 黔东南州 市 台江 县 施洞镇 乡（镇） 偏寨 村", 7)]
    add("region-template-blanks", standard(r5b),
        {"region.province": "贵州省", "region.city": "黔东南州", "region.county": "台江县",
         "region.township": "施洞镇", "region.village": "偏寨村"})
    r5c = [r[:] for r in STD_UPPER]
    r5c[1] = ["所在地区", ("台江县施洞镇", 7)]
    add("region-one-string-missing", standard(r5c),
        {"region.province": "", "region.county": "台江县", "region.township": "施洞镇"},
        notes=["省份未能识别"])

    # 6. 出生年月 spellings; one that cannot be read.
    for k, (typed, y, m) in enumerate([("1990.05", "1990", "5"), ("1990年5月", "1990", "5"),
                                       ("1990-5", "1990", "5"), ("1988/12", "1988", "12")]):
        r6 = [r[:] for r in STD_UPPER]
        r6[0] = ["姓名", "李明", "出生年月", typed, "民族", "汉", "政治面貌", "党员"]
        add(f"birth-{k}", standard(r6),
            {"person.birth_year": y, "person.birth_month": m, "person.ethnicity": "汉族",
             "person.political_status": "中共党员"})
    r6 = [r[:] for r in STD_UPPER]
    r6[0] = ["姓名", "李明", "出生年月", "九零年五月", "民族", "苗族", "政治面貌", "中共党员"]
    add("birth-missing", standard(r6), {"person.birth_year": "九零年五月", "person.birth_month": ""},
        notes=["出生年月"])

    # 7. Followers "8.6万" kept as typed; a value that is not a number reported.
    r7 = [r[:] for r in STD_UPPER]
    r7[4] = ["当前粉丝量", ("约八万多", 3), "直播从业时间（年）", ("5", 3)]
    add("followers-missing", standard(r7), {"business.followers": "约八万多"}, notes=["当前粉丝量"])

    # 8. Headings without the limit; a form whose headings are missing.
    add("headings-plain", standard(headings="plain"), full_expect())
    d = new_doc()
    table_rows(d, STD_UPPER)
    c = case_cell(d, None)
    for b in SECTIONS_STD["basics"]:
        add_para(c, b)
    opinion_row(d, OPINION)
    add("headings-missing", d, {"intro.basics": "\n".join(SECTIONS_STD["basics"]), "results": ""},
        notes=["没有找到“一、案例内容简介”"])

    # 9. 典型做法 split by "1.", "一是…二是…", bold first sentences; one without highlights.
    add("practices-digits", standard(practice_style="digit"),
        {"practices": practices_expect(SECTIONS_STD["practices"])})
    add("practices-shi", standard(practice_style="shi"),
        {"practices": [{"highlight": "", "text": h + t} for h, t in SECTIONS_STD["practices"]]},
        notes=["没有加粗的亮点句"])
    add("practices-bold", standard(practice_style="bold"),
        {"practices": practices_expect(SECTIONS_STD["practices"])})
    add("practices-missing", standard(highlight_bold=False),
        {"practices": practices_expect(SECTIONS_STD["practices"], bold=False)},
        notes=["没有加粗的亮点句"])

    # 10. 推荐单位意见 in the label's cell, up to 推荐单位：; a form without an opinion.
    add("opinion-inline", standard(opinion_inline=True), {"opinion": OPINION})
    d = new_doc()
    table_rows(d, STD_UPPER)
    c = case_cell(d, None)
    sections(c, SECTIONS_STD)
    add("opinion-missing", d, {"opinion": ""}, missing=["推荐单位意见"])

    # 11. Pictures with captions (byte-exact), one without a caption.
    pics = [(png_bytes(60 + 10 * k, 40, k), cap) for k, cap in
            enumerate(["图1 李明在直播间", "图2：合作社仓库", None])]
    add("pictures", standard(pictures=pics),
        {"media.pictures.captions": ["李明在直播间", "合作社仓库", ""],
         "media.pictures.sha256": [__import__("hashlib").sha256(p).hexdigest() for p, _ in pics]})

    # 12. No table at all: "姓名：李明" paragraphs.
    d = new_doc()
    for r in inline:
        for text, _ in r:
            add_para(d, text)
    sections(d, SECTIONS_STD)
    add_para(d, "推荐单位意见：" + OPINION)
    add_para(d, "推荐单位：台江县人民政府")
    add("no-table", d, full_expect())

    # 13. Not a form at all.
    d = new_doc()
    add_para(d, "关于召开会议的通知")
    add_para(d, "请各单位准时参加。")
    add("not-a-form", d, not_found=["没有找到推荐表的任何栏目"])
    return out


# ---- hostile files ---------------------------------------------------------------------------------

CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/word/document.xml" ContentType="{main}"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '</Relationships>')
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def minimal(path, document, main=DOCX_MAIN, extra=()):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT.format(main=main))
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", document)
        for name, data in extra:
            z.writestr(name, data)


def hostile(out):
    """(file name, substring of the expected message)."""
    made = []
    # A zip bomb: 2 GiB of zeros deflated (~2 MB), written streaming.
    p = out / "bomb.docx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT.format(main=DOCX_MAIN))
        z.writestr("_rels/.rels", RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            block = b"\0" * (1 << 20)
            for _ in range(2048):
                f.write(block)
    made.append((p.name, "压缩内容异常"))
    # A real 200 MB document.xml (text in many paragraphs), written streaming.
    p = out / "big-document.docx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", CT.format(main=DOCX_MAIN))
        z.writestr("_rels/.rels", RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(f'<w:document {W}><w:body>'.encode())
            para = "<w:p><w:r><w:t>姓名：李明 农村直播电商优秀案例推荐表正文内容</w:t></w:r></w:p>".encode()
            chunk = para * 2000
            written = 0
            while written < 200 * 1024 * 1024:
                f.write(chunk)
                written += len(chunk)
            f.write(b"</w:body></w:document>")
    made.append((p.name, "压缩内容异常"))
    # The same, its sizes in the zip directory falsified to look small.
    p2 = out / "lying-sizes.docx"
    data = bytearray(p.read_bytes())
    made_lie = falsify_sizes(data, b"word/document.xml")
    p2.write_bytes(data)
    if made_lie:
        made.append((p2.name, "“lying-sizes.docx”"))
    # Tables nested 200 deep.
    p = out / "deep-tables.docx"
    minimal(p, f'<w:document {W}><w:body>' + "<w:tbl><w:tr><w:tc>" * 200 + "<w:p/>" +
            "</w:tc></w:tr></w:tbl>" * 200 + "</w:body></w:document>")
    made.append((p.name, "结构异常"))
    # External relationships: a linked picture and an attached template on a web server.
    p = out / "external.docx"
    doc = (f'<w:document {W} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
           'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><w:body>'
           '<w:p><w:r><w:t>姓名：李明</w:t></w:r></w:p><w:p><w:r><w:t>民族：苗族</w:t></w:r></w:p>'
           '<w:p><w:r><w:drawing><a:blip r:link="rIdX"/></w:drawing></w:r></w:p>'
           '</w:body></w:document>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="http://127.0.0.1:9/track.png" TargetMode="External"/>'
            '<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="http://127.0.0.1:9/evil.dotm" TargetMode="External"/>'
            '</Relationships>')
    minimal(p, doc, extra=[("word/_rels/document.xml.rels", rels)])
    made.append((p.name, "IMPORTED:链接到文件外部"))
    # A macro-enabled document renamed .docx.
    p = out / "macro.docx"
    minimal(p, f'<w:document {W}><w:body><w:p><w:r><w:t>姓名：李明</w:t></w:r></w:p></w:body></w:document>',
            main="application/vnd.ms-word.document.macroEnabled.main+xml",
            extra=[("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\0" * 100)])
    made.append((p.name, "启用宏"))
    # An RTF file saved under a .doc name, and a .doc renamed .docx.
    (out / "old.doc").write_bytes(b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 SimSun;}} \\f0 \\u22995?\\u21517? Li Ming}")
    made.append(("old.doc", "另存为"))
    # A truncated .docx (the copy stopped half way).
    std = (out / "standard.docx").read_bytes()
    (out / "truncated.docx").write_bytes(std[: len(std) // 2])
    made.append(("truncated.docx", "已损坏"))
    return made


def falsify_sizes(data, name):
    """Sets the uncompressed size of entry `name` to 1000 in its local header, the central
    directory and the zip64 extra fields. Returns whether the entry was found."""
    found = False
    i = 0
    while True:
        i = data.find(b"PK\x01\x02", i)
        if i < 0:
            break
        n = struct.unpack_from("<H", data, i + 28)[0]
        if data[i + 46:i + 46 + n] == name:
            found = True
            if struct.unpack_from("<I", data, i + 24)[0] != 0xFFFFFFFF:
                struct.pack_into("<I", data, i + 24, 1000)
            x = i + 46 + n
            xl = struct.unpack_from("<H", data, i + 30)[0]
            end = x + xl
            while x + 4 <= end:
                hid, hlen = struct.unpack_from("<HH", data, x)
                if hid == 1 and hlen >= 8:
                    struct.pack_into("<Q", data, x + 4, 1000)
                x += 4 + hlen
        i += 4
    return found


# ---- check -------------------------------------------------------------------------------------------

def get(case, path):
    if path == "media.pictures.captions":
        return [p["caption"] for p in case["media"]["pictures"]]
    if path == "media.pictures.sha256":
        return [p["sha256"] for p in case["media"]["pictures"]]
    v = case
    for k in path.split("."):
        v = v[k]
    if path == "practices":
        return [{"highlight": p["highlight"], "text": p["text"]} for p in v]
    return v


def run_import(out, binary):
    """Imports every file with the CLI into a fresh database, exports the cases; returns the
    results and the peak resident memory of the import in MiB."""
    import resource
    import subprocess
    db = out / "import.db"
    for f in out.glob("import.db*"):
        f.unlink()
    files = sorted(str(p) for p in out.iterdir() if p.suffix in (".docx", ".doc"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    r = subprocess.run([binary, "--db", str(db), "--json", "case", "import-docx"] + files,
                       capture_output=True, text=True, timeout=600)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if r.returncode not in (0, 1):
        print(f"FAIL  import-docx exited {r.returncode}: {r.stderr[-500:]}")
        sys.exit(1)
    results = json.loads(r.stdout)
    (out / "cases").mkdir(exist_ok=True)
    for res in results:
        if res.get("case_id"):
            subprocess.run([binary, "--db", str(db), "case", "export-json", res["case_id"], "-o",
                            str(out / "cases" / f"{res['case_id']}.json")], check=True,
                           capture_output=True)
    return results, max(peak, before) / 1024


def check(out, binary):
    results_list, peak_mib = run_import(out, binary)
    expect = json.loads((out / "expect.json").read_text(encoding="utf-8"))
    results = {Path(r["path"]).name: r for r in results_list}
    passed = failed = 0

    def ok(name, cond, detail=""):
        nonlocal passed, failed
        if cond:
            passed += 1
            print(f"ok    {name}")
        else:
            failed += 1
            print(f"FAIL  {name}\n      {detail}")
        return cond

    for name, e in expect["forms"].items():
        r = results.get(name)
        if r is None:
            ok(f"{name}: imported", False, "no result")
            continue
        if e["not_found"]:
            ok(f"{name}: refused with a message", bool(r["error"]) and all(s in r["error"] for s in e["not_found"]),
               str(r["error"]))
            continue
        if not ok(f"{name}: imported", r["error"] is None, str(r["error"])):
            continue
        case = json.loads((out / "cases" / f"{r['case_id']}.json").read_text(encoding="utf-8"))
        bad = [(k, v, get(case, k)) for k, v in e["expect"].items() if get(case, k) != v]
        ok(f"{name}: {len(e['expect'])} fields as expected", not bad, "; ".join(f"{k}: want {v!r} got {g!r}" for k, v, g in bad[:4]))
        rep = r["report"]
        for key in ("missing", "empty"):
            if e[key]:
                ok(f"{name}: reported {key} {e[key]}", all(x in rep[key] for x in e[key]), str(rep[key]))
        for n in e["notes"]:
            ok(f"{name}: note about “{n}”", any(n in x for x in rep["notes"]), str(rep["notes"]))
        if not e["missing"] and not e["empty"] and not e["notes"] and name in ("standard", "no-table"):
            ok(f"{name}: nothing reported missing", not rep["missing"], str(rep["missing"]))
    for name, want in expect["hostile"].items():
        r = results.get(name)
        if r is None:
            ok(f"{name}: answered", False, "no result")
            continue
        if want.startswith("IMPORTED:"):
            note = want.split(":", 1)[1]
            ok(f"{name}: imported, external target not followed and reported",
               r["error"] is None and any(note in n for n in r["report"]["notes"]), str(r))
        else:
            ok(f"{name}: refused: {r['error']}", r["error"] is not None and want in r["error"], str(r["error"]))
    ok(f"the import of {len(results)} files (a 2 GiB bomb, a 200 MB document.xml among them) peaked at "
       f"{peak_mib:.0f} MiB resident (< 200 MiB)", peak_mib < 200)
    print(f"{passed} passed, {failed} failed")
    return failed == 0


def main():
    mode, out = sys.argv[1], Path(sys.argv[2])
    if mode in ("make", "forms"):
        wanted = set(sys.argv[3:])
        out.mkdir(parents=True, exist_ok=True)
        expect = {"forms": {}, "hostile": {}}
        for name, doc, e in forms():
            if mode == "forms" and name not in wanted:
                continue
            doc.save(str(out / f"{name}.docx"))
            expect["forms"][f"{name}.docx"] = e
        unknown = wanted - {n[:-5] for n in expect["forms"]}
        if unknown:
            sys.exit(f"forms.py: no form named {', '.join(sorted(unknown))}")
        for name, msg in hostile(out) if mode == "make" else []:
            expect["hostile"][name] = msg
        (out / "expect.json").write_text(json.dumps(expect, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"{len(expect['forms'])} forms, {len(expect['hostile'])} hostile files in {out}")
    elif mode == "check":
        sys.exit(0 if check(out, sys.argv[3]) else 1)


if __name__ == "__main__":
    main()
