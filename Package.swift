// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "ner",
    products: [
        .executable(name: "ner", targets: ["ner"]),
        .library(name: "NERKit", targets: ["NERKit"]),
        .library(name: "NERServer", targets: ["NERServer"]),
    ],
    // TLS (on by default): `ner serve --tls-cert`, through swift-nio-ssl and its BoringSSL. Built
    // without it (`swift build --disable-default-traits`), ner serves plain HTTP only (behind a
    // proxy that ends TLS) and builds without compiling BoringSSL: the ThreadSanitizer test
    // builds it so, in half the time.
    traits: [
        .trait(name: "TLS", description: "ner serve --tls-cert: HTTPS through swift-nio-ssl (BoringSSL)"),
        .default(enabledTraits: ["TLS"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        // `ner serve` only (NERServer). Hummingbird's default traits would add swift-configuration
        // and full Foundation, neither of which the server uses.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0", traits: []),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.70.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.20.0"),
        // `ner serve --tls-cert` (BoringSSL; async-http-client builds it for the tests anyway).
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.27.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.0.0"),
        // Tests of `ner serve` only: a real HTTP client.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.20.0"),
        // Tests of `ner serve` only: reads docs/openapi.yaml (OpenAPITests).
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CUTF8Proc",
            pkgConfig: "libutf8proc",
            providers: [.apt(["libutf8proc-dev"])]
        ),
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // The matrix products of inference (see NERKit's RowsProduct).
        .target(name: "CKernels"),
        .target(
            name: "NERKit",
            dependencies: ["CUTF8Proc", "CBLAS", "CZlib", "CKernels"]
        ),
        // What the `ner` command and NERServer share and library users do not need: `ner tag`'s
        // input readers, output formats and threaded pipeline, `ner report`'s page and `ner
        // bench`. Internal: no product exposes it; its API is `package`.
        .target(
            name: "NERCommandSupport",
            dependencies: ["NERKit"]
        ),
        .target(
            name: "NERServer",
            dependencies: [
                "NERKit",
                "NERCommandSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl", condition: .when(traits: ["TLS"])),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "ner",
            dependencies: [
                "NERKit",
                "NERCommandSupport",
                "NERServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Fuzz targets for every reader of user input; built with libFuzzer by scripts/fuzz.sh,
        // and as a replay tool (`ner-fuzz TARGET FILE...`) by the ordinary build.
        .executableTarget(
            name: "ner-fuzz",
            dependencies: ["NERKit", "NERCommandSupport"]
        ),
        .testTarget(
            name: "NERKitTests",
            dependencies: ["NERKit"]
        ),
        .testTarget(
            name: "NERCommandSupportTests",
            dependencies: ["NERCommandSupport", "NERKit"]
        ),
        // NERServer in process: the application over a live local socket (HummingbirdTesting) and
        // the batcher on its own; the spawned-process tests of `ner serve` stay in nerTests.
        .testTarget(
            name: "NERServerTests",
            dependencies: [
                "NERServer",
                "NERKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(
            name: "nerTests",
            dependencies: [
                "ner",
                "NERKit",
                "NERServer",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
