"""A minimal W3C WebDriver client over urllib (no pip packages), enough to drive the app
through tauri-driver + WebKitWebDriver."""

import base64
import http.client
import json
import time
import urllib.error
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


class WebDriverError(Exception):
    pass


def _request(method, url, body=None, timeout=60, retries=2):
    """One WebDriver call. tauri-driver proxies to WebKitWebDriver over a kept-alive connection
    that WebKitWebDriver sometimes closes just as it is reused; tauri-driver then drops our
    connection without an answer ("client error (SendRequest)"): the request never reached
    WebKit, so it is sent again."""
    for attempt in range(retries + 1):
        try:
            return _request_once(method, url, body, timeout)
        except (http.client.RemoteDisconnected, ConnectionResetError):
            if attempt == retries:
                raise
            time.sleep(0.2)


def _request_once(method, url, body, timeout):
    data = None if body is None else json.dumps(body).encode("utf-8")
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json; charset=utf-8")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            value = json.loads(raw.decode("utf-8")).get("value", {})
        except ValueError:
            value = {"message": raw[:500]}
        raise WebDriverError(
            f"{method} {url} -> HTTP {e.code}: {value.get('error', '')} {value.get('message', '')}"
        ) from None
    return json.loads(raw.decode("utf-8")).get("value") if raw else None


class Element:
    def __init__(self, session, eid):
        self.s = session
        self.id = eid

    def _url(self, tail=""):
        return f"/element/{self.id}{tail}"

    def click(self):
        self.s.cmd("POST", self._url("/click"), {})
        return self

    def clear(self):
        self.s.cmd("POST", self._url("/clear"), {})
        return self

    def send_keys(self, text):
        self.s.cmd("POST", self._url("/value"), {"text": text})
        return self

    @property
    def text(self):
        # innerText, as rendered. (WebKit's "element text" atom drops the text of elements with
        # overflow:hidden, e.g. cells cut with an ellipsis.)
        return self.s.js("return arguments[0].innerText", {ELEMENT: self.id})

    def prop(self, name):
        return self.s.cmd("GET", self._url(f"/property/{name}"))

    @property
    def enabled(self):
        return self.s.cmd("GET", self._url("/enabled"))


class Session:
    def __init__(self, base, capabilities, timeout=60):
        """Creates a session; `timeout` bounds the whole creation (a broken app makes it hang)."""
        self.base = base.rstrip("/")
        value = _request("POST", f"{self.base}/session", {"capabilities": capabilities}, timeout=timeout)
        self.id = value["sessionId"]
        self.caps = value.get("capabilities", {})

    def cmd(self, method, tail, body=None, timeout=60):
        return _request(method, f"{self.base}/session/{self.id}{tail}", body, timeout=timeout)

    def delete(self, timeout=30):
        try:
            _request("DELETE", f"{self.base}/session/{self.id}", timeout=timeout)
        except (WebDriverError, OSError):
            pass

    # --- elements ---
    def find(self, css, timeout=10.0):
        end = time.monotonic() + timeout
        while True:
            try:
                v = self.cmd("POST", "/element", {"using": "css selector", "value": css})
                return Element(self, v[ELEMENT])
            except WebDriverError as e:
                if "no such element" not in str(e) or time.monotonic() > end:
                    raise WebDriverError(f"找不到元素 {css}: {e}") from None
            time.sleep(0.1)

    def find_all(self, css):
        vs = self.cmd("POST", "/elements", {"using": "css selector", "value": css})
        return [Element(self, v[ELEMENT]) for v in vs]

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def js_async(self, script, *args, timeout=30):
        """`script` gets its callback as the last argument; it may take `timeout` seconds (the
        session's script timeout, 30 s in WebKit unless set, is set to that first)."""
        if timeout != getattr(self, "_script_timeout", 30):
            self.cmd("POST", "/timeouts", {"script": int(timeout * 1000)})
            self._script_timeout = timeout
        return self.cmd("POST", "/execute/async", {"script": script, "args": list(args)}, timeout=timeout + 10)

    def invoke(self, cmd, args=None):
        """Calls a Tauri command from the page; returns {'ok': value} or {'err': message}."""
        return self.js_async(
            "const done = arguments[arguments.length - 1];"
            "window.__TAURI__.core.invoke(arguments[0], arguments[1])"
            ".then(v => done({ok: v}), e => done({err: String(e)}));",
            cmd,
            args or {},
        )

    def wait(self, fn, timeout=10.0, what="条件", interval=0.1):
        end = time.monotonic() + timeout
        last = None
        while True:
            try:
                last = fn()
                if last:
                    return last
            except WebDriverError as e:
                last = e
            if time.monotonic() > end:
                raise AssertionError(f"等待 {what} 超时（{timeout} 秒），最后一次：{last!r}")
            time.sleep(interval)

    def set_window_size(self, width, height):
        return self.cmd("POST", "/window/rect", {"width": width, "height": height})

    def screenshot(self, path):
        # WebKit answers a screenshot after its next presentation update; on a page where nothing
        # moves (no caret, no animation) that never comes and the call hangs. So a 1-pixel,
        # practically transparent element is kept animating while the shot is taken, and two
        # animation frames are awaited first (or WebKit may hand back a stale frame).
        self.js_async(
            "const done = arguments[0];"
            "const d = document.createElement('div'); d.id = '__wd_shot';"
            "Object.assign(d.style, {position: 'fixed', right: '0', bottom: '0', width: '1px',"
            "  height: '1px', background: '#000', opacity: '0', pointerEvents: 'none', zIndex: '2147483647'});"
            "document.body.append(d);"
            "d.animate([{opacity: 0}, {opacity: 0.01}], {duration: 100, iterations: Infinity});"
            "requestAnimationFrame(() => requestAnimationFrame(() => done(true)));"
        )
        try:
            png = base64.b64decode(self.cmd("GET", "/screenshot", timeout=30))
        finally:
            self.js("const d = document.getElementById('__wd_shot'); if (d) d.remove();")
        with open(path, "wb") as f:
            f.write(png)
        return path
