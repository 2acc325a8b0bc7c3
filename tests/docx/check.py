#!/usr/bin/env python3
"""End-to-end checks of the Word 推荐表 written by examples/make_docx.rs.

Usage: check.py OUT_DIR   (OUT_DIR holds the .docx files and manifest.json)

For every file: openxml-audit reports 0 errors; python-docx reads back every label of 附件1
in order, the merges, the fonts and sizes, the paragraph format, the draft mark, the
document properties and the pictures; LibreOffice renders it to PDF with a sane page count;
pdftotext finds every paragraph of every section, in order (whitespace ignored). The case
with three 12-megapixel photos must stay under 3 MB.

Prints one line per check and a final line "N passed, M failed"; exits 1 on any failure.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

OUT = Path(sys.argv[1])
MANIFEST = json.loads((OUT / "manifest.json").read_text(encoding="utf-8"))
CAMPAIGN = MANIFEST["campaign"]
DRAFT_MARK = MANIFEST["draft_mark"]
BIN = Path(sys.executable).parent

passed = 0
failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok    {name}")
    else:
        failed += 1
        print(f"FAIL  {name}" + (f"\n      {detail}" if detail else ""))
    return ok


def ns(s):
    return re.sub(r"\s+", "", s)


def find_in_order(haystack, needles):
    """Returns None if every needle is found in order, else the first one missing."""
    at = 0
    for n in needles:
        n = ns(n)
        i = haystack.find(n, at)
        if i < 0:
            return n, at
        at = i + len(n)
    return None


# Fonts (w:eastAsia) and sizes (pt) the form may use: 小二 18, 三号 16, 小三 15, 小四 12, 五号 10.5,
# 小五 9 (a long first-row value shrunk).
FONTS = {"仿宋_GB2312", "宋体", "黑体", "方正小标宋简体"}
SIZES = {18.0, 16.0, 15.0, 12.0, 10.5, 9.0}

LABELS_UPPER = [
    "姓名", "出生年月", "民族", "政治面貌", "所在地区", "直播领域", "团队规模（人）",
    "直播平台", "直播账号名称", "当前粉丝量", "直播从业时间（年）", "年营业额（万元）",
    "联系方式", "推荐单位", "推荐单位负责人", "推荐单位联系方式",
]


def east_asia(run):
    rpr = run._element.rPr
    if rpr is None or rpr.rFonts is None:
        return None
    return rpr.rFonts.get(qn("w:eastAsia"))


def unique_cells(table):
    """Cells in reading order, each merged cell once: (row index, col index, cell)."""
    seen = set()
    out = []
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            out.append((r, c, cell))
    return out


def all_paragraphs(d):
    """Body paragraphs and table-cell paragraphs in reading order (merged cells once)."""
    out = []
    body = d.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            out.append(docx.text.paragraph.Paragraph(child, d))
        elif child.tag == qn("w:tbl"):
            t = docx.table.Table(child, d)
            for _, _, cell in unique_cells(t):
                out.extend(cell.paragraphs)
    return out


def check_structure(f, path):
    kind = f["kind"]
    d = docx.Document(str(path))
    paras = all_paragraphs(d)

    # --- page -------------------------------------------------------------------------------
    s = d.sections[0]
    check(f"{kind}: A4 portrait",
          abs(s.page_width.mm - 210) < 0.5 and abs(s.page_height.mm - 297) < 0.5
          and s.orientation == WD_ORIENT.PORTRAIT,
          f"{s.page_width.mm}×{s.page_height.mm} {s.orientation}")

    # --- labels in order --------------------------------------------------------------------
    t = d.tables
    check(f"{kind}: one table", len(t) == 1, f"{len(t)} tables")
    table = t[0]
    text = ns("".join(p.text for p in d.paragraphs[:2])) + ns(
        "".join(c.text for _, _, c in unique_cells(table)))
    expected = [CAMPAIGN["form_label"], CAMPAIGN["form_title"]] + LABELS_UPPER + ["案例简介",
                                                                               CAMPAIGN["activity_name"]]
    for sec in f["sections"]:
        expected.append(sec["heading"] + sec["limit_label"])
        expected.extend(sec["paragraphs"])
    expected.append(CAMPAIGN["opinion_heading"])
    expected.extend(f["opinion"]["paragraphs"])
    expected += ["推荐单位：" + f["unit"], "年月日"]
    miss = find_in_order(text, expected)
    check(f"{kind}: every label and paragraph of 附件1 read back in order ({len(expected)} items)",
          miss is None, f"missing {miss}")
    check(f"{kind}: 附件1 top left, title centered",
          d.paragraphs[0].text == CAMPAIGN["form_label"]
          and d.paragraphs[0].alignment in (None, WD_ALIGN_PARAGRAPH.LEFT)
          and d.paragraphs[1].text == CAMPAIGN["form_title"]
          and d.paragraphs[1].alignment == WD_ALIGN_PARAGRAPH.CENTER)

    # --- merges -----------------------------------------------------------------------------
    rows = table.rows
    ncols = len(table.columns)
    check(f"{kind}: a grid of {ncols} columns (the first row on its own widths)", 8 <= ncols <= 16, str(ncols))

    def distinct(row):
        return len({id(c._tc) for c in row.cells})

    shape = [distinct(r) for r in rows[:8]]
    check(f"{kind}: upper rows merged as FORM.md", shape == [8, 2, 4, 4, 4, 4, 2, 4], str(shape))
    spans = []
    for r in rows[:8]:
        spans.append([c.grid_span for c in dict((id(c._tc), c) for c in r.cells).values()])
    widths = []
    for r in rows[:8]:
        cells = list(dict((id(c._tc), c) for c in r.cells).values())
        widths.append([c.width.twips if c.width is not None else None for c in cells])
    check(f"{kind}: every row spans the whole grid; label | value rows share their column lines",
          all(sum(sp) == ncols for sp in spans) and widths[1] == [1656, 7642] and widths[6] == [1656, 7642]
          and all(widths[i] == widths[2] for i in (3, 4, 5, 7)) and len(widths[0]) == 8
          and sum(widths[0]) == 9298,
          f"{spans} {widths}")
    col0 = [r.cells[0] for r in rows[8:]]
    groups = []
    for c in col0:
        if groups and groups[-1][0] is c._tc:
            groups[-1][1] += 1
        else:
            groups.append([c._tc, 1])
    labels = [ns(docx.table._Cell(g[0], table).text) for g in groups]
    n_paras = sum(len(sec["paragraphs"]) for sec in f["sections"])
    # Headings of empty sections share a row with the next heading.
    min_rows = 1 if n_paras == 0 else 4
    check(f"{kind}: 案例简介 and 推荐单位意见 merged vertically over their rows",
          labels == ["案例简介", ns(CAMPAIGN["opinion_heading"])] and groups[0][1] >= min_rows,
          f"{labels} rows {[g[1] for g in groups]}")
    check(f"{kind}: 案例简介 spans every row of the case text ({groups[0][1]} rows)",
          groups[0][1] >= max(min_rows, n_paras - 4 + f["pictures"]) and all(len(r.cells) == ncols for r in rows))

    # --- fonts and sizes ---------------------------------------------------------------------
    bad = []
    runs = 0
    parts = [paras]
    for p in (s.header, s.footer):
        if not p.is_linked_to_previous:
            parts.append(p.paragraphs)
    for ps in parts:
        for p in ps:
            for r in p.runs:
                runs += 1
                ea = east_asia(r)
                size = r.font.size.pt if r.font.size else None
                if ea not in FONTS or size not in SIZES:
                    bad.append((r.text[:10], ea, size))
    check(f"{kind}: East Asian font and size in 号 declared on every run ({runs} runs)",
          not bad, str(bad[:5]))

    def first(pred):
        return next((p for p in paras if pred(p)), None)

    title = d.paragraphs[1].runs[0]
    check(f"{kind}: title 方正小标宋简体 小二, 附件1 黑体 三号",
          (east_asia(title), title.font.size.pt) == ("方正小标宋简体", 18.0)
          and (east_asia(d.paragraphs[0].runs[0]), d.paragraphs[0].runs[0].font.size.pt) == ("黑体", 16.0))
    heads = [first(lambda p, h=sec["heading"]: p.text.startswith(h)) for sec in f["sections"]]
    check(f"{kind}: four section headings in 黑体 小四, kept with next",
          all(h is not None and east_asia(h.runs[0]) == "黑体" and h.runs[0].font.size.pt == 12
              and h.paragraph_format.keep_with_next for h in heads))
    name_label = first(lambda p: p.text == "姓名")
    check(f"{kind}: labels in 宋体 小四, centered",
          name_label is not None and east_asia(name_label.runs[0]) == "宋体"
          and name_label.alignment == WD_ALIGN_PARAGRAPH.CENTER)
    body = [p for sec in f["sections"] for p in sec["paragraphs"]]
    # A paragraph cut to keep lines with a heading or the signature continues in a paragraph
    # with first-line indent 0: both parts together are the printed paragraph.
    body_paras = []
    continuations = []
    k = 0
    while k < len(paras) and len(body_paras) < len(body):
        p = paras[k]
        want = body[len(body_paras)]
        if p.text and want.startswith(p.text):
            text = p.text
            j = k + 1
            while text != want and j < len(paras) and paras[j].paragraph_format.first_line_indent == 0:
                text += paras[j].text
                continuations.append(paras[j])
                j += 1
            if text == want:
                body_paras.append(p)
                k = j
                continue
        k += 1
    cont_bad = [p.text[:12] for p in continuations
                if not (p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
                        and all(east_asia(r) == "仿宋_GB2312" and r.font.size.pt == 12 for r in p.runs))]
    check(f"{kind}: {len(continuations)} cut paragraphs continue in 仿宋_GB2312 小四, justified",
          not cont_bad, str(cont_bad[:3]))
    fmt_bad = [p.text[:12] for p in body_paras
               if not (p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
                       and p.paragraph_format.first_line_indent == Pt(24)
                       and p.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
                       and p.paragraph_format.line_spacing == Pt(20)
                       and all(east_asia(r) == "仿宋_GB2312" and r.font.size.pt == 12 for r in p.runs))]
    check(f"{kind}: body text 仿宋_GB2312 小四, justified, exact 20 pt, first line 2 字 ({len(body_paras)} paragraphs)",
          len(body_paras) == len(body) and not fmt_bad, f"{len(body_paras)}/{len(body)} found; bad {fmt_bad[:3]}")
    leads = [p for p in body_paras if p.text.startswith("（一）") or p.text.startswith("案例名称：")]
    check(f"{kind}: 典型做法 / 案例名称 leads in bold",
          all(p.runs[0].bold for p in leads) and (len(leads) >= 1 or not body))
    sig = [p for p in paras if p.text.startswith("推荐单位：") or ns(p.text) == "年月日"]
    check(f"{kind}: 推荐单位： and 年 月 日 right-aligned",
          len(sig) == 2 and all(p.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in sig))

    # --- draft mark, properties, pictures ----------------------------------------------------
    header_text = "" if s.header.is_linked_to_previous else "".join(p.text for p in s.header.paragraphs)
    all_text = "".join(p.text for p in paras)
    if f["ready"]:
        check(f"{kind}: ready — no 草稿 mark", "草稿" not in header_text and "草稿" not in all_text)
    else:
        check(f"{kind}: not ready — 草稿 mark in the header", DRAFT_MARK in header_text, header_text)
    cp = d.core_properties
    check(f"{kind}: document properties (title, author = 推荐单位, dates)",
          CAMPAIGN["form_title"] in (cp.title or "") and (cp.author or "") == f["unit"].strip()
          and cp.created is not None and cp.modified is not None,
          f"{cp.title!r} {cp.author!r} {cp.created}")
    images = [r.target_part for r in d.part.rels.values() if r.reltype.endswith("/image")]
    check(f"{kind}: {f['pictures']} pictures embedded as JPEG",
          len(d.inline_shapes) == f["pictures"] and len(images) == f["pictures"]
          and all(p.content_type == "image/jpeg" and p.partname.endswith(".jpeg") for p in images),
          f"{len(d.inline_shapes)} shapes, {[p.partname for p in images]}")


def audit(f, path):
    r = subprocess.run([str(BIN / "openxml-audit"), "-o", "json", "-m", "0", str(path)],
                       capture_output=True, text=True)
    try:
        data = json.loads(r.stdout)[0]
        errors = data["error_count"]
        detail = "; ".join(e.get("description", str(e))[:120] for e in data.get("errors", [])[:3])
    except Exception as e:  # noqa: BLE001
        errors, detail = -1, f"openxml-audit failed: {e} {r.stderr[-300:]}"
    check(f"{f['kind']}: openxml-audit 0 errors", errors == 0, f"{errors} errors: {detail}")


PAGES = {"empty": (1, 2), "sample": (3, 6), "draft": (3, 6), "pictures": (4, 7),
         "limits": (4, 7), "awkward": (2, 5)}


def render(files):
    pdf_dir = OUT / "pdf"
    pdf_dir.mkdir(exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="tianbao-lo-"))
    try:
        r = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                            "--norestore", "--convert-to", "pdf", "--outdir", str(pdf_dir)]
                           + [str(OUT / f["file"]) for f in files],
                           capture_output=True, text=True, timeout=600)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    for f in files:
        kind = f["kind"]
        pdf = pdf_dir / (Path(f["file"]).stem + ".pdf")
        if not check(f"{kind}: LibreOffice renders it to PDF", pdf.exists(), r.stderr[-300:]):
            continue
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        lo, hi = PAGES[kind]
        check(f"{kind}: {pages} pages (expected {lo}–{hi})", lo <= pages <= hi)
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                              capture_output=True, text=True).stdout
        text = ns(text)
        text = re.sub(r"第\d+页共\d+页", "", text)
        text = text.replace(ns(DRAFT_MARK), "")
        needles = []
        chars = 0
        for sec in f["sections"] + [f["opinion"]]:
            needles.append(sec["heading"] + (sec["limit_label"] if sec is not f["opinion"] else ""))
            needles.extend(sec["paragraphs"])
            chars += sum(len(ns(p)) for p in sec["paragraphs"])
        needles += ["推荐单位：" + f["unit"], "年月日"]
        miss = find_in_order(text, needles)
        check(f"{kind}: PDF text has every character of every section in order ({chars} characters)",
              miss is None, f"missing {miss and miss[0][:40]!r} after offset {miss and miss[1]}")
        check_flow(f, pdf, pages)
        if kind == "sample":
            png = OUT / "png"
            png.mkdir(exist_ok=True)
            subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(png / "sample")])


def page_texts(pdf, pages):
    out = []
    for i in range(1, pages + 1):
        t = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(i), "-l", str(i), str(pdf), "-"],
                           capture_output=True, text=True).stdout
        out.append(re.sub(r"第\d+页共\d+页", "", ns(t)).replace(ns(DRAFT_MARK), ""))
    return out


def used_fraction(pdf, page):
    """How far down the page the lowest ink above the footer reaches (0..1 of the page)."""
    r = subprocess.run(["pdftoppm", "-gray", "-r", "20", "-f", str(page), "-l", str(page), str(pdf)],
                       capture_output=True)
    data = r.stdout
    # PGM: "P5\n<w> <h>\n<max>\n" then bytes.
    parts = data.split(b"\n", 3)
    w, h = map(int, parts[1].split())
    pix = parts[3]
    footer = int(h * 0.08)  # the footer line sits in the bottom 8 % of the page
    lowest = 0
    for y in range(h - footer):
        row = pix[y * w:(y + 1) * w]
        if min(row) < 128:
            lowest = y
    return lowest / h


# A picture (8.5 cm + caption, never split) that does not fit moves whole to the next page;
# the case with three pictures may leave that much.
LINES_LEFT_EMPTY = {"pictures": 14.0}


def check_flow(f, pdf, pages):
    """Page breaks: no heading alone at a page bottom, the signature on a page with opinion
    text, no page before the last left mostly blank."""
    kind = f["kind"]
    texts = page_texts(pdf, pages)
    orphans = []
    for sec in f["sections"]:
        if not sec["paragraphs"]:
            continue
        head = ns(sec["heading"] + sec["limit_label"])
        # At least two lines of the first paragraph (29 + 31 字 less some slack) stay with it.
        start = ns(sec["paragraphs"][0])[:50]
        for t in texts:
            i = t.find(head)
            if i >= 0:
                if t.find(start, i) < 0:
                    orphans.append(sec["heading"])
                break
    check(f"{kind}: every section heading on the same page as the first two lines of its paragraph",
          not orphans, str(orphans))
    if f["opinion"]["paragraphs"]:
        tail = ns(f["opinion"]["paragraphs"][-1])[-10:]
        sig = [t for t in texts if ns("推荐单位：" + f["unit"]) in t]
        check(f"{kind}: 推荐单位： and 年 月 日 on a page with opinion text",
              len(sig) == 1 and tail in sig[0] and "年月日" in sig[0])
    used = [used_fraction(pdf, p) for p in range(1, pages)]
    # Text area ends 25.4 mm above the bottom of a 297 mm page; a line is 20 pt (7.06 mm).
    empty = [max(0.0, (1 - 25.4 / 297 - u) * 297 / 7.06) for u in used]
    limit = LINES_LEFT_EMPTY.get(kind, 5.5)
    check(f"{kind}: no page before the last ends with more than {limit:.0f} empty lines "
          f"({', '.join(f'{e:.1f}' for e in empty)})", all(e <= limit for e in empty))


def first_row(entries):
    """Every 民族 and 政治面貌 (and names up to 8 字) rendered: labels and values one line each;
    a long 政治面貌 in at most two even lines."""
    pdf_dir = OUT / "firstrow-pdf"
    pdf_dir.mkdir(exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="tianbao-lo-"))
    try:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--norestore", "--convert-to", "pdf", "--outdir", str(pdf_dir)]
                       + [str(OUT / e["file"]) for e in entries],
                       capture_output=True, text=True, timeout=900)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    bad = []
    for e in entries:
        pdf = pdf_dir / (Path(e["file"]).stem + ".pdf")
        if not pdf.exists():
            bad.append((e["file"], "not rendered"))
            continue
        text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-f", "1", "-l", "1",
                               str(pdf), "-"], capture_output=True, text=True).stdout
        lines = [ln for ln in text.splitlines() if ln.strip()]
        one_line = [e["name"], e["ethnicity"], e["birth"], "姓名", "出生年月", "民族", "政治面貌"]
        if e["political_short"]:
            one_line.append(e["political"])
        for v in one_line:
            if not any(v in ln.replace(" ", "") for ln in lines):
                bad.append((e["file"], v))
        if not e["political_short"]:
            p = e["political"]
            mid = (len(p) + 1) // 2
            halves = [p[:mid], p[mid:]]
            flat = [ln.replace(" ", "") for ln in lines]
            if not any(p in ln for ln in flat) and not all(any(h in ln for ln in flat) for h in halves):
                bad.append((e["file"], p + " not in two even lines"))
    check(f"first row: {len(entries)} forms (every 民族, every 政治面貌, names up to 8 字) — labels and "
          f"values on one line, long 政治面貌 in two even lines", not bad, str(bad[:6]))


def main():
    files = MANIFEST["files"]
    for f in files:
        path = OUT / f["file"]
        audit(f, path)
        try:
            check_structure(f, path)
        except Exception as e:  # noqa: BLE001
            check(f"{f['kind']}: python-docx read-back", False, repr(e))
        size = path.stat().st_size
        if f["pictures"] == 3:
            check(f"{f['kind']}: three 12 MP photos ({f['photo_bytes'] / 1e6:.1f} MB) give "
                  f"{size / 1e6:.2f} MB < 3 MB", size < 3_000_000)
    render(files)
    first_row(MANIFEST.get("first_row", []))
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
