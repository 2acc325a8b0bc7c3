"""Starting, finding, closing and killing the real app for the end-to-end tests.

Every run of the app gets a tauri-driver of its own (and so a WebKitWebDriver of its own) on
free local ports: WebKitWebDriver keeps one session at a time and does not recover cleanly when
the app under it is killed with SIGKILL, so nothing is shared between two runs. The app inherits
the environment of its tauri-driver: each run names its database with TIANBAO_DB there (and the
tests check that it arrives), or with `--db FILE` in `tauri:options.args`.
"""

import os
import signal
import socket
import subprocess
import time
import urllib.request

from wd import Session, WebDriverError

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
APP = os.environ.get("TIANBAO_APP", os.path.join(ROOT, "target", "debug", "tianbao-app"))
CLI = os.environ.get("TIANBAO_CLI", os.path.join(ROOT, "target", "debug", "tianbao"))
# Fills a database with N copies of the sample case (examples/seed_cases.rs, built by scripts/test.sh).
SEED = os.environ.get("TIANBAO_SEED", os.path.join(os.path.dirname(CLI), "examples", "seed_cases"))
TAURI_DRIVER = os.environ.get("TAURI_DRIVER", os.path.join(ROOT, "tools", "bin", "tauri-driver"))
SHOTS = os.environ.get("E2E_SCREENSHOTS", os.path.join(ROOT, "out", "screenshots"))
SESSION_TIMEOUT = float(os.environ.get("E2E_SESSION_TIMEOUT", "60"))
LOGS = os.environ.get("E2E_LOGS", "")


_used_ports = set()


