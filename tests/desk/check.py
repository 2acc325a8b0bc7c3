#!/usr/bin/env python3
"""Checks of the provincial desk's outputs written by tests/desk/run.sh.

Usage: check.py OUT_DIR

OUT_DIR holds manifest.json (the cases, in order), s20.xlsx/.docx (20 同意), s7.xlsx/.docx
(7 同意), pkg/ (the package, part size in pkg.json), killed.txt (the interrupted run).

- 汇总表 .xlsx read back with openpyxl: "附件2", title, the six columns, exactly 20 numbered
  rows (names in order, blank rows after the last case), 省级意见 dropdown 同意/不同意, header
  row repeated when printed, A4 portrait, column widths for Chinese text, 宋体;
- 汇总表 .docx read back with python-docx: "附件2", title, one table 21 × 6 with the labels,
  the header row marked to repeat, 20 numbered rows, the signature and date after the table;
- openxml-audit: 0 errors on both;
- LibreOffice renders both to PDF: every name in order, the signature line after the table;
  pages kept as PNG under OUT_DIR/png for a look;
- the package file by file: names, the photo byte for byte, 视频链接.txt, each zip part under
  the limit, parts together holding every case exactly once, each .eml parsed with Python's
  email package (To, encoded Subject naming the unit and numbered, every case with its link and
  code in the body, the zip attached);

Prints one line per check and "N passed, M failed"; exits 1 on any failure.
"""

import email
import email.policy
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import docx
import openpyxl
from docx.oxml.ns import qn

OUT = Path(sys.argv[1])
M = json.loads((OUT / "manifest.json").read_text(encoding="utf-8"))
CASES = M["cases"]
BIN = Path(sys.executable).parent
COLUMNS = ["序号", "姓名", "所在地区", "从事直播领域", "联系方式", "省级意见（是否同意）"]
ROWS = M["summary_rows"]

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


def in_order(text, needles):
    at = 0
    for n in needles:
        i = text.find(ns(n), at)
        if i < 0:
            return n
        at = i + len(ns(n))
    return None


# ---- xlsx ---------------------------------------------------------------------------------

def check_xlsx(path, n):
    tag = path.name
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    check(f"{tag}: A1 is {M['summary_label']}", ws["A1"].value == M["summary_label"], ws["A1"].value)
    check(f"{tag}: title merged over A2:F2",
          ws["A2"].value == M["summary_title"] and "A2:F2" in [str(r) for r in ws.merged_cells.ranges],
          f"{ws['A2'].value} {ws.merged_cells.ranges}")
    header = [ws.cell(3, c).value for c in range(1, 7)]
    check(f"{tag}: columns", header == COLUMNS, header)
    numbers = [ws.cell(4 + i, 1).value for i in range(ROWS)]
    check(f"{tag}: exactly {ROWS} numbered rows", numbers == list(range(1, ROWS + 1))
          and ws.cell(4 + ROWS, 1).value is None, numbers)
    names = [ws.cell(4 + i, 2).value for i in range(ROWS)]
    want = [c["name"] for c in CASES[:n]]
    check(f"{tag}: names in order, blank after the last case",
          names[:n] == want and all(v in (None, "") for v in names[n:]), names)
    regions = [ws.cell(4 + i, 3).value for i in range(n)]
    check(f"{tag}: 所在地区 in full", regions == [c["region"] for c in CASES[:n]], regions[:2])
    opinions = [ws.cell(4 + i, 6).value for i in range(n)]
    check(f"{tag}: 省级意见 同意", all(o == "同意" for o in opinions), opinions)
    dv = ws.data_validations.dataValidation
    ok = any(d.type == "list" and "同意" in (d.formula1 or "") and "不同意" in (d.formula1 or "")
             and f"F4:F{3 + ROWS}" in str(d.sqref) for d in dv)
    check(f"{tag}: 省级意见 dropdown on F4:F{3 + ROWS}", ok, [(d.type, d.formula1, str(d.sqref)) for d in dv])
    check(f"{tag}: header row repeated when printed", ws.print_title_rows in ("3:3", "$3:$3"),
          ws.print_title_rows)
    check(f"{tag}: A4 portrait", str(ws.page_setup.paperSize) == "9"
          and ws.page_setup.orientation == "portrait",
          f"{ws.page_setup.paperSize} {ws.page_setup.orientation}")
    widths = {c: ws.column_dimensions[c].width for c in "ABCDEF"}
    # A full 所在地区 is ~22 CJK characters ≈ 44 width units.
    check(f"{tag}: column widths set for Chinese text",
          widths["C"] >= 40 and widths["B"] >= 10 and widths["F"] >= 10 and widths["D"] >= 14, widths)
    fonts = {ws.cell(r, c).font.name for r in range(3, 4 + n) for c in range(1, 7)}
    check(f"{tag}: cells in 宋体", fonts == {"宋体"}, fonts)
    texts = [ws.cell(r, c).value for r in range(4 + ROWS, 10 + ROWS) for c in range(1, 7)]
    check(f"{tag}: signature and date after the table",
          "省级推荐单位（盖章）：" in texts and any(t and ns(t) == "年月日" for t in texts), texts)
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        check(f"{tag}: shared strings, no inline strings (WPS)",
              'inlineStr' not in sheet and "xl/sharedStrings.xml" in z.namelist())


