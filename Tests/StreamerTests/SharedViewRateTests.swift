import Testing
@testable import Streamer

@Suite("Shared-view bitrate: weakest peer down to a floor, splits and promotions")
struct SharedViewRateTests {
    let clean = ReceiverReport(fractionLost: 0, roundTrip: 0.01)
    let lossy = ReceiverReport(fractionLost: 0.2, roundTrip: 0.1)

    @Test("a lone peer takes the view all the way down to the bounds, and is never split")
    func lonePeer() {
        var rate = SharedViewRate<Int>(bounds: 1_000...8_000, floorKbps: 2_000, maxFPS: 60, canSplit: true, startKbps: 4_000)
        var kbps = 4_000
        for _ in 0..<20 {
            let d = rate.update([1: lossy], current: kbps)
            #expect(d.split.isEmpty)
            kbps = d.kbps
        }
        #expect(kbps == 1_000)
    }

    @Test("on a shared view the encoder stops at the floor; the weak peer is split after three intervals below it")
    func split() {
        var rate = SharedViewRate<Int>(bounds: 1_000...8_000, floorKbps: 2_000, maxFPS: 60, canSplit: true, startKbps: 4_000)
        var kbps = 4_000
        var splitAt: Int?
        for interval in 1...20 {
            let d = rate.update([1: clean, 2: lossy], current: kbps)
            #expect(d.kbps >= 2_000, "the shared view went under its floor at interval \(interval)")
            kbps = d.kbps
            if !d.split.isEmpty {
                #expect(d.split == [2])
                splitAt = interval
                break
            }
        }
        // 4000 → 2800 → 1960 (under the floor from interval 2), split on the third interval under it.
        #expect(splitAt == 4)
        // Without the weak peer, the view climbs again with the healthy one.
        let d = rate.update([1: clean], current: kbps)
        #expect(d.kbps > kbps && d.split.isEmpty)
    }

    @Test("a small view, whose floor is its bottom: a peer pinned there by loss is split, and the view keeps its frame rate")
    func splitAtTheBottom() {
        // 320x240: 200...666 kb/s, a quarter of the top (166) is under the bottom.
        let bounds = 200...666
        var rate = SharedViewRate<Int>(
            bounds: bounds, floorKbps: SharedViewRate<Int>.defaultFloor(bounds), maxFPS: 30, canSplit: true, startKbps: 666)
        var kbps = 666
        var splitAt: Int?
        for interval in 1...20 {
            let d = rate.update([1: clean, 2: lossy], current: kbps)
            #expect(d.fps == 30, "the shared view's frame rate fell at interval \(interval)")
            kbps = d.kbps
            if !d.split.isEmpty {
                #expect(d.split == [2])
                splitAt = interval
                break
            }
        }
        // 666 → 466 → 326 → 228 → 200 (the bottom from interval 4), split on the third there.
        #expect(splitAt == 6)
    }

    @Test("a peer with no report yet changes nothing and is not split")
    func noReports() {
        var rate = SharedViewRate<Int>(bounds: 1_000...8_000, floorKbps: 2_000, maxFPS: 60, canSplit: true, startKbps: 4_000)
        for _ in 0..<10 {
            let d = rate.update([1: nil, 2: nil], current: 4_000)
            #expect(d == .init(kbps: 4_000, fps: 60))
        }
    }

    @Test("on a lower-rate view a peer at the top with clean reports for ten intervals is promoted; loss resets the count")
    func promote() {
        var rate = SharedViewRate<Int>(bounds: 250...2_000, floorKbps: 250, maxFPS: 30, canSplit: false, startKbps: 2_000)
        var promotedAt: Int?
        for interval in 1...30 {
            let report = interval == 5 ? ReceiverReport(fractionLost: 0.05, roundTrip: 0.1) : clean
            let d = rate.update([7: report], current: 2_000)
            #expect(d.split.isEmpty)
            if d.promote == [7] {
                promotedAt = interval
                break
            }
        }
        // The lossy interval 5 lowers the rate and restarts the count; the climb back to
        // 2000 takes two more intervals, then ten at the top.
        #expect((promotedAt ?? 0) > 10, "promoted at \(String(describing: promotedAt))")
    }

    @Test("the floor is a quarter of the top, at least the bottom")
    func floor() {
        #expect(SharedViewRate<Int>.defaultFloor(1_000...8_000) == 2_000)
        #expect(SharedViewRate<Int>.defaultFloor(1_000...2_000) == 1_000)
    }

    @Test("codec choice: H.264 first, VP8 when H.264 is not offered, none when neither; an empty list means H.264")
    func codecChoice() {
        let both: Set<VideoCodec> = [.h264, .vp8]
        #expect(VideoCodec.choose(offered: ["video/H264", "video/VP8"], available: both) == .h264)
        #expect(VideoCodec.choose(offered: ["VP8", "VP9"], available: both) == .vp8)
        #expect(VideoCodec.choose(offered: ["AV1"], available: both) == nil)
        #expect(VideoCodec.choose(offered: [], available: both) == .h264)
        #expect(VideoCodec.choose(offered: ["H264"], available: [.vp8]) == nil)
        #expect(SignalMachine.accepts(.vp8, "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 97\r\na=rtpmap:97 VP8/90000\r\n"))
        #expect(!SignalMachine.accepts(.h264, "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 97\r\na=rtpmap:97 VP8/90000\r\n"))
    }
}
