#!/usr/bin/python3
"""The browser half of `scenecast bench stream`: headless Chromium at 1280x720 against a
running `scenecast serve --demo 100`. Prints `PROGRESS <text>` while it works and one
`RESULT {...}` line per figure; `scenecast bench stream` turns them into its final line.

Figures:
- latency: input-to-photon over N probes, from the client's own tester (window.scenecast.latency);
- first-frame: WebSocket open to the first displayed video frame, median of fresh page loads;
- orbit: decoded frames per second while the camera orbits continuously;
- cpu: the server process's CPU (from /proc) per view while one view orbits;
- observers: light receivers (encoded frames counted through insertable streams, never
  decoded) added five at a time to the driver's view while the plant animates, until one
  falls under 25 fps; then the driver orbits, and the receivers' frame rates are reported.
"""

import argparse
import statistics
import sys
import time

from scenecast_browser import BrowserMissing, CheckFailed, emit, launch, require_browser

ORBIT = """
window.__orbit = true;
window.__orbitSteps = window.__orbitSteps || 0;
const step = () => {
  if (!window.__orbit) return;
  window.__orbitSteps++;
  window.scenecast.remote.queue({ dAz: 1.5 });
  requestAnimationFrame(step);
};
requestAnimationFrame(step);
"""

DECODED = "window.scenecast.remote.media.stats().then((s) => done(s.inbound.framesDecoded));"

# Where the frames go while orbiting: the page's input steps (one camera command per
# animation frame), the server view's counters (GET /api/views) and the receiver's.
STAGES = """
Promise.all([fetch('/api/views').then((r) => r.json()), window.scenecast.remote.media.stats()]).then(([views, s]) => done({
  steps: window.__orbitSteps || 0, views: views.views || views,
  received: s.inbound.framesReceived, decoded: s.inbound.framesDecoded, dropped: s.inbound.framesDropped || 0,
  at: performance.now(),
}), (e) => done({ error: String(e) }));
"""

# Light receivers: each joins as an observer, answers the offer and counts the encoded
# frames its video receiver delivers, without ever passing them to a decoder.
RECEIVERS = """
window.__receivers = window.__receivers || [];
const add = (n) => {
  for (let i = 0; i < n; i++) {
    const r = { frames: [], state: 'new' };
    window.__receivers.push(r);
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/signal`);
    let pc = null;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'join', scene: 'demo', role: 'observer', name: `receiver ${window.__receivers.length}`,
                                               media: 'video', width: 1280, height: 720 }));
    ws.onmessage = async (event) => {
      const m = JSON.parse(event.data);
      if (m.type === 'joined') r.state = 'joined';
      else if (m.type === 'offer') {
        pc = new RTCPeerConnection({ iceServers: [], encodedInsertableStreams: true, bundlePolicy: 'max-bundle' });
        pc.onicecandidate = (e) => e.candidate && e.candidate.candidate &&
          ws.send(JSON.stringify({ type: 'ice', candidate: e.candidate.candidate, sdpMLineIndex: e.candidate.sdpMLineIndex || 0 }));
        pc.ontrack = (e) => {
          const { readable } = e.receiver.createEncodedStreams();
          const reader = readable.getReader();
          r.state = 'track';
          const pump = () => reader.read().then(({ value, done }) => {
            if (done) return;
            r.frames.push(performance.now());
            if (r.frames.length > 2000) r.frames.splice(0, 1000);
            pump();
          });
          pump();
        };
        await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        ws.send(JSON.stringify({ type: 'answer', sdp: pc.localDescription.sdp }));
      } else if (m.type === 'ice' && pc) {
        pc.addIceCandidate(m.candidate ? { candidate: m.candidate, sdpMLineIndex: m.sdpMLineIndex || 0 } : null).catch(() => {});
      }
    };
  }
};
window.__addReceivers = add;
window.__receiverFps = (seconds) => {
  const now = performance.now();
  return window.__receivers.map((r) => r.frames.filter((t) => t > now - seconds * 1000).length / seconds);
};
"""


