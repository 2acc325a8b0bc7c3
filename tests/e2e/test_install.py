"""The app as installed on an office PC: the window fits a 1366×768 or 1024×768 screen on first
start and keeps its size and place between starts; portable mode (the data beside the program,
the folder moved elsewhere); one instance (a second start with a D-Bus session bus brings the
first window forward and exits)."""

import os
import shutil
import signal
import subprocess
import time

import harness
from harness import attach, back_to_list, close_window, make_image, new_case, rows_text, set_value, wait_saved


class Display:
    """An Xvfb of a given size, for the screen-size tests (the run's own is 1920×1080)."""

    def __init__(self, width, height):
        self.n = next(k for k in range(140, 100, -1) if not os.path.exists(f"/tmp/.X{k}-lock"))
        self.name = f":{self.n}"
        self.size = (width, height)
        self.proc = subprocess.Popen(
            ["Xvfb", self.name, "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        end = time.monotonic() + 15
        while subprocess.run(["xdpyinfo", "-display", self.name], capture_output=True).returncode != 0:
            assert time.monotonic() < end, "Xvfb 没有启动"
            time.sleep(0.2)

    def shot(self, name):
        os.makedirs(harness.SHOTS, exist_ok=True)
        path = os.path.join(harness.SHOTS, name)
        subprocess.run(["import", "-display", self.name, "-window", "root", path], check=True, timeout=30)
        return path

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def _rect(app):
    return app.cmd("GET", "/window/rect")


def test_window_fits_small_screens_and_remembers_its_place(ctx):
    for w, h in ((1366, 768), (1024, 768)):
        d = Display(w, h)
        try:
            env = {"DISPLAY": d.name, "XDG_CONFIG_HOME": os.path.join(ctx.tmp, f"config-{w}")}
            app = ctx.app(env=env)
            r = _rect(app)
            assert r["x"] >= 0 and r["y"] >= 0 and r["x"] + r["width"] <= w and r["y"] + r["height"] <= h, (
                f"窗口超出 {w}×{h} 屏幕：{r}"
            )
            assert r["width"] >= w * 0.9 and r["height"] >= h * 0.85, f"小屏幕上窗口应铺满工作区：{r}"
            # Top bar and footer both on the screen.
            vis = app.js(
                "const t = document.querySelector('.topbar').getBoundingClientRect();"
                "const f = document.querySelector('.footer').getBoundingClientRect();"
                "return [t.top, f.bottom, window.innerHeight];"
            )
            assert vis[0] >= 0 and vis[1] <= vis[2] + 1, vis
            time.sleep(0.5)
            d.shot(f"window-{w}x{h}.png")
            # Moved and resized by the clerk, then closed: the next start opens there.
            # (1024 px is the window's smallest width.)
            moved = {"x": min(40, w - 1024), "y": 30, "width": 1024, "height": 700}
            app.cmd("POST", "/window/rect", moved)

            def there():
                r = _rect(app)
                return (r["width"], r["height"]) == (1024, 700) and abs(r["x"] - moved["x"]) <= 2 and abs(r["y"] - 30) <= 2

            app.wait(there, what="窗口已移到新位置")
            assert close_window(app), "窗口关闭后程序应退出"
            app = ctx.app(env=env)
            r = _rect(app)
            assert (r["width"], r["height"]) == (1024, 700), f"没有记住大小：{r}"
            assert abs(r["x"] - moved["x"]) <= 2 and abs(r["y"] - 30) <= 2, f"没有记住位置：{r}"
            app.stop()
        finally:
            d.stop()


def test_portable_mode_keeps_the_data_beside_the_program_and_moves_with_it(ctx):
    stick = os.path.join(ctx.tmp, "U盘", "填报助手")
    os.makedirs(stick)
    exe = os.path.join(stick, "tianbao-app")
    shutil.copy2(harness.APP, exe)
    open(os.path.join(stick, "tianbao-portable"), "w").close()
    photo = make_image(os.path.join(ctx.tmp, "照片.jpg"), 1200, 900)
    env = {"TIANBAO_DB": "", "XDG_CONFIG_HOME": os.path.join(ctx.tmp, "config")}

    app = ctx.app_with(app=exe, env=env)
    info = app.invoke("app_info")["ok"]
    assert info["portable"] is True, info
    assert info["db_path"] == os.path.join(stick, "tianbao-data", "tianbao.db"), info["db_path"]
    new_case(app)
    set_value(app, "person.name", "便携测试")
    res = attach(app, "photo", [photo])
    sha = res[0]["attachment"]["sha256"]
    wait_saved(app)
    back_to_list(app)
    assert close_window(app)
    assert os.path.exists(os.path.join(stick, "tianbao-data", "tianbao.db"))
    assert os.path.exists(os.path.join(stick, "tianbao-data", "tianbao-files"))

    # The stick mounted elsewhere: the same folder under another path.
    moved = os.path.join(ctx.tmp, "另一台电脑", "填报助手")
    os.makedirs(os.path.dirname(moved))
    os.rename(stick, moved)
    exe = os.path.join(moved, "tianbao-app")
    app = ctx.app_with(app=exe, env=env)
    info = app.invoke("app_info")["ok"]
    assert info["db_path"] == os.path.join(moved, "tianbao-data", "tianbao.db"), info["db_path"]
    app.wait(lambda: "便携测试" in rows_text(app), what="移动后的案例")
    cid = app.invoke("list_cases", {"query": {}})["ok"][0]["id"]
    case = app.invoke("get_case", {"id": cid})["ok"]
    assert case["media"]["photo"]["sha256"] == sha, case["media"]
    thumb = app.js_async(
        "const done = arguments[arguments.length - 1];"
        "window.__TAURI__.core.invoke('thumbnail', {sha256: arguments[0]})"
        ".then(b => done(b.byteLength || b.length)).catch(e => done('ERR ' + e));",
        sha,
    )
    assert isinstance(thumb, int) and thumb > 1000, thumb
    app.stop()


def _dbus_session():
    p = subprocess.run(
        ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
        capture_output=True, text=True, timeout=10, check=True,
    )
    addr, pid = p.stdout.split()[:2]
    return addr, int(pid)


def test_a_second_start_with_a_session_bus_hands_over_to_the_first_and_exits(ctx):
    """With a session bus the second start finds the first through D-Bus, asks it to come
    forward (unminimize, show, focus — not observable here: Xvfb runs no window manager) and
    exits 0; the first goes on, the database opened once."""
    addr, dbus_pid = _dbus_session()
    try:
        env = {"DBUS_SESSION_BUS_ADDRESS": addr}
        app = ctx.app(env=env)
        first = app.pid()
        second = subprocess.Popen(
            [harness.APP, "--db", ctx.db()],
            env={**os.environ, **env, "WEBKIT_DISABLE_DMABUF_RENDERER": "1"},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        try:
            rc = second.wait(timeout=20)
        except subprocess.TimeoutExpired:
            second.kill()
            raise AssertionError("第二次启动没有退出（应把第一个窗口带到前面后退出）")
        assert rc == 0, (rc, second.stdout.read())
        assert app.pid() == first and app.js("return document.body.dataset.ready") == "true"
        app.stop()
    finally:
        os.kill(dbus_pid, signal.SIGTERM)


def test_a_second_start_without_a_session_bus_is_kept_from_the_database(ctx):
    """No D-Bus session bus: the single-instance plugin cannot look for the first window, so the
    second start opens — but the database's lock keeps it from writing: it says, in its window,
    that the database is open in another window; the first keeps saving."""
    env = {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/bus"}
    app = ctx.app(env=env)
    harness.new_case(app)
    set_value(app, "person.name", "第一个窗口")
    wait_saved(app)
    second = subprocess.Popen(
        [harness.APP],
        env={**os.environ, **env, "TIANBAO_DB": ctx.db(), "WEBKIT_DISABLE_DMABUF_RENDERER": "1",
             "XDG_CONFIG_HOME": os.path.join(ctx.tmp, "config")},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        out = b""
        end = time.monotonic() + 30
        import select

        while time.monotonic() < end and "已在案例填报助手的窗口中打开".encode() not in out:
            r, _, _ = select.select([second.stdout], [], [], 1)
            if r:
                chunk = os.read(second.stdout.fileno(), 4096)
                if not chunk:
                    break
                out += chunk
        text = out.decode("utf-8", "replace")
        assert "已在案例填报助手的窗口中打开" in text, text
        assert second.poll() is None, "第二个窗口应显示提示，而不是崩溃"
        # What the clerk sees: the second window on top, saying so (the root window of the
        # run's display, where both windows are).
        time.sleep(2)
        os.makedirs(harness.SHOTS, exist_ok=True)
        subprocess.run(["import", "-window", "root", os.path.join(harness.SHOTS, "second-window-no-dbus.png")],
                       timeout=30, check=False)
        # The first window still saves.
        set_value(app, "person.name", "第一个窗口（改）")
        wait_saved(app)
    finally:
        os.killpg(second.pid, signal.SIGKILL)
        second.wait(timeout=10)
    back_to_list(app)
    app.wait(lambda: "第一个窗口（改）" in rows_text(app), what="第一个窗口保存")
    app.stop()


def test_the_command_line_beside_the_open_window(ctx):
    """The CLI on the database the window has open (a helper on the phone asks the clerk to run
    it): it reads what the window saved — also what is only in the WAL yet —; its writes are
    refused with a message that says where to make them, and leave the window saving as before;
    once the window is closed the CLI writes, and the next start lists what it wrote."""
    import json
    import uuid

    app = ctx.app()
    new_case(app)
    set_value(app, "person.name", "窗口里的案例")
    wait_saved(app)
    case = harness.current_case(app)

    def cli(*args, data=None):
        return subprocess.run([harness.CLI, "--db", ctx.db(), *args], input=data, capture_output=True, timeout=60)

    r = cli("cases", "list")
    assert r.returncode == 0 and "窗口里的案例" in r.stdout.decode(), r
    other = dict(case, id=str(uuid.uuid4()), person=dict(case["person"], name="命令行的案例"))
    data = json.dumps(other, ensure_ascii=False).encode()
    r = cli("case", "import-json", "-", data=data)
    err = r.stderr.decode()
    assert r.returncode == 2 and "已在案例填报助手的窗口中打开" in err and "关闭那个窗口" in err, r
    assert "panicked" not in err
    # The window goes on saving; the CLI reads the new save.
    set_value(app, "person.name", "窗口里的案例（改）")
    wait_saved(app)
    r = cli("cases", "list")
    assert "窗口里的案例（改）" in r.stdout.decode() and "命令行的案例" not in r.stdout.decode(), r
    assert close_window(app), "窗口没有正常关闭"
    # Closed: the CLI writes; the next start lists both.
    r = cli("case", "import-json", "-", data=data)
    assert r.returncode == 0, r
    app = ctx.app()
    app.wait(lambda: "命令行的案例" in rows_text(app) and "窗口里的案例（改）" in rows_text(app), what="两个案例都在列表中")
