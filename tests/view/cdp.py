"""A minimal headless-Chromium driver over the DevTools protocol's pipe (no websocket, no extra package).

Chromium started with ``--remote-debugging-pipe`` reads commands on fd 3 and writes replies and
events on fd 4, each a JSON object ended by a NUL byte. Used by the viewer's tests and bench.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The Chromium binary on PATH (``$CHROMIUM`` first), or None."""
    env = os.environ.get("CHROMIUM")
    if env and shutil.which(env):
        return shutil.which(env)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


class CDPError(RuntimeError):
    """A DevTools command failed or timed out."""


class Browser:
    """One headless Chromium with one page; records every network request the page starts."""

    def __init__(self, binary: str, profile: Path, width: int = 1200, height: int = 900) -> None:
        to_chrome_r, self._w = os.pipe()
        self._r, from_chrome_w = os.pipe()

        def child_fds() -> None:
            # Move both ends above 4 first: one of them may already be fd 3 or 4.
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            a, b = os.dup2(a, 100), os.dup2(b, 101)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [
            binary,
            "--headless=new",
            "--remote-debugging-pipe",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--mute-audio",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "about:blank",
        ]
        profile.mkdir(parents=True, exist_ok=True)
        self._log = open(profile.parent / "chromium.log", "wb")  # noqa: SIM115 (closed in close())
        self.proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log, close_fds=False, preexec_fn=child_fds
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._next = 0
        self._replies: dict[int, dict] = {}
        self._cond = threading.Condition()
        self.events: queue.Queue = queue.Queue()
        self.requests: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Network"):
            self.send(f"{domain}.enable")

    def _read(self) -> None:
        buf = b""
        while True:
            try:
                data = os.read(self._r, 1 << 16)
            except OSError:
                data = b""
            if not data:
                with self._cond:
                    self._replies[-1] = {"error": {"message": "chromium closed the pipe"}}
                    self._cond.notify_all()
                return
            buf += data
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    with self._cond:
                        self._replies[msg["id"]] = msg
                        self._cond.notify_all()
                else:
                    if msg.get("method") == "Network.requestWillBeSent":
                        self.requests.append(msg["params"]["request"]["url"])
                    self.events.put(msg)

    def call(self, method: str, timeout: float = 30.0, session: str | None = None, **params) -> dict:
        """Send a command (to the browser, or to the page with ``send``) and wait for its result."""
        self._next += 1
        mid = self._next
        msg = {"id": mid, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self._cond:
            while mid not in self._replies and -1 not in self._replies:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise CDPError(f"{method} timed out after {timeout}s")
                self._cond.wait(left)
            reply = self._replies.pop(mid, None) or self._replies[-1]
        if "error" in reply:
            raise CDPError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    def send(self, method: str, timeout: float = 30.0, **params) -> dict:
        """A command to the page."""
        return self.call(method, timeout=timeout, session=self.session, **params)

    def eval(self, expression: str, timeout: float = 30.0):
        """Evaluate JavaScript in the page (promises awaited) and return its JSON value."""
        res = self.send(
            "Runtime.evaluate", timeout=timeout, expression=expression, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in res:
            raise CDPError(f"page error: {res['exceptionDetails'].get('exception', {}).get('description')}")
        return res["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30.0) -> None:
        """Poll ``expression`` until it is truthy."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.eval(expression):
                return
            time.sleep(0.05)
        raise CDPError(f"timed out waiting for {expression}")

    def open(self, url: str, timeout: float = 30.0) -> None:
        """Navigate and wait until the page has rendered its first records."""
        self.send("Page.navigate", url=url)
        self.wait_for(
            "document.readyState === 'complete' && document.body && document.body.dataset.ready === '1'", timeout
        )

    def resize(self, width: int, height: int) -> None:
        """Emulate a window of this size (a phone-narrow one, say)."""
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def key(self, key: str) -> None:
        """Press and release one printable key, as a user would."""
        self.send("Input.dispatchKeyEvent", type="keyDown", key=key, text=key, code=f"Key{key.upper()}")
        self.send("Input.dispatchKeyEvent", type="keyUp", key=key, code=f"Key{key.upper()}")

    def screenshot(self, path: Path, full_page: bool = False) -> Path:
        """Write a PNG of the page."""
        params = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
        data = self.send("Page.captureScreenshot", **params)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        """Quit Chromium."""
        try:
            self.call("Browser.close", timeout=5)
        except CDPError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._w, self._r):
            try:
                os.close(fd)
            except OSError:
                pass
        self._log.close()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
