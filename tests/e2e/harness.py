"""Starting, finding, closing and killing the real app for the end-to-end tests.

The app is started by tauri-driver (which starts WebKitWebDriver, which starts the app with the
arguments given in `tauri:options`). Each test names its own database with `--db FILE`; the
environment of tauri-driver (TIANBAO_DB, DISPLAY, …) is passed through to the app.
"""

import os
import signal
import subprocess
import time

from wd import Session, WebDriverError

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DRIVER = os.environ.get("TAURI_DRIVER_URL", "http://127.0.0.1:4444")
APP = os.environ.get("TIANBAO_APP", os.path.join(ROOT, "target", "debug", "tianbao-app"))
CLI = os.environ.get("TIANBAO_CLI", os.path.join(ROOT, "target", "debug", "tianbao"))
SHOTS = os.environ.get("E2E_SCREENSHOTS", os.path.join(ROOT, "out", "screenshots"))
SESSION_TIMEOUT = float(os.environ.get("E2E_SESSION_TIMEOUT", "60"))


class App:
    """One run of the app on one database."""

    def __init__(self, db=None, args=None, wait_ready=True):
        self.db = db
        argv = list(args or [])
        if db:
            argv = ["--db", db] + argv
        caps = {"alwaysMatch": {"tauri:options": {"application": APP, "args": argv}}}
        t0 = time.monotonic()
        self.s = Session(DRIVER, caps, timeout=SESSION_TIMEOUT)
        self.session_s = time.monotonic() - t0
        self.ready_s = None
        if wait_ready:
            self.s.wait(
                lambda: self.s.js("return document.body.dataset.ready === 'true' || !document.getElementById('fatal').hidden"),
                timeout=20,
                what="界面就绪",
            )
            self.ready_s = time.monotonic() - t0

    # --- the process ---
    def pid(self):
        """The app's process id: the process running APP whose arguments name our database."""
        want = os.path.realpath(APP)
        found = []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                exe = os.readlink(f"/proc/{d}/exe")
                with open(f"/proc/{d}/cmdline", "rb") as f:
                    argv = f.read().split(b"\0")
            except OSError:
                continue
            if exe.replace(" (deleted)", "") != want:
                continue
            if self.db is None or self.db.encode() in argv:
                found.append(int(d))
        if len(found) != 1:
            raise AssertionError(f"应有一个应用进程，找到 {found}")
        return found[0]

    def kill9(self):
        pid = self.pid()
        os.kill(pid, signal.SIGKILL)
        for _ in range(100):
            if not os.path.exists(f"/proc/{pid}") or _zombie(pid):
                break
            time.sleep(0.05)
        self.s.delete(timeout=15)
        return pid

    def quit(self):
        """Ends the WebDriver session, which closes the app the way tauri-driver does."""
        pid = None
        try:
            pid = self.pid()
        except AssertionError:
            pass
        self.s.delete(timeout=30)
        if pid:
            for _ in range(100):
                if not os.path.exists(f"/proc/{pid}") or _zombie(pid):
                    return True
                time.sleep(0.05)
            return False
        return True

    # --- the page ---
    def __getattr__(self, name):
        return getattr(self.s, name)


def _zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True


def rust_count(text):
    """字数 of `text` by the core's CLI (`tianbao count -`), or None when the CLI has no such
    command yet."""
    if not os.path.exists(CLI):
        return None
    try:
        p = subprocess.run([CLI, "count", "-"], input=text.encode(), capture_output=True, timeout=30)
    except OSError:
        return None
    if p.returncode != 0:
        return None
    import re

    out = p.stdout.decode()
    m = re.search(r"(\d+)", out)
    return int(m.group(1)) if m else None


def shot(app, name, width=1366, height=768):
    os.makedirs(SHOTS, exist_ok=True)
    try:
        app.set_window_size(width, height)
    except WebDriverError:
        pass
    time.sleep(0.3)
    return app.screenshot(os.path.join(SHOTS, name))


# --- page helpers shared by the tests -----------------------------------------------------------

def field(app, path):
    return app.find(f'[data-path="{path}"]')


def new_case(app):
    app.find("#new-case").click()
    app.wait(lambda: app.js("return !document.getElementById('editor-view').hidden"), what="编辑页")
    app.wait(lambda: app.find("#counter-practices .words").text, what="计数器")


def set_value(app, path, value):
    """Sets a field as a paste would (value + input/change events) — for long texts and selects."""
    ok = app.js(
        "const el = document.querySelector(`[data-path=\"${arguments[0]}\"]`);"
        "if (!el) return false;"
        "el.focus(); el.value = arguments[1];"
        "el.dispatchEvent(new Event('input', {bubbles: true}));"
        "el.dispatchEvent(new Event('change', {bubbles: true}));"
        "return true;",
        path,
        value,
    )
    assert ok, f"没有字段 {path}"


def counter(app, key):
    """The counter as shown: (words shown, text, is red)."""
    el = app.find(f"#counter-{key}")
    text = app.find(f"#counter-{key} .words").text
    bad = app.js("return document.getElementById(arguments[0]).classList.contains('bad')", f"counter-{key}")
    import re

    m = re.match(r"(\d+) /", text)
    return (int(m.group(1)) if m else None, text, bad, el)


def wait_saved(app, timeout=5):
    return app.wait(
        lambda: (app.find("#save-state").text or "").startswith("已保存"),
        timeout=timeout,
        what="“已保存”",
    )


def open_first(app):
    app.wait(lambda: app.find_all("#case-rows tr .open"), what="案例列表中的案例")
    app.find("#case-rows tr .open").click()
    app.wait(lambda: app.js("return !document.getElementById('editor-view').hidden"), what="编辑页")
    app.wait(lambda: app.find("#counter-practices .words").text, what="计数器")


def back_to_list(app):
    app.find("#back").click()
    app.wait(lambda: app.js("return !document.getElementById('list-view').hidden"), what="案例列表")


# A complete, valid case (every required field; opinion ≥ 400 字).
OPINION = (
    "该同志扎根农村一线，长期坚持以直播带动特色农产品销售，带领周边农户增收致富，"
    "在当地形成了良好的示范效应。"
) * 9
VALID = {
    "person.name": "李明",
    "person.birth_year": "1988",
    "person.birth_month": "5",
    "person.ethnicity": "苗族",
    "person.political_status": "群众",
    "person.phone": "13800138000",
    "region.province": "贵州省",
    "region.city": "黔东南苗族侗族自治州",
    "region.county": "台江县",
    "region.township": "施洞镇",
    "region.village": "偏寨村",
    "business.field": "非遗手工艺",
    "business.team_size": "12",
    "business.account_name": "苗绣阿妹",
    "business.followers": "12.5万",
    "business.years": "5",
    "business.annual_revenue": "1260",
    "recommender.unit": "台江县人民政府",
    "recommender.leader": "王五",
    "recommender.phone": "0855-1234567",
    "intro.title": "李明：助农直播让非物质文化遗产“活”起来",
    "intro.basics": "李明是贵州省台江县施洞镇偏寨村村民，2019年开始做苗绣直播。",
    "intro.feature": "以直播带动绣娘居家就业。",
    "practices.0.highlight": "请传承人走进直播间，讲好非遗故事。",
    "practices.0.text": "每周三场直播，由绣娘现场讲解针法。",
    "results": "带动120名绣娘年均增收1.2万元。",
    "lessons": "非遗产品要把故事讲好，把品质做稳。",
    "opinion": OPINION,
}


def fill_valid(app):
    for path, value in VALID.items():
        set_value(app, path, value)
    app.find('input[type=checkbox][value="抖音"]').click()
