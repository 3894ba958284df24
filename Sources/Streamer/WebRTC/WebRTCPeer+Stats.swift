import CGStreamer

/// What a peer's receiver reports back over RTCP.
package struct ReceiverReport: Sendable, Equatable {
    /// The fraction of packets lost since the last report, 0...1.
    package var fractionLost: Double
    /// Round-trip time in seconds (0 when unknown).
    package var roundTrip: Double

    package init(fractionLost: Double, roundTrip: Double) {
        self.fractionLost = fractionLost
        self.roundTrip = roundTrip
    }
}

extension WebRTCPeer {
    /// Asks webrtcbin for its stats; `body` gets the worst `remote-inbound-rtp` report
    /// (nil before the first RTCP receiver report).
    package func receiverReport(_ body: @escaping @Sendable (ReceiverReport?) -> Void) {
        let promise = makePromise { reply in
            guard let reply else { return body(nil) }
            let collector = ReportCollector()
            let visit: GstStructureForeachFunc = { _, value, data in
                guard let value, let stats = scenecast_value_structure(value), let data else { return 1 }
                var type: gint = 0
                guard gst_structure_get_enum(stats, "type", gst_webrtc_stats_type_get_type(), &type) != 0,
                    type == gint(GST_WEBRTC_STATS_REMOTE_INBOUND_RTP.rawValue)
                else { return 1 }
                var lost: gdouble = 0
                var rtt: gdouble = 0
                _ = gst_structure_get_double(stats, "fraction-lost", &lost)
                _ = gst_structure_get_double(stats, "round-trip-time", &rtt)
                let collector = Unmanaged<ReportCollector>.fromOpaque(data).takeUnretainedValue()
                let report = ReceiverReport(fractionLost: lost, roundTrip: rtt)
                if let worst = collector.worst, worst.fractionLost >= lost { return 1 }
                collector.worst = report
                return 1
            }
            withExtendedLifetime(collector) {
                _ = gst_structure_foreach(reply, visit, Unmanaged.passUnretained(collector).toOpaque())
            }
            body(collector.worst)
        }
        scenecast_emit_get_stats(webrtc.pointer, promise)
        gst_promise_unref(promise)
    }
}

/// Collects reports during one synchronous `gst_structure_foreach`.
private final class ReportCollector {
    var worst: ReceiverReport?
}