def progress(text):
    print(f"PROGRESS {text}", flush=True)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    import os
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def orbit_stages(a, b):
    """Per-second rates of each stage between two STAGES readings, for the driver's view
    (the only one while it orbits)."""
    seconds = (b["at"] - a["at"]) / 1000
    view0 = {v["id"]: v for v in a["views"]}
    view1 = max(b["views"], key=lambda v: v["frames"]["rendered"])
    f0 = view0.get(view1["id"], {}).get("frames", {"changes": 0, "rendered": 0, "renderMs": 0, "pushed": 0, "encoded": 0})
    f1 = view1["frames"]
    rendered = f1["rendered"] - f0["rendered"]
    rate = lambda key: (f1[key] - f0[key]) / seconds
    return {
        "input": (b["steps"] - a["steps"]) / seconds, "changes": rate("changes"), "rendered": rate("rendered"),
        "render_ms": (f1["renderMs"] - f0["renderMs"]) / max(rendered, 1), "pushed": rate("pushed"), "encoded": rate("encoded"),
        "received": (b["received"] - a["received"]) / seconds, "decoded": (b["decoded"] - a["decoded"]) / seconds,
        "dropped": (b["dropped"] - a["dropped"]) / seconds,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--server-pid", type=int, required=True)
    parser.add_argument("--probes", type=int, default=100)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--observers-max", type=int, default=60)
    parser.add_argument("--orbit-seconds", type=float, default=6)
    args = parser.parse_args()
    try:
        require_browser()
    except BrowserMissing as error:
        print(f"FAIL {error}", flush=True)
        return 2
    page = None
    receivers = None
    try:
        page = launch(1280, 720)
        url = args.url.rstrip("/") + "/?scene=demo&role=driver&mode=remote&kiosk=1"
        firsts = []
        for i in range(args.loads):
            progress(f"first frame: page load {i + 1} of {args.loads}")
            page.open(url)
            page.wait_video(90)
            timing = page.wait("window.scenecast.timing.firstFrameMs !== null && window.scenecast.timing", 30, "first frame")
            firsts.append(timing["firstFrameMs"])
        size = page.js("return window.scenecast.remote.requested;")
        if size != {"width": 1280, "height": 720}:
            raise CheckFailed(f"the video element asked for {size}, not 1280x720")
        emit("first-frame", ms=statistics.median(firsts), samples=firsts)

        progress(f"input-to-photon: {args.probes} probes")
        summary = page.js_async(f"window.scenecast.remote.latency.run({args.probes}).then(done, (e) => done({{error: String(e)}}));")
        if "error" in summary or not summary["count"]:
            raise CheckFailed(f"the latency tester measured nothing: {summary}")
        emit("latency", p50=summary["p50"], p95=summary["p95"], p99=summary["p99"], count=summary["count"], lost=summary["lost"],
             received_p50=summary.get("receivedP50"), browser_p50=summary.get("browserP50"))
        # Where the browser's share goes (getStats, means since the stream began).
        q = page.js("return window.scenecast.quality;") or {}
        emit("browser", jitter_buffer_ms=q.get("jitterBufferMs"), decode_ms=q.get("decodeMs"), decoder=q.get("decoder"))

        # The usual state of a watched plant: flows animate, nothing else moves.
        progress("server CPU while the plant animates")
        frames0 = page.js_async(DECODED)
        cpu0, t0 = cpu_seconds(args.server_pid), time.monotonic()
        time.sleep(4)
        frames1 = page.js_async(DECODED)
        cpu1, t1 = cpu_seconds(args.server_pid), time.monotonic()
        emit("animating", fps=(frames1 - frames0) / (t1 - t0), cpu_percent=100 * (cpu1 - cpu0) / (t1 - t0))

        progress(f"orbit: {args.orbit_seconds:g} s of continuous camera motion")
        page.js(ORBIT)
        time.sleep(1)
        stages0 = page.js_async(STAGES)
        cpu0, t0 = cpu_seconds(args.server_pid), time.monotonic()
        time.sleep(args.orbit_seconds)
        stages1 = page.js_async(STAGES)
        cpu1, t1 = cpu_seconds(args.server_pid), time.monotonic()
        if "error" in stages0 or "error" in stages1:
            raise CheckFailed(f"the orbit's frame counters could not be read: {stages0} {stages1}")
        emit("orbit", fps=(stages1["decoded"] - stages0["decoded"]) / (t1 - t0))
        emit("cpu", percent_per_view=100 * (cpu1 - cpu0) / (t1 - t0))
        emit("orbit-stages", **orbit_stages(stages0, stages1))

        # Observers share the driver's view while the plant animates (frames at the
        # animation rate, 30 fps): the common case, where a driver edits now and then.
        page.js("window.__orbit = false;")
        progress("observers: light receivers on the driver's view while the plant animates")
        receivers = launch(800, 600)
        receivers.open(args.url.rstrip("/") + "/health")
        receivers.js(RECEIVERS)
        held = 0
        count = 0
        worst = None
        while count < args.observers_max:
            receivers.js("window.__addReceivers(5);")
            count += 5
            receivers.wait(f"window.__receivers.filter((r) => r.frames.length > 0).length >= {count}", 30,
                           f"{count} receivers to get frames")
            time.sleep(4)
            fps = receivers.js("return window.__receiverFps(3);")
            worst = min(fps)
            progress(f"observers: {count} receivers, slowest {worst:.1f} fps")
            if worst < 25:
                break
            held = count
        emit("observers", held=held, tried=count, slowest_fps=worst)
        # The worst case on top: the driver orbits, so the view runs at up to 60 fps.
        page.js(ORBIT)
        time.sleep(3)
        fps = receivers.js("return window.__receiverFps(3);")
        emit("observers-orbit", receivers=count, slowest_fps=min(fps), median_fps=statistics.median(fps))
        page.js("window.__orbit = false;")
        return 0
    except CheckFailed as error:
        print(f"FAIL {error}", flush=True)
        return 1
    finally:
        for p in (page, receivers):
            if p:
                p.quit()


if __name__ == "__main__":
    sys.exit(main())
