"""A real input method: fcitx5 pinyin under Xvfb (a D-Bus session of its own, GTK_IM_MODULE=fcitx,
keys typed with xdotool). Committed text, counters and autosave are right, nothing is saved
while pinyin is pending, and moving to another field clears the pending pinyin (as a native GTK
entry does under fcitx5) instead of letting the next choice land in the new field.

Under wry, WebKit's inline composition is off: the pinyin being typed lives in fcitx5's own
candidate window and the page never sees `compositionstart`; what reaches the field is the
committed text. WebKit does not reset the input method when focus moves between elements of the
page, so the shell's `reset_input_method` does it (ui/editor.js calls it on focusin).

Set-up details that make it reliable: the D-Bus session has no service directories (otherwise
fcitx5-remote, polling before fcitx5 owns its name, D-Bus-activates a second fcitx5 that takes the
name); the profile is pinned (pinyin as the only IM, cloud pinyin and prediction off) so the
candidates are stable; with no window manager the window is focused explicitly and clicks go to
the app's one visible X window (GTK's hidden 10×10 leader window is listed first by
`xdotool search --pid`); the window has no decorations, so page coordinates are window
coordinates. Screenshots are taken of the X screen (`import`), as the candidate window is not
part of the page."""

import os
import shutil
import signal
import subprocess
import time

import harness
from harness import field, new_case, wait_saved

# Programs this test runs (scripts/install-deps.sh test installs them: APT_IME, and imagemagick for
# `import`). tests/e2e/run.py leaves the test out of a default run when one is missing.
NEEDS = ("fcitx5", "fcitx5-remote", "xdotool", "dbus-daemon", "import")

PROFILE = """[Groups/0]
Name=Default
Default Layout=us
DefaultIM=pinyin

[Groups/0/Items/0]
Name=keyboard-us
Layout=

[Groups/0/Items/1]
Name=pinyin
Layout=

[GroupOrder]
0=Default
"""

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

CONFIG = """[Hotkey]
EnumerateWithTriggerKeys=True

[Behavior]
ActiveByDefault=True
ShareInputState=All
PreeditEnabledByDefault=False
ShowInputMethodInformation=False
"""

PINYIN = """CloudPinyinEnabled=False
Prediction=False
PageSize=5
FirstRun=False
"""


