#!/usr/bin/env bash
# End-to-end checks of the provincial desk through the CLI (tests/desk/check.py does the reading):
#   1. examples/desk_fixture writes a database of 20 complete cases with materials;
#   2. the CLI sets the unit, imports a 案例库 list (csv, GBK) and an xlsx converted to .xls and
#      .ods by LibreOffice, sees the flag and the near miss, overrides the flag with a reason,
#      sets 同意 on all 20 (21 refused), writes the 汇总表 with 20 and with 7 rows (xlsx + docx),
#      writes the package in parts, and is killed half-way through a second package;
#   3. check.py reads everything back (openpyxl, python-docx, openxml-audit, LibreOffice, email).
# Rendered pages stay in $OUT/png for a look.
# Needs what tests/docx/run.sh needs, plus the pip package openpyxl (installed into the venv).
# Environment: CARGO_TARGET_DIR (default ./target), DESK_TEST_OUT (default $target/desk-test),
#   DOCX_VENV (default $target/docx-venv, shared with tests/docx).
# Last line of output: "N passed, M failed"; exit status 1 on any failure.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
out=${DESK_TEST_OUT:-$target/desk-test}
venv=${DOCX_VENV:-$target/docx-venv}

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok    $1"; }
bad() { failed=$((failed + 1)); echo "FAIL  $1"; [ -n "${2:-}" ] && echo "      $2"; }
fail() { echo "FAIL  $1"; echo "$passed passed, $((failed + 1)) failed"; exit 1; }

for tool in python3 soffice pdftotext pdfinfo pdftoppm; do
    command -v "$tool" >/dev/null || fail "$tool not found (see scripts/install-deps.sh)"
done
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" || fail "python3 -m venv failed (apt-get install python3-venv)"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check \
    "python-docx==1.2.0" "openxml-audit==0.8.0" "openpyxl==3.1.5" || fail "pip install"

rm -rf "$out" && mkdir -p "$out"
(cd "$root" && CARGO_TARGET_DIR="$target" cargo build -q --bin tianbao --example desk_fixture) \
    || fail "cargo build (tianbao, desk_fixture)"
"$target/debug/examples/desk_fixture" "$out/desk" 20 >/dev/null || fail "desk_fixture"
cp "$out/desk/manifest.json" "$out/manifest.json"
export TIANBAO_DB="$out/desk/tianbao.db"
tb() { "$target/debug/tianbao" "$@"; }
ids=$("$venv/bin/python" -c 'import json,sys; print(" ".join(c["id"] for c in json.load(open(sys.argv[1]))["cases"]))' "$out/manifest.json")
set -- $ids

tb unit 贵州 >/dev/null && [ "$(tb unit --json | tr -d ' \n')" = '{"unit":"贵州省"}' ] \
    && ok "unit 贵州 → 贵州省" || bad "unit"
tb unit 台江县 2>"$out/err.txt"; [ $? -eq 2 ] && grep -q "不是可报送的单位" "$out/err.txt" \
    && ok "unit: a county is refused in Chinese" || bad "unit refusal" "$(cat "$out/err.txt")"

# The 案例库 list: 王芳 of 雷山县 (case 2) is in it, 李明 only elsewhere, in GBK.
printf '2023年农村直播电商案例库名单\n\n序号,姓名,所在地区,联系方式,年份\n1,王 芳,贵州省黔东南州雷山,,2023\n2,李明,山东省临沂市兰陵县,,2023\n' \
    | iconv -f UTF-8 -t GBK > "$out/lib.csv"
tb library import "$out/lib.csv" > "$out/import.txt" && grep -q "2 人" "$out/import.txt" \
    && grep -q "GBK" "$out/import.txt" && ok "library import: csv in GBK, header on row 3" \
    || bad "library import csv" "$(cat "$out/import.txt")"
tb library check --json > "$out/check.json"
"$venv/bin/python" - "$out/check.json" <<'PY' && ok "library check: 王芳 flagged (同名同县), 李明 a near miss" || bad "library check"
import json, sys
d = json.load(open(sys.argv[1]))
by = {c["name"]: c for c in d["cases"]}
assert by["王芳"]["library_flag"] and by["王芳"]["library"][0]["kind"] == "name_county", by["王芳"]
assert not by["李明"]["library_flag"] and by["李明"]["library"][0]["kind"] == "near_miss", by["李明"]
assert sum(c["library_flag"] for c in d["cases"]) == 1
PY
# The same list as .xlsx → .xls and .ods through LibreOffice, imported again (replaces).
"$venv/bin/python" - "$out/lib.xlsx" <<'PY'
import openpyxl, sys
wb = openpyxl.Workbook(); ws = wb.active
ws.append(["2023年案例库"]); ws.merge_cells("A1:D1"); ws.append([])
ws.append(["序号", "姓名", "地区", "联系电话"])
ws.append([1, "王芳", "雷山县", 13900001001]); ws.append([2, "赵六", "某县", "0855-1234567"])
wb.create_sheet("说明")["A1"] = "说明"
wb.save(sys.argv[1])
PY
lo_profile=$(mktemp -d)
soffice "-env:UserInstallation=file://$lo_profile" --headless --norestore --convert-to xls \
    --outdir "$out" "$out/lib.xlsx" >/dev/null 2>&1
