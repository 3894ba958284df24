#!/usr/bin/python3
"""Browser end-to-end checks of the web client against a live `scenecast serve`.

    run_tests.py --scenecast .build/debug/scenecast --database <conninfo>   # starts its own server
    run_tests.py --url http://127.0.0.1:8080                               # an already running one

Prints `ok <check>` per passed check and `RESULT {...}` lines for the caller (the Swift test
checks the ledger from them); exits 1 when a check fails and 2 when the browser is missing.
"""

import argparse
import re
import subprocess
import sys
import time
import uuid

from scenecast_browser import BrowserMissing, CheckFailed, Server, emit, launch, require_browser

FIND_DEVICE = """
const sc = window.scenecast, r = sc.remote, W = r.size.width, H = r.size.height;
const picks = [];
for (const d of sc.scene.devices.values()) {
  if (d.kind !== 'work_center') continue;
  const p = r.viewPointOf([d.position[0], d.position[1] + 1.0, d.position[2]]);
  if (!p || p.x < 80 || p.y < 80 || p.x > W - 200 || p.y > H - 80) continue;
  const around = [[0, 0], [-5, 0], [5, 0], [0, -5], [0, 5]];
  if (!around.every(([x, y]) => r.deviceAt({ x: p.x + x, y: p.y + y }) === d.id)) continue;
  picks.push({ id: d.id, name: d.name, p, dist: Math.hypot(p.x - W / 2, p.y - H / 2) });
}
picks.sort((a, b) => a.dist - b.dist);
return picks[0] || null;
"""


CORNER = """
const v = document.getElementById('remote-video');
const c = document.createElement('canvas'); c.width = 64; c.height = 32;
const g = c.getContext('2d', { willReadFrequently: true });
g.drawImage(v, 0, 0, 64, 32, 0, 0, 64, 32);
const d = g.getImageData(0, 0, 64, 32).data;
const mean = (x0, x1, y0, y1) => {
  let s = 0, n = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
    const i = 4 * (y * 64 + x); s += 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2]; n++;
  }
  return s / n;
};
return { left: mean(4, 12, 12, 20), right: mean(20, 28, 12, 20), square: mean(2, 30, 2, 30), beside: mean(34, 62, 2, 30),
         counter: window.scenecast.scene.probeMarker, width: v.videoWidth };
"""


def marker_hidden(page, when):
    """No probe marker in the video's top-left corner: neither the probe pattern (black
    left half, white right half) nor a dark square standing out from the pixels beside it."""
    deadline = time.monotonic() + 10
    while True:
        corner = page.js(CORNER)
        pattern = corner["left"] < 70 and corner["right"] > 185
        square = corner["square"] < 60 and corner["beside"] - corner["square"] > 40
        if corner["width"] and not pattern and not square and corner["counter"] % 2 == 0:
            return corner
        check(time.monotonic() < deadline, f"a probe marker is visible {when}: {corner}")
        time.sleep(0.2)


def me_field(page, field):
    return f"(window.scenecast.scene.participants.get(window.scenecast.session.participant) || {{}}).{field}"


