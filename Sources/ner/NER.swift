import ArgumentParser
import Foundation
import NERKit

@main
struct NER: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ner",
        abstract: "A named-entity tagger built on a bidirectional LSTM with a CRF.",
        discussion: """
        ner finds names of people, organisations, locations and other entities in text.

        EXAMPLES
          $ echo "Teddy Roosevelt was a great President." | ner tag
          $ ner train --train train.txt --dev valid.txt --output model.ner
          $ ner eval --model model.ner test.txt
          $ ner tokenize < article.txt
          $ ner inspect train.txt valid.txt
          $ ner convert export.json train.conll --to conll
          $ ner serve --port 8080
          $ ner report --gold test.txt model.ner > report.html

        DIAGNOSTICS
        Errors and warnings go to standard error as 'path:line: error: message' or \
        'path:line: warning: message' ('ner: error: message' when there is no file to point \
        at); usage errors are ArgumentParser's 'Error: ...' with the usage.

        EXIT STATUS
        0 success; 1 an input or runtime error; 64 a usage error; 130 interrupted by Ctrl-C \
        (SIGINT), 143 terminated (SIGTERM).

        FILES
        The default model: $NER_MODEL, else PREFIX/share/ner/default.ner for ner installed in \
        PREFIX/bin (make install PREFIX=...), else models/default.ner of the repository ner \
        was built in.
        """,
        version: NERVersion.string,
        subcommands: [
            TrainCommand.self, EvalCommand.self, TagCommand.self,
            TokenizeCommand.self, InspectCommand.self, ConvertCommand.self, BenchCommand.self, ServeCommand.self, ReportCommand.self,
            CalibrateCommand.self, RankCommand.self, CompilePatternsCommand.self,
        ]
    )

    /// Errors from NERKit are printed by `Diagnostics` (`path:line: error: message`) with exit
    /// status 1; everything else goes through ArgumentParser (usage errors exit with 64).
    static func main() {
        selectOpenBLASKernels()
        // Process-wide settings are the program's, not the library's: OpenBLAS on one thread,
        // since the two LSTM directions already take both cores and its threads do not pay off
        // at these matrix sizes.
        BLAS.setThreads(1)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as NERError {
            Diagnostics.error(error)
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}

/// Re-executes `ner` once with OPENBLAS_CORETYPE set when OpenBLAS fell back to kernels weaker
/// than the CPU supports (see `BLAS.betterCoreType`). An explicit OPENBLAS_CORETYPE is respected.
func selectOpenBLASKernels() {
    let env = ProcessInfo.processInfo.environment
    guard env["OPENBLAS_CORETYPE"] == nil, let core = BLAS.betterCoreType() else { return }
    setenv("OPENBLAS_CORETYPE", core, 1)
    let argv = CommandLine.unsafeArgv
    execv("/proc/self/exe", argv)
    // exec failed: carry on with the kernels we have.
}