# ---- docx ---------------------------------------------------------------------------------

def check_docx(path, n):
    tag = path.name
    d = docx.Document(str(path))
    paras = [p.text for p in d.paragraphs]
    check(f"{tag}: 附件2 and the title first", paras[:2] == [M["summary_label"], M["summary_title"]], paras[:3])
    check(f"{tag}: one table", len(d.tables) == 1, len(d.tables))
    t = d.tables[0]
    check(f"{tag}: {ROWS + 1} rows × 6 columns", len(t.rows) == ROWS + 1 and len(t.columns) == 6,
          f"{len(t.rows)} × {len(t.columns)}")
    check(f"{tag}: labels", [c.text.replace("\n", "") for c in t.rows[0].cells] == COLUMNS,
          [c.text for c in t.rows[0].cells])
    trpr = t.rows[0]._tr.trPr
    check(f"{tag}: header row repeats on every page",
          trpr is not None and trpr.find(qn("w:tblHeader")) is not None)
    numbers = [t.rows[i + 1].cells[0].text for i in range(ROWS)]
    check(f"{tag}: numbered 1–{ROWS}", numbers == [str(i) for i in range(1, ROWS + 1)], numbers)
    names = [t.rows[i + 1].cells[1].text for i in range(ROWS)]
    check(f"{tag}: names in order, blank rows after",
          names[:n] == [c["name"] for c in CASES[:n]] and all(x == "" for x in names[n:]), names)
    body = d.element.body
    kinds = [c.tag for c in body.iterchildren()]
    tbl_at = kinds.index(qn("w:tbl"))
    after = [docx.text.paragraph.Paragraph(c, d).text for c in list(body.iterchildren())[tbl_at + 1:]
             if c.tag == qn("w:p")]
    check(f"{tag}: 省级推荐单位（盖章）： and 年 月 日 after the table",
          "省级推荐单位（盖章）：" in after and any(ns(a) == "年月日" for a in after), after)
    s = d.sections[0]
    check(f"{tag}: A4", abs(s.page_width.mm - 210) < 0.5 and abs(s.page_height.mm - 297) < 0.5)
    fonts = set()
    for r in t.rows:
        for c in r.cells:
            for p in c.paragraphs:
                for run in p.runs:
                    rpr = run._element.rPr
                    if rpr is not None and rpr.rFonts is not None:
                        fonts.add(rpr.rFonts.get(qn("w:eastAsia")))
    check(f"{tag}: Chinese fonts declared on the runs", fonts and fonts <= {"仿宋_GB2312", "黑体", "宋体"}, fonts)


def audit(path):
    r = subprocess.run([str(BIN / "openxml-audit"), "-o", "json", "-m", "0", str(path)],
                       capture_output=True, text=True)
    try:
        data = json.loads(r.stdout)[0]
        errors = data["error_count"]
        detail = "; ".join(e.get("description", str(e))[:160] for e in data.get("errors", [])[:3])
    except Exception as e:  # noqa: BLE001
        errors, detail = -1, f"openxml-audit failed: {e} {r.stdout[-200:]} {r.stderr[-300:]}"
    check(f"{path.name}: openxml-audit 0 errors", errors == 0, f"{errors} errors: {detail}")


def render(paths, ns_by_file):
    png_dir = OUT / "png"
    png_dir.mkdir(exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="tianbao-lo-"))
    errs = ""
    try:
        # One folder per extension: s20.docx and s20.xlsx would both become s20.pdf.
        for ext in sorted({p.suffix for p in paths}):
            pdf_dir = OUT / "pdf" / ext.lstrip(".")
            pdf_dir.mkdir(parents=True, exist_ok=True)
            r = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                                "--norestore", "--convert-to", "pdf", "--outdir", str(pdf_dir)]
                               + [str(p) for p in paths if p.suffix == ext],
                               capture_output=True, text=True, timeout=600)
            errs += r.stderr[-300:]
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    for p in paths:
        pdf = OUT / "pdf" / p.suffix.lstrip(".") / (p.stem + ".pdf")
        if not check(f"{p.name}: LibreOffice renders it to PDF", pdf.exists(), errs):
            continue
        text = ns(subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"],
                                 capture_output=True, text=True).stdout)
        n = ns_by_file[p.name]
        # A name longer than its column (5 字 in the .docx) wraps: its first line is looked for.
        needles = [M["summary_title"]] + COLUMNS[:2] + [c["name"][:4] for c in CASES[:n]] \
            + [str(ROWS), "省级推荐单位（盖章）："]
        miss = in_order(text, needles)
        check(f"{p.name}: PDF has every name in order, the signature after the table",
              miss is None, f"missing {miss!r}")
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        check(f"{p.name}: one page (the stamp on the page of the table)", pages == 1, pages)
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(png_dir / p.name.replace(".", "-"))])


