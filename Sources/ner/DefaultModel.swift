import Foundation
import NERKit

/// Where `ner` finds its model when `--model` is not given. An installed `ner`
/// (`make install PREFIX=...`) finds `PREFIX/share/ner/default.ner` beside its `bin/`; a
/// binary built in the repository finds the repository's `models/default.ner`.
enum DefaultModel {
    /// The places looked at, in order: `$NER_MODEL`; `../share/ner/default.ner` from the
    /// directory of the running executable (symbolic links resolved); `models/default.ner` in
    /// that directory and up to three directories above it (`.build/release/ner` and
    /// `.build/<triple>/release/ner` in the repository); `models/default.ner` in the current
    /// directory. Each place once (near the root of the file system the climb finds the same
    /// directories again).
    static func candidates(environment: [String: String] = ProcessInfo.processInfo.environment,
                           executable: URL = runningExecutable()) -> [String] {
        var list: [String] = []
        if let env = environment["NER_MODEL"], !env.isEmpty { list.append(env) }
        var dir = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        list.append(dir.deletingLastPathComponent().appendingPathComponent("share/ner/default.ner").path)
        for _ in 0..<4 {
            list.append(dir.appendingPathComponent("models/default.ner").path)
            dir = dir.deletingLastPathComponent()
        }
        list.append(FileManager.default.currentDirectoryPath + "/models/default.ner")
        var seen = Set<String>()
        return list.filter { seen.insert($0).inserted }
    }

    /// The first candidate that exists, or an error listing where it looked.
    static func path() throws -> String {
        let list = candidates()
        if let found = list.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
        throw NERError("no model given and no default model found (looked in \(list.joined(separator: ", "))); pass --model FILE or set NER_MODEL")
    }

    /// The executable's own file: `/proc/self/exe` on Linux, which is right however `ner` was
    /// started (from `$PATH`, by a relative path or through a link); `argv[0]` elsewhere.
    static func runningExecutable() -> URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0])
    }
}