def device(page, device_id):
    return page.js("return JSON.parse(JSON.stringify(window.scenecast.scene.devices.get(arguments[0]) || null));", device_id)


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def frames_decode(page):
    page.open(page.base + "/?scene=demo&role=driver&mode=remote")
    q = page.wait_video()
    size = page.js("return window.scenecast.remote.requested;")
    check(q["width"] == size["width"] and q["height"] == size["height"],
          f"decoded frames are {q['width']}x{q['height']}, the client asked for {size['width']}x{size['height']}")
    before = q["framesDecoded"]
    azimuth = page.js(f"return {me_field(page, 'camera')}.azimuth;")
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    page.js("document.getElementById('remote-video').focus();")  # focus without clicking (a click selects)
    for _ in range(4):
        ActionChains(page.driver).send_keys(Keys.ARROW_RIGHT).perform()  # arrows orbit
        time.sleep(0.15)
    page.wait(f"{me_field(page, 'camera')}.azimuth !== {azimuth}", 15, "the keyboard orbit to reach the camera")
    page.wait(f"window.scenecast.quality && window.scenecast.quality.framesDecoded > {before}", 15, "more decoded frames")
    rest = marker_hidden(page, "before any probe")
    summary = page.js_async("window.scenecast.remote.latency.run(9).then(done, (e) => done({error: String(e)}));")
    check("error" not in summary, f"the latency tester failed: {summary}")
    check(summary["count"] >= 5, f"the latency probe showed or hid the marker in only {summary['count']} of 10 probes: {summary}")
    check(summary["count"] + summary["lost"] == 10, f"an odd run did not end with the probe that hides the marker: {summary}")
    after = marker_hidden(page, "after the latency run")
    emit("marker", rest=rest, after=after)
    emit("frames", size=size, framesDecoded=page.js("return window.scenecast.quality.framesDecoded;"),
         latency={k: summary[k] for k in ("count", "p50", "p95", "p99")})


def click_selects(page):
    target = page.js(FIND_DEVICE)
    check(target is not None, "no work centre is clearly visible in the default view")
    before = page.pixels(target["p"])
    page.click_view(target["p"])
    page.wait(f"{me_field(page, 'selection')} === '{target['id']}'", 20, f"selection of {target['name']} in state:update")
    deadline = time.monotonic() + 10
    diff = 0
    while time.monotonic() < deadline:
        after = page.pixels(target["p"])
        diff = max(abs(a - b) for a, b in zip(after, before))
        if diff > 25:
            break
        time.sleep(0.1)
    check(diff > 25, f"the selected device's pixels did not change (mean RGB {before} stayed within {diff:.1f})")
    emit("selected", device=target["id"])
    return target


def drag_moves(page, target):
    start = device(page, target["id"])["position"]
    end = {"x": target["p"]["x"] + 150, "y": target["p"]["y"] + 30}
    page.drag_view(target["p"], end)
    page.wait(f"(window.scenecast.scene.devices.get('{target['id']}') || {{}}).position[0] !== {start[0]}"
              " && window.scenecast.pending.size === 0", 20, "the dragged device's committed move")
    position = device(page, target["id"])["position"]
    moved = ((position[0] - start[0]) ** 2 + (position[2] - start[2]) ** 2) ** 0.5
    check(moved > 1, f"the device moved only {moved:.2f} m ({start} -> {position})")
    check(position[1] == start[1], "a drag on the ground plane changed the height")
    emit("dragged", scene=page.js("return window.scenecast.scene.id;"), device=target["id"], position=position)
    return position


V7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def command_ids_time_ordered(page, database, device_id):
    """The page's command ids are version 7 UUIDs (RFC 9562), strictly increasing and
    stamped with the page's clock, and the ledger stored the drag under such an id."""
    ids = page.js_async(
        "import('/protocol.js').then((p) => { const now = Date.now();"
        " done({now, ids: Array.from({length: 5000}, () => p.newCommandId())}); },"
        " (e) => done({error: String(e)}));")
    check("error" not in ids, f"protocol.js did not load: {ids}")
    bad = [i for i in ids["ids"] if not V7.match(i)]
    check(not bad, f"{len(bad)} of 5000 command ids are not version 7 UUIDs, e.g. {bad[:2]}")
    check(all(a < b for a, b in zip(ids["ids"], ids["ids"][1:])), "the page's command ids do not strictly increase")
    millis = int(ids["ids"][0].replace("-", "")[:12], 16)
    check(abs(millis - ids["now"]) < 2000, f"the first id carries time {millis}, the page's clock read {ids['now']}")
    if database:
        stored = subprocess.run(
            ["psql", database, "-AtX", "-c",
             "SELECT command_id FROM events WHERE type = 'device.moved'"
             f" AND payload->>'id' = '{device_id}' ORDER BY position DESC LIMIT 1"],
            capture_output=True, text=True, timeout=30)
        check(stored.returncode == 0, f"psql failed: {stored.stderr.strip()}")
        check(V7.match(stored.stdout.strip()) is not None,
              f"the drag was stored under command id {stored.stdout.strip()!r}, not a version 7 UUID")
    emit("command-ids", first=ids["ids"][0], last=ids["ids"][-1])


