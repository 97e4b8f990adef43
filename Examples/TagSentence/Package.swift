// swift-tools-version:6.1
import PackageDescription

// An outside package that uses NERKit as a library: it depends on the repository by path, or,
// with NERKIT_URL set (CI: a local clone of the repository tagged with a version), by git URL and
// version, the way a package published elsewhere would.
let nerkit: Package.Dependency = if let url = Context.environment["NERKIT_URL"] {
    .package(url: url, from: "0.1.0")
} else {
    .package(name: "ner", path: "../..")
}

let package = Package(
    name: "TagSentence",
    dependencies: [nerkit],
    targets: [
        .executableTarget(name: "TagSentence", dependencies: [.product(name: "NERKit", package: "ner")]),
    ]
)
