"""Drives Scenecast's web client in Debian's headless Chromium through Selenium.

Shared by the browser end-to-end tests (run_tests.py) and `scenecast bench stream`
(bench_stream.py). Everything here is real: a `scenecast serve` process, a real browser,
WebRTC over loopback.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

CHROMIUM = os.environ.get("SCENECAST_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("SCENECAST_CHROMEDRIVER", "/usr/bin/chromedriver")


class BrowserMissing(Exception):
    pass


class CheckFailed(Exception):
    pass


def require_browser():
    """Raises BrowserMissing, naming what to install, when Chromium or Selenium is absent."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not shutil.which(p)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("python3-selenium")
    if missing:
        raise BrowserMissing(
            "the browser tests need " + ", ".join(missing)
            + ": install chromium, chromium-driver and python3-selenium (scripts/lib/common.sh does)"
        )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`scenecast serve --demo N` on a free loopback port, host candidates on 127.0.0.1 only."""

    def __init__(self, scenecast, database, demo=100, extra=()):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix=f"scenecast-browser-{self.port}-", suffix=".log", delete=False)
        args = [scenecast, "serve", "--port", str(self.port), "--database", database, "--demo", str(demo),
                "--ice-address", "127.0.0.1", "--log-level", "warning", *extra]
        self.process = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CheckFailed(f"scenecast serve exited early: {self.output()}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise CheckFailed(f"scenecast serve did not answer /health within 90 s: {self.output()}")

    def output(self):
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return f.read()[-4000:]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def launch(width=1280, height=800, observer_receivers=False):
    """A headless Chromium whose page viewport is exactly width x height CSS pixels (DPR 1)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--allow-loopback-in-peer-connection",
        "--use-fake-ui-for-media-stream",
        "--autoplay-policy=no-user-gesture-required",
        "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows",
        f"--window-size={width},{height + 200}",
        "--force-device-scale-factor=1",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    driver.set_script_timeout(120)
    return Page(driver)


class Page:
    def __init__(self, driver):
        self.driver = driver

    def open(self, url):
        self.driver.get(url)

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def js_async(self, script, *args):
        """Runs `script` (its body ends by calling `done(value)`) and returns the value."""
        return self.driver.execute_async_script("const done = arguments[arguments.length - 1];\n" + script, *args)

    def wait(self, expression, timeout=30, what=None, poll=0.05):
        """Waits until the JS `expression` is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                last = self.js(f"try {{ return ({expression}); }} catch (e) {{ return null; }}")
            except Exception as error:  # a reload in progress
                last = str(error)
            if last:
                return last
            time.sleep(poll)
        raise CheckFailed(f"timed out after {timeout} s waiting for {what or expression} (last: {last!r}); "
                          f"console: {self.console_tail()}")

    def console_tail(self):
        try:
            entries = self.driver.get_log("browser")
        except Exception:
            return ""
        return " | ".join(e.get("message", "")[:300] for e in entries[-8:])

    def state(self):
        """A JSON snapshot of what the client knows: me, devices, version, mode, quality."""
        return self.js("""
            const sc = window.scenecast;
            const me = sc.session.participant ? sc.scene.participants.get(sc.session.participant) : null;
            return JSON.parse(JSON.stringify({
                live: sc.session.live, version: sc.scene.version, mode: sc.mode, me,
                devices: [...sc.scene.devices.values()], quality: sc.quality, size: sc.remote.size,
                pending: sc.pending.size, errors: sc.errors, timing: sc.timing, latency: sc.latency,
            }));
        """)

    def wait_video(self, timeout=60):
        return self.wait(
            "window.scenecast && window.scenecast.session.live && window.scenecast.quality"
            " && window.scenecast.quality.framesDecoded > 0 && window.scenecast.quality",
            timeout, "decoded video frames",
        )

    def video_offset(self, view_point):
        """Selenium's pointer offset (from the element's centre) of a view pixel."""
        at = self.js("return window.scenecast.remote.toElement(arguments[0]);", view_point)
        rect = self.js("const r = document.getElementById('remote-video').getBoundingClientRect();"
                       "return {w: r.width, h: r.height};")
        return round(at["x"] - rect["w"] / 2), round(at["y"] - rect["h"] / 2)

    def video(self):
        from selenium.webdriver.common.by import By
        return self.driver.find_element(By.ID, "remote-video")

    def click_view(self, view_point):
        from selenium.webdriver.common.action_chains import ActionChains
        dx, dy = self.video_offset(view_point)
        ActionChains(self.driver).move_to_element_with_offset(self.video(), dx, dy).click().perform()

    def drag_view(self, start, end, steps=12):
        from selenium.webdriver.common.action_chains import ActionChains
        sx, sy = self.video_offset(start)
        ex, ey = self.video_offset(end)
        chain = ActionChains(self.driver, duration=30).move_to_element_with_offset(self.video(), sx, sy).click_and_hold()
        for i in range(1, steps + 1):
            chain = chain.move_to_element_with_offset(self.video(), round(sx + (ex - sx) * i / steps),
                                                      round(sy + (ey - sy) * i / steps))
        chain.release().perform()

    def pixels(self, view_point, radius=6):
        """Mean RGB of the displayed frame around a view pixel."""
        return self.js("""
            const v = document.getElementById('remote-video');
            const p = arguments[0], r = arguments[1];
            const sx = v.videoWidth / window.scenecast.remote.size.width;
            const sy = v.videoHeight / window.scenecast.remote.size.height;
            const c = document.createElement('canvas');
            c.width = 2 * r; c.height = 2 * r;
            const g = c.getContext('2d');
            g.drawImage(v, p.x * sx - r, p.y * sy - r, 2 * r, 2 * r, 0, 0, 2 * r, 2 * r);
            const d = g.getImageData(0, 0, 2 * r, 2 * r).data;
            const m = [0, 0, 0];
            for (let i = 0; i < d.length; i += 4) { m[0] += d[i]; m[1] += d[i + 1]; m[2] += d[i + 2]; }
            return m.map((x) => x / (d.length / 4));
        """, view_point, radius)

    def screenshot_rgb(self, element):
        """The element's pixels as composited on screen: (width, height, rows of RGB bytes)."""
        return decode_png(element.screenshot_as_png)

    def quit(self):
        try:
            self.driver.quit()
        except Exception:
            pass


def decode_png(data):
    """Width, height and rows (bytes, RGB) of an 8-bit RGB or RGBA, non-interlaced PNG."""
    import struct
    import zlib
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and colour in (2, 6) and interlace == 0, f"unsupported PNG {depth} {colour} {interlace}"
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        previous = line
        rows.append(bytes(line) if channels == 3 else bytes(v for j, v in enumerate(line) if j % 4 != 3))
    return width, height, rows


def emit(kind, **fields):
    """One machine-readable line for the caller (the Swift test or the bench)."""
    print(f"RESULT {json.dumps({'kind': kind, **fields}, sort_keys=True)}", flush=True)
