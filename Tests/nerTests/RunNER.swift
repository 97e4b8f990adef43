import Foundation
import XCTest

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
    /// The process ended by a signal (a crash, or SIGPIPE), not by exit.
    var signaled = false
}

/// The directory holding the built products (`.build/debug`), found from the test bundle.
var productsDirectory: URL {
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        return bundle.bundleURL.deletingLastPathComponent()
    }
    return Bundle.main.bundleURL
}

/// The release build named by NER_RELEASE_BINARY (`make test` sets it; it is the binary users
/// run, and the one numeric code is built for), if any.
let releaseBinary: String? = ProcessInfo.processInfo.environment["NER_RELEASE_BINARY"].flatMap { $0.isEmpty ? nil : $0 }

/// The `ner` the end-to-end tests run: `releaseBinary`, else the build beside the test bundle
/// (`.build/debug/ner`; the sanitizer builds' own under `make sanitize`).
var nerExecutable: URL {
    releaseBinary.map { URL(fileURLWithPath: $0) } ?? productsDirectory.appendingPathComponent("ner")
}

/// Whether `nerExecutable` is the release build (what some tests' timings depend on).
var nerIsReleaseBuild: Bool { releaseBinary != nil }

/// The repository root (for `data/` and `models/`), found from this source file's path.
var repositoryRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// The sentences of data/sample.conll as text, one per string (tokens joined by spaces): text the
/// tiny model, trained on that file, finds entities in.
func sampleSentences() throws -> [String] {
    let conll = try String(contentsOf: repositoryRoot.appendingPathComponent("data/sample.conll"), encoding: .utf8)
    var lines: [String] = [], words: [String] = []
    for line in conll.split(separator: "\n", omittingEmptySubsequences: false) {
        let word = line.split(separator: " ").first.map(String.init) ?? ""
        if word.isEmpty || word == "-DOCSTART-" {
            if !words.isEmpty { lines.append(words.joined(separator: " ")) }
            words = []
        } else {
            words.append(word)
        }
    }
    if !words.isEmpty { lines.append(words.joined(separator: " ")) }
    return lines
}

/// Runs `ner` with arguments and optional stdin; returns status and both outputs. With
/// `stdoutPath`, standard output goes to that file instead (`/dev/full` for a full disk). With
/// `environment`, those variables are set (or replaced) in the environment `ner` inherits.
func runNER(_ arguments: [String], stdin: Data? = nil, currentDirectory: URL? = nil, stdoutPath: String? = nil,
            environment: [String: String]? = nil) throws -> ProcessResult {
    try runProcess(nerExecutable, arguments, stdin: stdin, currentDirectory: currentDirectory, stdoutPath: stdoutPath,
                   environment: environment)
}

/// `runNER` for another program (`/usr/bin/env` and the program's name runs it from PATH).
func runProcess(_ executable: URL, _ arguments: [String], stdin: Data? = nil, currentDirectory: URL? = nil,
                stdoutPath: String? = nil, environment: [String: String]? = nil) throws -> ProcessResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let environment {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    if let dir = currentDirectory { process.currentDirectoryURL = dir }
    let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
    if let stdoutPath {
        guard let handle = FileHandle(forWritingAtPath: stdoutPath) else { throw CocoaError(.fileNoSuchFile) }
        process.standardOutput = handle
        try outPipe.fileHandleForWriting.close()
    } else {
        process.standardOutput = outPipe
    }
    process.standardError = errPipe
    process.standardInput = inPipe
    try process.run()
    // Drain the pipes on other threads so large outputs cannot deadlock the child.
    // Each buffer is written by its reader thread only and read after group.wait().
    nonisolated(unsafe) var outData = Data(), errData = Data()
    let group = DispatchGroup()
    group.enter(); DispatchQueue.global().async { outData = outPipe.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.enter(); DispatchQueue.global().async { errData = errPipe.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    if let stdin { inPipe.fileHandleForWriting.write(stdin) }
    try inPipe.fileHandleForWriting.close()
    process.waitUntilExit()
    group.wait()
    return ProcessResult(status: process.terminationStatus,
                         stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self),
                         signaled: process.terminationReason == .uncaughtSignal)
}

/// A fresh temporary directory, removed when the test ends.
func temporaryDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ner-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}
