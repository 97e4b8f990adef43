// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ner",
    products: [
        .executable(name: "ner", targets: ["ner"]),
        .library(name: "NERKit", targets: ["NERKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
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
        .target(
            name: "NERKit",
            dependencies: ["CUTF8Proc", "CBLAS", "CZlib"],
            swiftSettings: [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]
        ),
        .executableTarget(
            name: "ner",
            dependencies: [
                "NERKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Fuzz targets for every reader of user input; built with libFuzzer by scripts/fuzz.sh,
        // and as a replay tool (`ner-fuzz TARGET FILE...`) by the ordinary build.
        .executableTarget(
            name: "ner-fuzz",
            dependencies: ["NERKit"]
        ),
        .testTarget(
            name: "NERKitTests",
            dependencies: ["NERKit"]
        ),
        .testTarget(
            name: "nerTests",
            dependencies: ["ner"]
        ),
    ],
    swiftLanguageModes: [.v5]
)