def bands(width, height, rows, dark=0x11, tolerance=8):
    """Widths of the black (#111) bands along each edge of a screenshot: columns or rows
    whose every pixel is the panel's background."""
    def is_dark(pixels):
        return all(abs(v - dark) <= tolerance for v in pixels)

    def column(x):
        return [v for row in rows for v in row[3 * x:3 * x + 3]]

    def run(indices, line):
        n = 0
        for i in indices:
            if not is_dark(line(i)):
                break
            n += 1
        return n

    return {
        "left": run(range(width), column), "right": run(reversed(range(width)), column),
        "top": run(range(height), lambda y: rows[y]), "bottom": run(reversed(range(height)), lambda y: rows[y]),
    }


def video_fills_panel(base, width, height):
    """At a window size, the driver's video covers its panel (no band wider than two
    pixels, read from the composited screenshot) and a click on a device selects it."""
    from selenium.webdriver.common.by import By
    page = launch(width, height)
    try:
        page.base = base
        page.open(base + "/?scene=demo&role=driver&mode=remote")
        page.wait_video()
        time.sleep(2)  # the layout settles (a panel that changed size rejoins at its new size)
        page.wait_video()
        page.wait("window.scenecast.remote.media && window.scenecast.remote.media.firstFrameAt !== null", 30, "video")
        panel = page.driver.find_element(By.ID, "remote-section")
        w, h, rows = page.screenshot_rgb(panel)
        edge = bands(w, h, rows)
        geometry = page.js("""const v = document.getElementById('remote-video'), r = v.getBoundingClientRect();
            return {element: [r.width, r.height], video: [v.videoWidth, v.videoHeight], fit: getComputedStyle(v).objectFit,
                    requested: window.scenecast.remote.requested};""")
        check(max(edge.values()) <= 2, f"at {width}x{height} the video leaves black bands {edge} in its panel: {geometry}")
        target = click_selects(page)
        emit("fills", window=[width, height], bands=edge, geometry=geometry, device=target["id"])
    finally:
        page.quit()


def driver_and_observer(driver, observer, target):
    observer.open(observer.base + "/?scene=demo&role=observer&mode=remote")
    observer.wait_video()
    name = f"Renamed {uuid.uuid4().hex[:6]}"
    driver.js("""const i = document.getElementById('rename-input'); i.value = arguments[0];
                 i.dispatchEvent(new Event('input')); i.form.requestSubmit();""", name)
    for page, who in ((driver, "driver"), (observer, "observer")):
        page.wait(f"(window.scenecast.scene.devices.get('{target['id']}') || {{}}).name === {name!r}", 20,
                  f"the rename to reach the {who}")
    check(observer.js("return document.querySelector('#details fieldset.edit-controls').disabled || "
                      "document.querySelector('#connection-form fieldset').disabled;"),
          "the observer's edit controls are enabled")
    position = device(observer, target["id"])["position"]
    ref = str(uuid.uuid4())
    observer.js("window.scenecast.sendCommand({id: arguments[0], type: 'device:drag', timestamp: Date.now(),"
                " data: {deviceId: arguments[1], position: [0, 0, 0]}});", ref, target["id"])
    code = observer.wait(f"(window.scenecast.errors.find((e) => e.ref === '{ref}') || {{}}).code", 20,
                         "the refusal of the observer's edit")
    check(code == "forbidden", f"the observer's edit got {code!r}, not forbidden")
    time.sleep(0.5)
    for page in (driver, observer):
        check(device(page, target["id"])["position"] == position, "the observer's refused edit moved the device")
    emit("observer", device=target["id"], name=name, refused=code)