soffice "-env:UserInstallation=file://$lo_profile" --headless --norestore --convert-to ods \
    --outdir "$out" "$out/lib.xlsx" >/dev/null 2>&1
rm -rf "$lo_profile"
for f in lib.xls lib.ods lib.xlsx; do
    tb library import "$out/$f" > "$out/import.txt" 2>&1 && grep -q "已导入案例库名单：2 人（原有 2 人" "$out/import.txt" \
        && ok "library import $f (replaces, with the count)" || bad "library import $f" "$(cat "$out/import.txt")"
done
cp "$out/lib.xlsx" "$out/lib.et"; head -c 3000 "$out/lib.xlsx" > "$out/broken.xlsx"
tb library import "$out/broken.xlsx" 2>"$out/err.txt"; [ $? -eq 2 ] && grep -q "已损坏" "$out/err.txt" \
    && ok "library import: a broken file gives a message" || bad "broken file" "$(cat "$out/err.txt")"
tb library import "$out/lib.et" >/dev/null 2>&1 && ok "library import: an .et that is really xlsx is read" \
    || bad ".et"
# 王芳 matches by name+county and phone now; override with a reason.
tb library override "$2" --reason "" 2>/dev/null && bad "override without reason accepted" \
    || ok "override needs a reason"
tb library override "$2" --reason "名单中是同名的另一人（身份证号不同）" >/dev/null && ok "override with a reason"

# 21 cases would be over the quota: the fixture has 20; add one by copying case 1's JSON.
tb case export-json "$1" > "$out/c21.json"
"$venv/bin/python" - "$out/c21.json" <<'PY'
import json, sys, uuid
c = json.load(open(sys.argv[1])); c["id"] = str(uuid.uuid4()); c["person"]["name"] = "罗兰"
c["person"]["phone"] = "13900009999"; json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
id21=$(tb case import-json "$out/c21.json" --json | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for id in "$@" "$id21"; do tb opinion "$id" 同意 >/dev/null; done
tb opinion "$id21" 同意 | grep -q "同意 21 / 20" && ok "counter 同意 21 / 20" || bad "counter 21"
tb summary -o "$out/s21.xlsx" 2>"$out/err.txt"; [ $? -eq 2 ] && grep -q "超过" "$out/err.txt" \
    && ok "21 同意: 汇总表 refused" || bad "21 refused" "$(cat "$out/err.txt")"
tb package -o "$out/pkg21" 2>"$out/err.txt"; [ $? -eq 2 ] && [ ! -e "$out/pkg21" ] \
    && ok "21 同意: package refused, nothing written" || bad "package 21" "$(cat "$out/err.txt")"
tb opinion "$id21" 不同意 | grep -q "同意 20 / 20" && ok "counter 同意 20 / 20" || bad "counter 20"
tb summary -o "$out/s20.xlsx" >/dev/null && tb summary -o "$out/s20.docx" >/dev/null \
    && ok "汇总表 with 20 rows written" || bad "summary 20"
shift 7
for id in "$@"; do tb opinion "$id" 不同意 >/dev/null; done
tb summary -o "$out/s7.xlsx" >/dev/null && tb summary -o "$out/s7.docx" | grep -q "少于名额" \
    && ok "汇总表 with 7 (fewer warns)" || bad "summary 7"
for id in "$@"; do tb opinion "$id" 同意 >/dev/null; done

part=3000000
tb package -o "$out/pkg" --part-size 3MB --json > "$out/pkg.out" 2>"$out/err.txt" \
    && ok "package written" || bad "package" "$(tail -5 "$out/err.txt")"
"$venv/bin/python" -c 'import json,sys; json.dump({"part_bytes": int(sys.argv[2]), "outcome": json.load(open(sys.argv[1]))}, open(sys.argv[3], "w"), ensure_ascii=False)' \
    "$out/pkg.out" "$part" "$out/pkg.json"

# Killed half-way: as soon as its temp folder shows, kill -9.
# (the binary itself in the background, not the shell function: $! must be tianbao's own pid)
"$target/debug/tianbao" package -o "$out/pkg-killed" >/dev/null 2>&1 &
pid=$!
seen=none
for _ in $(seq 1 400); do
    if compgen -G "$out/.pkg-killed.partial-*/01_*" >/dev/null; then seen=partial; break; fi
    sleep 0.01
done
kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
sleep 0.5
echo "$out/pkg-killed $seen" > "$out/killed.txt"
[ "$seen" = partial ] && [ ! -e "$out/pkg-killed" ] \
    && ok "package killed half-way: nothing under the final name" || bad "killed package" "$seen"
# A new run cleans the killed run's temp folder and writes the package.
tb package -o "$out/pkg-killed" >/dev/null 2>&1 && [ -d "$out/pkg-killed" ] \
    && ! compgen -G "$out/.pkg-killed.partial-*" >/dev/null \
    && ok "a new run cleans the killed run's temp folder" || bad "rerun after kill"

echo "$passed passed, $failed failed (shell steps)"
export FONTCONFIG_FILE="$root/tests/docx/fonts.conf"
"$venv/bin/python" "$here/check.py" "$out"
py=$?
[ $failed -eq 0 ] && [ $py -eq 0 ]