class Fcitx:
    """dbus-daemon + fcitx5 with a fresh profile, in a process group of its own."""

    def __init__(self, tmp):
        self.home = os.path.join(tmp, "ime-home")
        conf = os.path.join(self.home, ".config", "fcitx5")
        os.makedirs(os.path.join(conf, "conf"), exist_ok=True)
        with open(os.path.join(conf, "profile"), "w") as f:
            f.write(PROFILE)
        with open(os.path.join(conf, "config"), "w") as f:
            f.write(CONFIG)
        with open(os.path.join(conf, "conf", "pinyin.conf"), "w") as f:
            f.write(PINYIN)
        # A bus with no service directories: nothing is started on demand, so fcitx5-remote asking
        # before fcitx5 holds its name cannot D-Bus-activate a second fcitx5 (which then owns the
        # name while ours gives up), and no accessibility bus is spawned for the app.
        busconf = os.path.join(tmp, "dbus-session.conf")
        with open(busconf, "w") as f:
            f.write(BUS_CONFIG)
        # dbus-daemon and fcitx5 share one process group, named in $E2E_PGID_FILE like the
        # drivers', so scripts/test.sh ends them even if this runner is killed.
        self.dbus = subprocess.Popen(
            ["dbus-daemon", f"--config-file={busconf}", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, process_group=0,
        )
        self.group = self.dbus.pid
        pgid_file = os.environ.get("E2E_PGID_FILE")
        if pgid_file:
            with open(pgid_file, "a") as f:
                f.write(f"{self.group}\n")
        self.bus = self.dbus.stdout.readline().strip()
        if not self.bus:
            self.dbus.kill()
            raise AssertionError("dbus-daemon 没有启动")
        self.env = {
            "DBUS_SESSION_BUS_ADDRESS": self.bus,
            "GTK_IM_MODULE": "fcitx",
            "QT_IM_MODULE": "fcitx",
            "XMODIFIERS": "@im=fcitx",
            "NO_AT_BRIDGE": "1",  # no accessibility bus on this D-Bus session: do not look for one
            "HOME": self.home,
            "XDG_CONFIG_HOME": os.path.join(self.home, ".config"),
            "XDG_DATA_HOME": os.path.join(self.home, ".local", "share"),
        }
        env = dict(os.environ, **self.env)
        self.log = open(os.path.join(tmp, "fcitx5.log"), "wb")
        self.proc = subprocess.Popen(
            ["fcitx5", "--verbose=*=2"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, process_group=self.group,
        )
        end = time.monotonic() + 20
        while time.monotonic() < end:
            r = subprocess.run(["fcitx5-remote"], env=env, capture_output=True, text=True)
            if r.returncode == 0 and r.stdout.strip() in ("0", "1", "2"):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise AssertionError("fcitx5 没有启动（见 fcitx5.log）")

    def remote(self, *args):
        env = dict(os.environ, **self.env)
        return subprocess.run(["fcitx5-remote", *args], env=env, capture_output=True, text=True, timeout=10).stdout.strip()

    def stop(self):
        try:
            os.killpg(self.group, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        for p in (self.proc, self.dbus):
            p.wait(timeout=10)
        self.dbus.stdout.close()
        self.log.close()


def _xdotool(*args):
    subprocess.run(["xdotool", *args], check=True, capture_output=True, timeout=20)


def _window(app):
    """The app's main window: the one visible X window of its process (GTK also makes a hidden
    10×10 leader window, which `xdotool search --pid` lists first)."""
    ids = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--pid", str(app.pid())], capture_output=True, text=True, timeout=10
    ).stdout.split()
    assert len(ids) == 1, f"应有一个可见的应用窗口，找到 {ids}"
    return ids[0]


def _focus_window(app):
    """Pointer onto the app's window and X focus to it (no window manager here)."""
    w = _window(app)
    _xdotool("mousemove", "--window", w, "40", "40")
    _xdotool("windowfocus", "--sync", w)
    return w


def _click_field(app, w, path):
    """A real click (through X) on the field, so GTK and fcitx5 see focus move. The window has no
    decorations (no window manager): page coordinates are window coordinates. The click goes to
    the field's right end: fcitx5's candidate window opens below the caret, at the left, and a
    click on it would choose a candidate."""
    x, y = app.js(
        "const e = document.querySelector(`[data-path=\"${arguments[0]}\"]`); e.scrollIntoView({block: 'center'});"
        "const b = e.getBoundingClientRect(); return [Math.round(b.right - 16), Math.round(b.top + b.height / 2)];",
        path,
    )
    _xdotool("mousemove", "--window", w, str(x), str(y), "click", "1")
    end = time.monotonic() + 5
    while time.monotonic() < end and app.js("return document.activeElement && document.activeElement.dataset.path") != path:
        time.sleep(0.1)
    assert app.js("return document.activeElement.dataset.path") == path, f"点击没有进入输入框 {path}"


def _stored(app, path):
    cid = app.js("return window.tianbao.caseId()")
    c = app.invoke("get_case", {"id": cid})["ok"]
    for k in path.split("."):
        c = c[int(k)] if k.isdigit() else c[k]
    return c


def _candidates_shown():
    """fcitx5's candidate window (pinyin typed, no character chosen yet) is on screen."""
    r = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", "^Fcitx5 Input Window$"], capture_output=True, text=True, timeout=10
    )
    return bool(r.stdout.split())


def _screen_shot(w, name):
    """What the clerk sees on the X screen (the page and fcitx5's candidate window above it),
    cut to the app's window; a WebDriver screenshot shows only the page."""
    geo = dict(
        line.split("=", 1)
        for line in subprocess.run(
            ["xdotool", "getwindowgeometry", "--shell", w], capture_output=True, text=True, timeout=10
        ).stdout.split()
    )
    os.makedirs(harness.SHOTS, exist_ok=True)
    crop = f"{geo['WIDTH']}x{geo['HEIGHT']}+{geo['X']}+{geo['Y']}"
    subprocess.run(
        ["import", "-window", "root", "-crop", crop, os.path.join(harness.SHOTS, name)], check=True, timeout=30
    )


def _hanzi(s):
    return bool(s) and all("\u4e00" <= ch <= "\u9fff" for ch in s)


# Pinyin and its first candidate in the pinned profile (fresh history, no cloud, no prediction).
WORDS = [("nongcun", "农村"), ("zhibo", "直播"), ("daidong", "带动"), ("zengshou", "增收")]
# Field A (pinyin left pending) → field B (clicked): textarea → input, input → textarea,
# textarea → input in another section.
PAIRS = [("lessons", "business.field"), ("intro.title", "opinion"), ("practices.0.text", "region.city")]


def test_real_pinyin_ime(ctx):
    for tool in NEEDS:
        assert shutil.which(tool), f"缺少 {tool}（scripts/install-deps.sh test 会安装）"
    ime = Fcitx(ctx.tmp)
    try:
        app = ctx.app(extra_env=ime.env)
        app.set_window_size(1366, 768)
        new_case(app)
        w = _focus_window(app)
        _click_field(app, w, "person.name")
        ime.remote("-o")  # pinyin on for this field
        app.wait(lambda: ime.remote() == "2", timeout=10, what="拼音输入法已打开")

        # 姓名: "liming" + space → the first candidate. Nothing reaches the field before the choice.
        _xdotool("type", "--delay", "60", "liming")
        app.wait(_candidates_shown, timeout=5, what="候选词窗口")
        time.sleep(0.3)
        assert field(app, "person.name").prop("value") == "", "拼音未选字前不应进入输入框"
        _screen_shot(w, "ime-real-1-pending.png")
        _xdotool("key", "space")
        app.wait(lambda: field(app, "person.name").prop("value") != "", timeout=5, what="上屏")
        name = field(app, "person.name").prop("value")
        assert _hanzi(name) and len(name) == 2, f"姓名应为两个汉字：{name!r}"
        assert not _candidates_shown(), "选字后候选词窗口应关闭"
        wait_saved(app)
        assert _stored(app, "person.name") == name
        assert app.find("#case-title").text == name

        # 成果贡献, word by word: after each choice the field holds exactly the chosen words (none
        # doubled, none lost), and while the next word's pinyin is pending — longer than the
        # autosave delay — what is stored is only what was chosen before.
        _click_field(app, w, "results")
        text = ""
        for pinyin, word in WORDS:
            _xdotool("type", "--delay", "60", pinyin)
            app.wait(_candidates_shown, timeout=5, what=f"{pinyin} 的候选词")
            time.sleep(1.0)
            assert field(app, "results").prop("value") == text, "组字中途输入框不应变化"
            assert _stored(app, "results") == text, "组字中途不应保存未上屏的拼音"
            _xdotool("key", "space")
            text += word
            app.wait(lambda: field(app, "results").prop("value") == text, timeout=5, what=f"上屏“{text}”")
            wait_saved(app)
            assert _stored(app, "results") == text
        app.wait(lambda: app.find("#counter-results .words").text.startswith(f"{len(text)} /"), what=f"计数 {len(text)} 字")
        _screen_shot(w, "ime-real-2-committed.png")

        # Pinyin pending in field A, then a click into field B: as in a native GTK field, the
        # pending pinyin is cleared (fcitx5 drops it when the field loses focus; nothing goes into
        # A) and the candidate window closes, so the space typed next is a plain space in B — the
        # candidate it would have chosen never lands in B.
        for a, b in PAIRS:
            _click_field(app, w, a)
            before = field(app, a).prop("value")
            _xdotool("type", "--delay", "60", "jingyan")
            app.wait(_candidates_shown, timeout=5, what="jingyan 的候选词")
            if a == PAIRS[0][0]:
                _screen_shot(w, "ime-real-3-pending-before-click.png")
            _click_field(app, w, b)
            app.wait(lambda: not _candidates_shown(), timeout=5, what=f"点击 {b} 后候选词窗口关闭")
            if a == PAIRS[0][0]:
                _screen_shot(w, "ime-real-4-after-click.png")
            _xdotool("key", "space")
            app.wait(lambda: field(app, b).prop("value") != "", timeout=5, what=f"{b} 收到空格")
            time.sleep(0.5)
            moved = field(app, b).prop("value")
            assert moved == " ", f"{a} 中待选的拼音落到了 {b}：{moved!r}"
            assert field(app, a).prop("value") == before, f"{a} 不应收到待选的拼音：{field(app, a).prop('value')!r}"
        wait_saved(app)
        for a, _ in PAIRS:
            assert _stored(app, a) == field(app, a).prop("value")
        assert _stored(app, "results") == text
        print(f"    真实输入法：姓名“{name}”，成果贡献“{text}”；{len(PAIRS)} 对输入框切换时待选拼音已清除，未落到新输入框")
    finally:
        ime.stop()
