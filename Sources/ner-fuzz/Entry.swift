import Foundation

#if FUZZING
/// libFuzzer's driver (in the runtime that `-sanitize=fuzzer` links). SwiftPM routes `main` to
/// this target's entry function, so the entry below hands the command line to the driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// The target, chosen by NER_FUZZ_TARGET (see scripts/fuzz.sh).
private let selected: FuzzTarget = {
    guard let name = ProcessInfo.processInfo.environment["NER_FUZZ_TARGET"], let t = FuzzTarget(rawValue: name) else {
        fatalError("set NER_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return t
}()

/// libFuzzer's own entry point. In a debug build the linker takes `main` from the fuzzer runtime,
/// which calls this directly; in a release build `ner_fuzz_main` below runs the driver. Either way
/// each input goes to the selected target.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    selected.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

@_cdecl("ner_fuzz_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    _ = selected
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        selected.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }
}
#else
/// Without libFuzzer: `ner-fuzz TARGET FILE...` runs a target once on each file, to replay a
/// crash or to check the committed corpora in the ordinary test run.
@main
struct Replay {
    static func main() {
        let args = CommandLine.arguments
        guard args.count >= 2, let target = FuzzTarget(rawValue: args[1]) else {
            FileHandle.standardError.write(Data("usage: ner-fuzz \(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")) FILE...\n".utf8))
            exit(64)
        }
        for path in args.dropFirst(2) {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("\(path): cannot read\n".utf8))
                exit(1)
            }
            target.run(Array(data))
        }
        print("\(target.rawValue): \(args.count - 2) inputs, no crash")
    }
}
#endif
