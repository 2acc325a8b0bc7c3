"""A real input method: fcitx5 pinyin under Xvfb (a D-Bus session of its own, GTK_IM_MODULE=fcitx,
keys typed with xdotool). Committed text, counters and autosave are right, nothing is saved
while pinyin is pending, and moving to another field ends the pending composition instead of
letting the next choice land in the new field (as native GTK fields do).

Under wry, WebKit's inline composition is off: the pinyin being typed lives in fcitx5's own
candidate window and the page never sees `compositionstart`; what reaches the field is the
committed text. The profile is pinned (pinyin as the only IM, cloud pinyin and prediction off)
so the candidates are stable. With no window manager, focus follows the pointer: the pointer is
moved onto the window and the window focused explicitly."""

import os
import shutil
import signal
import subprocess
import time

from harness import field, new_case, wait_saved

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
        out = subprocess.run(
            ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
            capture_output=True, text=True, timeout=20, check=True,
        ).stdout.split()
        self.bus, self.dbus_pid = out[0], int(out[1])
        self.env = {
            "DBUS_SESSION_BUS_ADDRESS": self.bus,
            "GTK_IM_MODULE": "fcitx",
            "QT_IM_MODULE": "fcitx",
            "XMODIFIERS": "@im=fcitx",
            "HOME": self.home,
            "XDG_CONFIG_HOME": os.path.join(self.home, ".config"),
            "XDG_DATA_HOME": os.path.join(self.home, ".local", "share"),
        }
        env = dict(os.environ, **self.env)
        self.log = open(os.path.join(tmp, "fcitx5.log"), "wb")
        self.proc = subprocess.Popen(
            ["fcitx5", "--verbose=*=2"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        end = time.monotonic() + 20
        while time.monotonic() < end:
            r = subprocess.run(["fcitx5-remote"], env=env, capture_output=True, text=True)
            if r.returncode == 0 and r.stdout.strip() in ("0", "1", "2"):
                return
            time.sleep(0.2)
        self.stop()
        raise AssertionError("fcitx5 没有启动（见 fcitx5.log）")

    def remote(self, *args):
        env = dict(os.environ, **self.env)
        return subprocess.run(["fcitx5-remote", *args], env=env, capture_output=True, text=True, timeout=10).stdout.strip()

    def stop(self):
        for pid, group in ((self.proc.pid, True), (self.dbus_pid, False)):
            try:
                os.killpg(pid, signal.SIGKILL) if group else os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.log.close()


def _xdotool(*args):
    subprocess.run(["xdotool", *args], check=True, capture_output=True, timeout=20)


def _focus_window(app):
    """Pointer onto the app's window and X focus to it (no window manager here)."""
    pid = app.pid()
    ids = subprocess.run(["xdotool", "search", "--pid", str(pid)], capture_output=True, text=True).stdout.split()
    assert ids, "找不到应用窗口"
    for w in ids:
        subprocess.run(["xdotool", "windowfocus", "--sync", w], capture_output=True, timeout=10)
    _xdotool("mousemove", "300", "300")


def _click_field(app, path):
    """A real click (through X) on the field, so GTK and fcitx5 see focus move."""
    r = app.js(
        "const e = document.querySelector(`[data-path=\"${arguments[0]}\"]`); e.scrollIntoView({block: 'center'});"
        "const b = e.getBoundingClientRect(); return [b.left + 12, b.top + b.height / 2, window.screenX, window.screenY];",
        path,
    )
    geo = subprocess.run(["xdotool", "search", "--pid", str(app.pid()), "getwindowgeometry"], capture_output=True, text=True).stdout
    import re

    m = re.search(r"Position: (\d+),(\d+)", geo)
    ox, oy = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    _xdotool("mousemove", str(int(ox + r[0])), str(int(oy + r[1])), "click", "1")
    end = time.monotonic() + 5
    while time.monotonic() < end and app.js("return document.activeElement && document.activeElement.dataset.path") != path:
        time.sleep(0.1)
    assert app.js("return document.activeElement.dataset.path") == path


def _stored(app, path):
    cid = app.js("return window.tianbao.caseId()")
    c = app.invoke("get_case", {"id": cid})["ok"]
    for k in path.split("."):
        c = c[int(k)] if k.isdigit() else c[k]
    return c


def test_real_pinyin_ime(ctx):
    for tool in ("fcitx5", "fcitx5-remote", "xdotool", "dbus-daemon"):
        assert shutil.which(tool), f"缺少 {tool}（scripts/install-deps.sh test 会安装）"
    ime = Fcitx(ctx.tmp)
    try:
        app = ctx.app(extra_env=ime.env)
        new_case(app)
        _focus_window(app)
        _click_field(app, "person.name")
        ime.remote("-o")  # pinyin on for this field
        app.wait(lambda: ime.remote() == "2", timeout=10, what="拼音输入法已打开")
        # Commit: "lisi" + space → 李四 (first candidate). Nothing reaches the field mid-way.
        _xdotool("type", "--delay", "60", "liming")
        time.sleep(0.6)
        assert field(app, "person.name").prop("value") == "", "拼音未选字前不应进入输入框"
        _xdotool("key", "space")
        app.wait(lambda: field(app, "person.name").prop("value") != "", timeout=5, what="上屏")
        name = field(app, "person.name").prop("value")
        assert all("\u4e00" <= ch <= "\u9fff" for ch in name) and len(name) == 2, name
        wait_saved(app)
        assert _stored(app, "person.name") == name
        assert app.find("#case-title").text == name

        # Typing a sentence into 成果贡献: the counter counts the committed characters.
        _click_field(app, "results")
        for word in ("nongcun", "zhibo"):
            _xdotool("type", "--delay", "60", word)
            time.sleep(0.3)
            saved = _stored(app, "results")
            assert saved == field(app, "results").prop("value"), "组字中途不应保存未上屏的拼音"
            _xdotool("key", "space")
            time.sleep(0.3)
        text = field(app, "results").prop("value")
        assert len(text) == 4 and all("\u4e00" <= ch <= "\u9fff" for ch in text), text
        app.wait(lambda: app.find("#counter-results .words").text.startswith("4 /"), what="计数 4 字")
        wait_saved(app)
        assert _stored(app, "results") == text

        # Pinyin pending, then a click into another field: the pending composition ends there —
        # committed into the field it was typed in, or cleared — never into the new field.
        _click_field(app, "lessons")
        _xdotool("type", "--delay", "60", "jingyan")
        time.sleep(0.5)
        _click_field(app, "business.field")
        time.sleep(0.5)
        _xdotool("key", "space")  # what would choose the candidate if it were still pending
        time.sleep(0.8)
        moved = field(app, "business.field").prop("value")
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in moved), f"待选的拼音落到了新的输入框：{moved!r}"
        lessons = field(app, "lessons").prop("value")
        assert lessons in ("", "经验"), lessons
        wait_saved(app)
        assert _stored(app, "lessons") == lessons
        print(f"    真实输入法：姓名“{name}”，成果贡献“{text}”，切换输入框时待选拼音{'已上屏到原输入框' if lessons else '已清除'}")
    finally:
        ime.stop()
