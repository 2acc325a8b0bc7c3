#!/usr/bin/env python3
"""Checks the installer built by scripts/package.sh, as a clerk's PC would get it:

    python3 tests/package/check_deb.py out/tianbao_0.1.0_amd64.deb

- `dpkg-deb -I`: package name, version, Depends exactly those of WebKitGTK 4.1, size ≤ 8 MiB;
- `dpkg-deb -c`: /usr/bin/tianbao-app, /usr/bin/tianbao (the CLI), the menu entry, the icons in
  every size, the licence;
- the menu entry: Name[zh_CN]=案例填报助手, Categories Office, Exec the installed binary;
- `dpkg -x` into a throw-away root; the installed CLI and app answer --version; the CLI fills a
  database; the installed app, started under its own Xvfb (1366×768) through tauri-driver,
  shows those cases in its list, its window within the screen; a screenshot in
  out/screenshots/package-installed.png.
Needs Xvfb, tools/bin/tauri-driver and WebKitWebDriver (scripts/install-deps.sh test).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))

MAX_BYTES = 8 * 1024 * 1024
# What WebKitGTK 4.1 needs, and nothing else (GTK 3 is itself a dependency of WebKitGTK).
WANT_DEPENDS = {"libwebkit2gtk-4.1-0", "libgtk-3-0"}
ICON_SIZES = ["32x32", "64x64", "128x128", "256x256@2", "512x512"]


def run(*cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)
    if p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} 失败（{p.returncode}）：{p.stderr.strip()}")
    return p.stdout


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print(f"  ok  {what}")


def control(deb):
    info = run("dpkg-deb", "-I", deb)
    fields = {}
    for line in info.splitlines():
        m = re.match(r"^ ([A-Za-z-]+): (.*)$", line)
        if m:
            fields[m.group(1)] = m.group(2).strip()
    return info, fields


def main():
    deb = os.path.abspath(sys.argv[1])
    size = os.path.getsize(deb)
    print(f"{deb}: {size / 1024 / 1024:.2f} MiB")
    check(size <= MAX_BYTES, f"安装包 {size / 1024 / 1024:.2f} MiB ≤ 8 MiB")

    info, f = control(deb)
    check(f.get("Package") == "tianbao", f"Package: tianbao（{f.get('Package')}）")
    check(bool(f.get("Version")), f"Version: {f.get('Version')}")
    deps = {d.strip().split(" ")[0] for d in f.get("Depends", "").split(",") if d.strip()}
    check(deps == WANT_DEPENDS, f"Depends 恰为 WebKitGTK 4.1 所需：{sorted(deps)}")

    listing = run("dpkg-deb", "-c", deb)
    paths = {line.split()[-1].lstrip(".") for line in listing.splitlines() if line.strip()}
    for p in ["/usr/bin/tianbao-app", "/usr/bin/tianbao", "/usr/share/doc/tianbao/copyright"]:
        check(p in paths, f"包内有 {p}")
    desktops = [p for p in paths if p.startswith("/usr/share/applications/") and p.endswith(".desktop")]
    check(len(desktops) == 1, f"一个菜单项 {desktops}")
    icons = [p for p in paths if p.startswith("/usr/share/icons/hicolor/")]
    for s in ICON_SIZES:
        check(any(f"/{s}/apps/" in p for p in icons), f"{s} 图标")

    root = tempfile.mkdtemp(prefix="tianbao-deb-root-")
    try:
        run("dpkg", "-x", deb, root)
        desktop = open(root + desktops[0], encoding="utf-8").read()
        check("Name[zh_CN]=案例填报助手" in desktop, "菜单项 Name[zh_CN]=案例填报助手")
        check(re.search(r"^Categories=.*\bOffice\b", desktop, re.M) is not None, "菜单项在 Office（办公）类")
        check(re.search(r"^Exec=tianbao-app\s*$", desktop, re.M) is not None, "Exec=tianbao-app")
        icon = re.search(r"^Icon=(.*)$", desktop, re.M).group(1)
        check(any(os.path.basename(p).startswith(icon) for p in icons), f"Icon={icon} 在包内")
        lic = open(root + "/usr/share/doc/tianbao/copyright", encoding="utf-8").read()
        check("MIT License" in lic, "许可证 (MIT)")

        app = root + "/usr/bin/tianbao-app"
        cli = root + "/usr/bin/tianbao"
        v = f["Version"]
        check(v in run(cli, "--version"), f"tianbao --version → {v}")
        check(v in run(app, "--version"), f"tianbao-app --version → {v}")

        db = os.path.join(root, "data", "cases.db")
        names = ["安装测试甲", "安装测试乙", "安装测试丙"]
        for n in names:
            case = json.loads(run(cli, "--db", db, "--json", "case", "new"))
            cid = case["id"] if "id" in case else case["case"]["id"]
            exported = json.loads(run(cli, "--db", db, "case", "export-json", cid))
            exported["person"]["name"] = n
            src = os.path.join(root, "case.json")
            with open(src, "w", encoding="utf-8") as fh:
                json.dump(exported, fh, ensure_ascii=False)
            run(cli, "--db", db, "case", "import-json", src)
        listed = run(cli, "--db", db, "cases", "list")
        check(all(n in listed for n in names), "已安装的命令行写入并列出 3 个案例")
        see_the_list(app, cli, db, names, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("安装包检查通过")


def see_the_list(app, cli, db, names, root):
    n = next(k for k in range(120, 90, -1) if not os.path.exists(f"/tmp/.X{k}-lock"))
    xvfb = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        os.environ["DISPLAY"] = f":{n}"
        end = time.monotonic() + 15
        while subprocess.run(["xdpyinfo"], capture_output=True).returncode != 0:
            if time.monotonic() > end:
                raise AssertionError("Xvfb 没有启动")
            time.sleep(0.2)
        import harness

        harness.APP = app
        harness.CLI = cli
        os.environ["XDG_CONFIG_HOME"] = os.path.join(root, "config")  # no saved window size
        a = harness.App(db=db, log_dir=root)
        try:
            a.wait(lambda: all(x in harness.rows_text(a) for x in names), timeout=20, what="列表中的 3 个案例")
            check(True, "安装后的程序显示案例列表")
            rect = a.cmd("GET", "/window/rect")
            check(rect["width"] <= 1366 and rect["height"] <= 768 and rect["x"] >= 0 and rect["y"] >= 0,
                  f"窗口在 1366×768 屏幕之内：{rect}")
            shots = os.path.join(ROOT, "out", "screenshots")
            os.makedirs(shots, exist_ok=True)
            out = os.path.join(shots, "package-installed.png")
            time.sleep(0.5)
            subprocess.run(["import", "-window", "root", out], check=True, timeout=30)
            check(os.path.getsize(out) > 10_000, f"截图 {out}")
        finally:
            a.stop()
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)


if __name__ == "__main__":
    main()