def observer_detaches(observer, driver):
    """An observer's orbit gives it a view of its own camera; Follow returns it to the driver's."""
    driver_size = driver.js("return window.scenecast.remote.requested;")
    check(observer.js("return window.scenecast.remote.following;"), "the observer does not follow the driver at first")
    observer.wait(f"document.getElementById('remote-video').videoWidth === {driver_size['width']}", 20,
                  "the observer's video to show the driver's view (its size)")
    own = observer.js("return window.scenecast.remote.requested;")
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    observer.js("document.getElementById('remote-video').focus();")
    ActionChains(observer.driver).send_keys(Keys.ARROW_LEFT).perform()
    observer.wait("!window.scenecast.remote.following", 15, "the observer's orbit to detach its view")
    observer.wait(f"document.getElementById('remote-video').videoWidth === {own['width']} && "
                  f"document.getElementById('remote-video').videoHeight === {own['height']}", 20,
                  "the detached observer's video at its own size")
    before = observer.js("return document.getElementById('remote-video').getVideoPlaybackQuality().totalVideoFrames;")
    observer.wait(f"document.getElementById('remote-video').getVideoPlaybackQuality().totalVideoFrames > {before + 5}", 15,
                  "frames of the observer's own view")
    check(not observer.js("return document.getElementById('follow-driver').hidden;"), "the Follow button is hidden")
    observer.js("document.getElementById('follow-driver').click();")
    observer.wait(f"window.scenecast.remote.following && document.getElementById('remote-video').videoWidth === {driver_size['width']}",
                  20, "Follow to bring back the driver's view")
    check(observer.js("return document.getElementById('follow-driver').hidden;"), "the Follow button stays after following")
    emit("detached", own=own, driver=driver_size)


def reload_resumes(page, target, position):
    camera = page.js(f"return {me_field(page, 'camera')};")
    version = page.js("return window.scenecast.scene.version;")
    page.driver.refresh()
    page.wait_video()
    check(page.js("return window.scenecast.scene.version;") >= version, "the reloaded scene is older than before")
    check(device(page, target["id"])["position"] == position, "the reloaded scene lost the committed move")
    deadline = time.monotonic() + 20
    while page.js(f"return {me_field(page, 'camera')};") != camera:
        check(time.monotonic() < deadline, f"the camera was not restored after the reload (was {camera})")
        time.sleep(0.1)
    page.wait(f"{me_field(page, 'selection')} === '{target['id']}'", 20, "the selection to be restored after the reload")
    emit("reloaded", version=page.js("return window.scenecast.scene.version;"))


def media_failure_rejoins(page, target):
    """Video that played and then failed (ICE consent lost) rejoins and plays again."""
    before = page.js("return window.scenecast.session.participant;")
    version = page.js("return window.scenecast.scene.version;")
    camera = page.js(f"return {me_field(page, 'camera')};")
    old_media = "window.__failedMedia"
    # Chromium offers a test no way to break a loopback ICE path, so the client's media
    # session reports the state its RTCPeerConnection reaches once ICE consent expires.
    page.js(f"{old_media} = window.scenecast.remote.media; {old_media}.onState('failed');")
    page.wait(f"window.scenecast.session.live && window.scenecast.session.participant !== '{before}'", 30,
              "a new session after the video connection failed")
    page.wait(f"window.scenecast.remote.media && window.scenecast.remote.media !== {old_media}"
              " && window.scenecast.remote.media.firstFrameAt !== null", 30, "video from the new session")
    check(page.js("return window.scenecast.scene.version;") >= version, "the rejoined scene is older than before")
    check(device(page, target["id"]) is not None, "the rejoined scene lost the device")
    check(page.js("return window.scenecast.mode;") == "remote", "the client left remote mode after rejoining")
    deadline = time.monotonic() + 20
    while page.js(f"return {me_field(page, 'camera')};") != camera:
        check(time.monotonic() < deadline, f"the camera was not restored after rejoining (was {camera})")
        time.sleep(0.1)
    emit("media-failure", before=before, after=page.js("return window.scenecast.session.participant;"))