def _free_port():
    """A free local port, never one handed out before in this run (a port of a driver that was
    just stopped may still be held by a dying process)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _used_ports:
            _used_ports.add(port)
            return port


class Driver:
    """tauri-driver in a process group of its own; stop() ends it and everything under it."""

    def __init__(self, env_extra, log_path):
        if not os.environ.get("DISPLAY"):
            raise AssertionError("没有 DISPLAY：tauri-driver 需要图形显示（scripts/test.sh 会启动 Xvfb）")
        self.port = _free_port()
        native = _free_port()
        env = dict(os.environ)
        env.setdefault("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
        env.update(env_extra)
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen(
            [TAURI_DRIVER, "--port", str(self.port), "--native-port", str(native)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        # scripts/test.sh kills these groups at the end even if this process was killed.
        pgid_file = os.environ.get("E2E_PGID_FILE")
        if pgid_file:
            with open(pgid_file, "a") as f:
                f.write(f"{self.proc.pid}\n")
        self.url = f"http://127.0.0.1:{self.port}"
        end = time.monotonic() + 20
        while True:
            # Ready when both tauri-driver and the WebKitWebDriver behind it answer.
            try:
                with urllib.request.urlopen(self.url + "/status", timeout=2):
                    pass
                with urllib.request.urlopen(f"http://127.0.0.1:{native}/status", timeout=2):
                    break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > end:
                    self.stop()
                    raise AssertionError(f"tauri-driver 没有启动（日志 {log_path}）") from None
                time.sleep(0.1)

    def stop(self):
        if self.proc.poll() is None:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(self.proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.proc.wait(timeout=3)
                    break
                except subprocess.TimeoutExpired:
                    continue
        # WebKitWebDriver and the app may outlive tauri-driver in its group: end the group.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.log.close()


class App:
    """One run of the app on one database (TIANBAO_DB in its environment, or --db)."""

    def __init__(self, db=None, env_db=None, args=None, wait_ready=True, log_dir=None, extra_env=None, env=None, app=None):
        self.db = db
        self.env_db = env_db
        self.app_path = app or APP
        argv = list(args or [])
        if db:
            argv = ["--db", db] + argv
        env = dict(env or {})
        if env_db:
            env["TIANBAO_DB"] = env_db
        env.update(extra_env or {})  # e.g. an input method's D-Bus session (test_ime_real)
        log_dir = log_dir or LOGS or "/tmp"
        # The window's remembered size and place (tauri-plugin-window-state) stay with the test.
        env.setdefault("XDG_CONFIG_HOME", os.path.join(log_dir, "config"))
        self.driver = Driver(env, os.path.join(log_dir, "tauri-driver.log"))
        caps = {"alwaysMatch": {"tauri:options": {"application": self.app_path, "args": argv}}}
        t0 = time.monotonic()
        try:
            self.s = Session(self.driver.url, caps, timeout=SESSION_TIMEOUT)
        except BaseException:
            self.driver.stop()
            raise
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
        """The app's process id: the process running APP in our tauri-driver's process group."""
        want = os.path.realpath(self.app_path)
        found = []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                exe = os.readlink(f"/proc/{d}/exe")
                pgid = os.getpgid(int(d))
            except OSError:
                continue
            if exe.replace(" (deleted)", "") == want and pgid == self.driver.proc.pid and not _zombie(int(d)):
                found.append(int(d))
        if len(found) != 1:
            raise AssertionError(f"应有一个应用进程，找到 {found}")
        return found[0]

    def kill9(self):
        """SIGKILL the app (as a power cut would end it), then end its driver."""
        pid = self.pid()
        os.kill(pid, signal.SIGKILL)
        _wait_gone(pid)
        self.driver.stop()  # no session to end politely: its browser is gone
        return pid

    def quit(self):
        """Closes the app the way a WebDriver client does (delete the session), then ends the
        driver. True when the app process had ended by itself."""
        pid = self.pid()
        self.s.delete(timeout=30)
        gone = _wait_gone(pid, 10)
        self.stop()
        return gone

    def stop(self):
        try:
            self.s.delete(timeout=5)
        except Exception:
            pass
        self.driver.stop()

    # --- the page ---
    def __getattr__(self, name):
        return getattr(self.s, name)


def _wait_gone(pid, secs=5):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if not os.path.exists(f"/proc/{pid}") or _zombie(pid):
            return True
        time.sleep(0.05)
    return False


def _zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True


def rust_count(text):
    """字数 of `text` by the core's CLI: `tianbao count - --json` (built by scripts/test.sh)."""
    import json

    p = subprocess.run([CLI, "count", "-", "--json"], input=text.encode(), capture_output=True, timeout=30)
    assert p.returncode == 0, p.stderr.decode()
    return json.loads(p.stdout)["words"]


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
    """Until everything typed is saved: the indicator reads 已保存 HH:MM:SS and nothing newer is
    pending (data-state)."""
    return app.wait(
        lambda: app.js(
            "const e = document.getElementById('save-state');"
            "return e.dataset.state === 'saved' && e.textContent.startsWith('已保存')"
        ),
        timeout=timeout,
        what="“已保存”",
    )


def close_window(app):
    """Closes the window as its × button does (Tauri's close → close-requested → the page saves
    → destroy); returns True when the app process then ended by itself."""
    pid = app.pid()
    app.js("setTimeout(() => window.__TAURI__.window.getCurrentWindow().close(), 0); return true;")
    gone = _wait_gone(pid, 10)
    app.stop()
    return gone


def rows_text(app):
    """The text of the case list as shown (innerText: WebDriver's element text skips cells)."""
    return app.js("return document.getElementById('case-rows').innerText")


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


# --- materials and 推荐表: the functions behind the buttons (window.tianbao), minus the native
# dialogs, which WebDriver cannot drive ----------------------------------------------------------

def seam(app, fn, *args, timeout=120):
    """Calls window.tianbao[fn](...args) in the page and waits for it: {'ok': value} or {'err': msg}."""
    return app.js_async(
        "const done = arguments[arguments.length - 1];"
        "const [fn, args] = [arguments[0], arguments[1]];"
        "Promise.resolve().then(() => window.tianbao[fn](...args))"
        ".then(v => done({ok: v === undefined ? null : v}), e => done({err: String(e && e.message || e)}));",
        fn,
        list(args),
        timeout=timeout,
    )