# ---- package ------------------------------------------------------------------------------

def check_package():
    pkg = OUT / "pkg"
    meta = json.loads((OUT / "pkg.json").read_text(encoding="utf-8"))
    limit = meta["part_bytes"]
    out = meta["outcome"]
    n = len(CASES)
    top = sorted(p.name for p in pkg.iterdir())
    want = [f"{M['summary_label']}_{M['summary_title']}_{M['unit']}.xlsx",
            f"{M['summary_label']}_{M['summary_title']}_{M['unit']}.docx", "材料清单.xlsx", "邮件"]
    want += [f"{i + 1:02d}_{c['name']}" for i, c in enumerate(CASES)]
    check("package: top-level names", sorted(want) == top, f"{top}")
    blobs = OUT / "desk" / "tianbao-files"
    for i, c in enumerate(CASES):
        folder = pkg / f"{i + 1:02d}_{c['name']}"
        names = sorted(p.name for p in folder.iterdir())
        exp = sorted([f"{i + 1:02d}_{c['name']}_推荐表.docx", "个人形象照片.jpg", "身份证_人像面.jpg",
                      "身份证_国徽面.jpg", "视频链接.txt"])
        check(f"package: {folder.name}/ holds {len(exp)} files", names == exp, names)
        got = hashlib.sha256((folder / "个人形象照片.jpg").read_bytes()).hexdigest()
        check(f"package: {folder.name} photo byte-exact", got == c["photo_sha256"], got)
        link = (folder / "视频链接.txt").read_text(encoding="utf-8")
        check(f"package: {folder.name} 视频链接.txt", c["link"] in link and c["code"] in link, link)
    wb = openpyxl.load_workbook(pkg / "材料清单.xlsx")
    ws = wb.worksheets[0]
    check("材料清单: one row per case", ws.max_row == n + 1 and ws.cell(2, 2).value == CASES[0]["name"],
          ws.max_row)
    parts = out["parts"]
    seen = {}
    for p in parts:
        z = pkg / p["zip"]
        size = z.stat().st_size
        check(f"{p['zip']}: {size} bytes ≤ {limit}", size <= limit)
        with zipfile.ZipFile(z) as zf:
            check(f"{p['zip']}: zip test ok", zf.testzip() is None)
            for name in zf.namelist():
                if "/" in name:
                    seen.setdefault(name.split("/")[0], set()).add(p["number"])
        msg = email.message_from_bytes((pkg / p["eml"]).read_bytes(), policy=email.policy.default)
        check(f"{p['eml']}: To {M['email']}", M["email"] in str(msg["To"]), str(msg["To"]))
        subj = str(msg["Subject"])
        num_ok = p["of"] == 1 or f"第{p['number']}封，共{p['of']}封" in subj
        check(f"{p['eml']}: subject names the unit and is numbered", M["unit"] in subj and num_ok, subj)
        body = msg.get_body(preferencelist=("plain",)).get_content()
        missing = [c["name"] for c in CASES if not (c["name"] in body and c["link"] in body
                                                    and c["code"] in body)]
        check(f"{p['eml']}: body lists every case with link and code", not missing, missing)
        atts = [a for a in msg.iter_attachments()]
        ok = len(atts) == 1 and atts[0].get_filename() == Path(p["zip"]).name \
            and atts[0].get_content() == z.read_bytes()
        check(f"{p['eml']}: the zip attached byte for byte", ok, [a.get_filename() for a in atts])
    folders = [f"{i + 1:02d}_{c['name']}" for i, c in enumerate(CASES)]
    check(f"parts together hold every case exactly once ({len(parts)} parts)",
          sorted(seen) == sorted(folders) and all(len(v) == 1 for v in seen.values()),
          {k: sorted(v) for k, v in seen.items() if len(v) != 1})
    check("more than one part at this limit", len(parts) > 1, len(parts))


def main():
    check_xlsx(OUT / "s20.xlsx", 20)
    check_xlsx(OUT / "s7.xlsx", 7)
    check_docx(OUT / "s20.docx", 20)
    check_docx(OUT / "s7.docx", 7)
    for p in ["s20.docx", "s7.docx", "s20.xlsx"]:
        audit(OUT / p)
    render([OUT / "s20.docx", OUT / "s7.docx", OUT / "s20.xlsx", OUT / "s7.xlsx"],
           {"s20.docx": 20, "s7.docx": 7, "s20.xlsx": 20, "s7.xlsx": 7})
    check_package()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