def replay_works(driver, viewer):
    """The live driver's session replayed in a second page: frames, step, seek, errors."""
    session = driver.js("return window.scenecast.session.participant;")
    check(driver.js("return document.getElementById('replay-link').getAttribute('href');") == f"replay.html?session={session}",
          "the live page's Replay this session link does not point at its session")
    viewer.open(viewer.base + f"/replay.html?session={session}")
    viewer.wait("window.scenecastReplay && window.scenecastReplay.states > 0", 20, "the first replay:state")
    viewer.wait("document.getElementById('replay-video').getVideoPlaybackQuality().totalVideoFrames > 2", 30,
                "decoded frames of the replay")
    first = viewer.js("return window.scenecastReplay.version;")
    viewer.js("document.getElementById('replay-forward').click();")
    viewer.wait(f"window.scenecastReplay.version === {first + 1}", 15, "a step forward to reach the next version")
    viewer.js("const r = document.getElementById('replay-seek'); r.value = r.max; r.dispatchEvent(new Event('change'));")
    viewer.wait(f"window.scenecastReplay.version > {first + 1} && "
                "window.scenecastReplay.version === window.scenecastReplay.lastVersion", 15,
                "a seek to the end to reach the session's last version")
    viewer.wait("window.scenecastReplay.seekFrameMs !== null", 15, "a frame shown after the seek")
    seek = viewer.js("return {state: window.scenecastReplay.seekStateMs, frame: window.scenecastReplay.seekFrameMs};")
    viewer.js("window.scenecastReplay.errors.length = 0; document.getElementById('replay-session').value = 'nope';"
              "document.getElementById('replay-open').requestSubmit();")
    viewer.wait("window.scenecastReplay.errors.length > 0", 15, "replay:error for a malformed session id")
    emit("replay", session=session, first=first, last=viewer.js("return window.scenecastReplay.version;"),
         seekStateMs=round(seek["state"], 1), seekFrameMs=round(seek["frame"], 1))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url")
    parser.add_argument("--scenecast")
    parser.add_argument("--database")
    args = parser.parse_args()
    try:
        require_browser()
    except BrowserMissing as error:
        print(f"FAIL browser: {error}", flush=True)
        return 2
    server = None
    pages = []
    try:
        if args.url:
            base = args.url.rstrip("/")
        elif args.scenecast and args.database:
            server = Server(args.scenecast, args.database)
            base = server.url
        else:
            parser.error("give --url, or --scenecast and --database")
        # A driver's page big enough for a view near 1280x720 at 60 fps (H.264 level 5.1).
        driver = launch(1600, 900)
        observer = launch(1024, 700)
        pages = [driver, observer]
        for page in pages:
            page.base = base
        for width, height in ((1366, 768), (1280, 800)):
            video_fills_panel(base, width, height)
        print("ok at 1366x768 and 1280x800 the video covers its panel, and a click selects the device under it", flush=True)
        frames_decode(driver)
        print("ok frames decode at the requested size; latency probes show and hide the marker, and none shows at rest", flush=True)
        target = click_selects(driver)
        print("ok a click selects the device under it (state:update and pixels)", flush=True)
        position = drag_moves(driver, target)
        print("ok dragging the selected device moves it", flush=True)
        command_ids_time_ordered(driver, args.database, target["id"])
        print("ok the page's command ids are time-ordered (UUIDv7) and the ledger stored the drag under one", flush=True)
        driver_and_observer(driver, observer, target)
        print("ok driver and observer see the same edits; the observer's edit is refused", flush=True)
        observer_detaches(observer, driver)
        print("ok an observer's orbit detaches its view to its own camera; Follow returns to the driver's", flush=True)
        reload_resumes(driver, target, position)
        print("ok a reload resumes through state:full", flush=True)
        replay_works(driver, observer)
        print("ok the session replays in a second page: frames, step, seek, errors", flush=True)
        media_failure_rejoins(driver, target)
        print("ok video that fails after playing rejoins and plays again", flush=True)
        return 0
    except CheckFailed as error:
        print(f"FAIL {error}", flush=True)
        if server:
            print(f"server log: {server.output()}", flush=True)
        return 1
    finally:
        for page in pages:
            page.quit()
        if server:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