def attach(app, slot, paths, timeout=120):
    """Attaches files to a slot of the open case as the picker and a drop do; returns per file
    {path, attachment?, issues, refused?, error?}."""
    r = seam(app, "attachPaths", slot, list(paths), timeout=timeout)
    assert "ok" in r, r
    return r["ok"]


def make_image(path, width, height, quality=90, noise=0.0):
    """A JPEG or PNG (by extension) made with ImageMagick: a gradient, with Gaussian noise to make
    the file large (noise=0.5 and quality 97 give ~1.2 bytes per pixel)."""
    args = ["convert", "-size", f"{width}x{height}", "gradient:#3a8a5c-#f2c45a"]
    if noise:
        args += ["-attenuate", str(noise), "+noise", "Gaussian"]
    args += ["-quality", str(quality), path]
    subprocess.run(args, check=True, capture_output=True, timeout=120)
    return path


def current_case(app):
    """The case as saved (after wait_saved): the head in the store, via get_case."""
    cid = app.js("return window.tianbao.caseId()")
    assert cid, "没有打开的案例"
    r = app.invoke("get_case", {"id": cid})
    assert "ok" in r, r
    return r["ok"]


def blob_files(db):
    """The stored copies of attached files (names = SHA-256) beside the database `db`."""
    stem = os.path.splitext(os.path.basename(db))[0]
    d = os.path.join(os.path.dirname(db), f"{stem}-files")
    out = []
    for root, dirs, files in os.walk(d):
        dirs[:] = [x for x in dirs if x not in ("thumbs", "print-cache")]
        out += [f for f in files if len(f) >= 64 and all(c in "0123456789abcdef" for c in f[:64])]
    return sorted(out)


# --- the app's own dialog (ui/dialog.js), in place of the webview's confirm/alert ---------------

def dialog(app, timeout=10):
    """Waits for the app's dialog; returns {title, text, buttons: [labels], choices: [labels]}."""
    return app.wait(
        lambda: app.js(
            "const d = document.getElementById('app-dialog');"
            "if (!d || !d.open) return null;"
            "return {title: d.querySelector('h2').innerText, text: d.querySelector('.dialog-body').innerText,"
            " buttons: [...d.querySelectorAll('.dialog-buttons button')].map(b => b.innerText),"
            " choices: [...d.querySelectorAll('.choices label')].map(l => l.innerText.trim())};"
        ),
        timeout=timeout,
        what="应用内对话框",
    )


def answer(app, label):
    """Clicks the dialog's button `label` (e.g. "仍要生成", "取消") and waits until it is gone."""
    d = dialog(app)
    assert label in d["buttons"], d
    app.js(
        "const d = document.getElementById('app-dialog');"
        "[...d.querySelectorAll('.dialog-buttons button')].find(b => b.innerText === arguments[0]).click();",
        label,
    )
    app.wait(lambda: not app.js("const d = document.getElementById('app-dialog'); return Boolean(d && d.open)"), what="对话框关闭")
    return d


def no_browser_alert(app):
    """True when the webview shows none of its own dialogs (JavaScript - tauri://localhost)."""
    from wd import WebDriverError

    try:
        app.cmd("GET", "/alert/text")
        return False
    except WebDriverError as e:
        return "no such alert" in str(e)


def summary_text(app):
    """The sidebar as the clerk reads it (folded parts included: textContent)."""
    return app.js("return document.getElementById('issue-summary').textContent")


def visible_errors(app):
    """The red messages shown beside the fields."""
    return app.js("return [...document.querySelectorAll('#form .msg.error')].map(m => m.innerText)")


def leave(app):
    """Moves focus out of the current field, as a click elsewhere does."""
    app.js("document.activeElement && document.activeElement.blur(); document.getElementById('case-title').click();")


def new_valid_case(app, ready=False):
    """A new case filled with VALID and saved; with `ready`, marked 已完成 (the 材料未齐 question
    answered 仍标记为完成)."""
    new_case(app)
    fill_valid(app)
    wait_saved(app)
    if ready:
        app.find("#mark-ready").click()
        answer(app, "仍标记为完成")
        app.wait(lambda: app.find("#status-badge").text == "已完成", what="已完成")
