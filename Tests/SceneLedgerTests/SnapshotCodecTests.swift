import Foundation
import Testing
@testable import SceneLedger

@Suite struct SnapshotCodecTests {
    typealias F = SceneFixtures

    func compressionFailure(_ bytes: [UInt8], maxSize: Int = 256 << 20) -> LedgerError? {
        do {
            _ = try Zstd.decompress(bytes, maxSize: maxSize)
            return nil
        } catch {
            return error
        }
    }

    @Test func snapshotRoundTrips() throws {
        let state = StateHashTests.smallScene()
        let bytes = try SnapshotCodec.encode(state)
        #expect(Array(bytes.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD], "a zstd frame")
        let decoded = try SnapshotCodec.decode(bytes)
        #expect(decoded == state)
        #expect(decoded.stateHash == state.stateHash)
        #expect(try Zstd.decompress(bytes) == state.canonicalBytes)

        let empty = SceneState(sceneID: F.scene)
        #expect(try SnapshotCodec.decode(try SnapshotCodec.encode(empty)) == empty)
    }

    @Test func zstdRoundTripsAndCompresses() throws {
        let text = Array(String(repeating: "conveyor belt ", count: 5_000).utf8)
        let packed = try Zstd.compress(text, level: 9)
        #expect(packed.count < text.count / 10)
        #expect(try Zstd.decompress(packed) == text)
        #expect(try Zstd.decompress(try Zstd.compress([])) == [])
    }

    @Test func truncatedInputIsACompressionError() throws {
        let bytes = try SnapshotCodec.encode(StateHashTests.smallScene())
        for length in 0..<bytes.count {
            let error = try #require(compressionFailure(Array(bytes.prefix(length))), "prefix \(length)")
            #expect(error.code == .compression, "prefix \(length)")
        }
    }

    /// Every single-byte corruption is caught by zstd (the frame checksum covers the content)
    /// unless it hits bits zstd ignores, in which case the original state comes back intact.
    @Test func corruptedInputIsACompressionError() throws {
        let state = StateHashTests.smallScene()
        let bytes = try SnapshotCodec.encode(state)
        var caught = 0
        for index in bytes.indices {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                var corrupted = bytes
                corrupted[index] ^= mask
                do {
                    let decoded = try SnapshotCodec.decode(corrupted)
                    #expect(decoded == state, "byte \(index) ^ \(mask) decoded to a different state")
                } catch {
                    #expect(error.code == .compression, "byte \(index) ^ \(mask): \(error)")
                    caught += 1
                }
            }
        }
        #expect(caught >= bytes.count * 3 - 8, "nearly every corruption is detected")
        let trailing = try #require(compressionFailure(bytes + [0]))
        #expect(trailing.code == .compression)
    }

    @Test func garbageIsACompressionError() throws {
        for garbage: [UInt8] in [[], [0], Array("not zstd at all".utf8), [0x28, 0xB5, 0x2F, 0xFD]] {
            let error = try #require(compressionFailure(garbage))
            #expect(error.code == .compression)
        }
    }

    @Test func frameWithoutContentSizeIsRefused() throws {
        // Magic, a frame header without a content size, then one raw last block "abc".
        let frame: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x00, 0x19, 0x00, 0x00, 0x61, 0x62, 0x63]
        let error = try #require(compressionFailure(frame))
        #expect(error.code == .compression)
        #expect(error.message.contains("content size"))
    }

    @Test func declaredSizeAboveLimitIsRefused() throws {
        let packed = try Zstd.compress([UInt8](repeating: 7, count: 1_000))
        #expect(try Zstd.decompress(packed, maxSize: 1_000).count == 1_000)
        let error = try #require(compressionFailure(packed, maxSize: 999))
        #expect(error.code == .compression)
        #expect(error.message.contains("limit"))
    }

    @Test func validFrameWithBadStateIsADecodingError() throws {
        let error = try #require(throws: LedgerError.self) {
            try SnapshotCodec.decode(try Zstd.compress(Array(#"{"scene":1}"#.utf8)))
        }
        #expect(error.code == .decoding)
    }
}
