// swift-tools-version:6.2
import PackageDescription

/// Settings every Scenecast target compiles with, as Hummingbird does.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "scenecast",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "scenecast", targets: ["scenecast"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // C libraries, through pkg-config.
        .systemLibrary(name: "CPq", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // glibc's <malloc.h>, for malloc_trim (no library to link beyond libc).
        .systemLibrary(name: "CMalloc"),
        // EGL and GLES 3 (the module map links GLESv2 too); Mesa's llvmpipe on CPU.
        .systemLibrary(
            name: "CEGL", pkgConfig: "egl",
            providers: [.apt(["libegl-dev", "libgles-dev", "libegl-mesa0"])]
        ),
        // GStreamer core, app, video, SDP and webrtcbin (the module map links them all).
        .systemLibrary(
            name: "CGStreamer", pkgConfig: "gstreamer-webrtc-1.0",
            providers: [.apt(["libgstreamer1.0-dev", "libgstreamer-plugins-base1.0-dev", "libgstreamer-plugins-bad1.0-dev"])]
        ),

        // Events, scene model, projection and the PostgreSQL store.
        .target(
            name: "SceneLedger",
            dependencies: [
                "CPq",
                "CZstd",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                // PBKDF2 for stored passwords.
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The top-level migrations/ folder links here.
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),
        // The input protocol: strict decoding, roles, dispatch and scene hosting.
        .target(
            name: "CommandBus",
            dependencies: [
                "SceneLedger",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Renderer",
            dependencies: ["SceneLedger", "CZlib", "CEGL", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Streamer",
            dependencies: [
                "Renderer", "CommandBus", "SceneLedger", "CGStreamer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test-only WebRTC receivers (webrtcbin answering the server's offer, counting and
        // decoding frames), for the streaming tests; never linked into `scenecast`.
        .target(
            name: "StreamerTesting",
            dependencies: ["Streamer", "CGStreamer", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Replay",
            dependencies: ["SceneLedger", "Renderer", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // Progress lines and figures on a terminal, for the CLI, the benchmarks and seeding.
        .target(
            name: "ScenecastTerminal",
            dependencies: ["SceneLedger"],
            swiftSettings: swiftSettings
        ),
        // The demo plant and the seeding of scenes through the real write path: for
        // `serve --demo`, `render --demo`, the benchmarks and the tests.
        .target(
            name: "ScenecastFixtures",
            dependencies: ["SceneLedger", "Renderer", "ScenecastTerminal", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // `scenecast bench ...`: each benchmark's logic and its final line.
        .target(
            name: "ScenecastBench",
            dependencies: [
                "SceneLedger", "CommandBus", "Renderer", "Streamer", "Replay", "ScenecastTerminal", "ScenecastFixtures",
                .product(name: "Logging", package: "swift-log"),
                // The fan-out bench's participants.
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "scenecast",
            dependencies: [
                "ScenecastBench",
                "ScenecastTerminal",
                "ScenecastFixtures",
                "SceneLedger",
                "CommandBus",
                "Renderer",
                "Streamer",
                "Replay",
                "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Public")],
            swiftSettings: swiftSettings
        ),

        // Shared by the test targets: real databases and a real server process.
        .target(
            name: "ScenecastTestSupport",
            dependencies: ["SceneLedger", "CGStreamer", .product(name: "Logging", package: "swift-log")],
            path: "Tests/Support",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SceneLedgerTests",
            dependencies: [
                "SceneLedger",
                "ScenecastTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RendererTests",
            dependencies: ["Renderer", "SceneLedger", "ScenecastTestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReplayTests",
            // The clip tests write through the Streamer's ClipWriter, read the MP4 back with
            // GStreamer and run the real `scenecast replay`.
            dependencies: ["Replay", "SceneLedger", "Renderer", "Streamer", "CGStreamer", "ScenecastTestSupport", "scenecast"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CommandBusTests",
            dependencies: ["CommandBus", "SceneLedger", "ScenecastTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StreamerTests",
            dependencies: [
                "Streamer", "StreamerTesting", "CommandBus", "SceneLedger", "Renderer", "ScenecastTestSupport",
                // The end-to-end test starts the real `scenecast serve` and talks to /signal.
                "scenecast",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ScenecastTests",
            dependencies: [
                "scenecast",
                "ScenecastFixtures",
                "ScenecastBench",
                "SceneLedger",
                "ScenecastTestSupport",
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
