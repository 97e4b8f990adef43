import Foundation
import XCTest

final class TrainCommandTests: XCTestCase {
    let sample = repositoryRoot.appendingPathComponent("data/sample.conll").path

    /// Trains a tiny model on the sample for two epochs with `options` added; returns its path
    /// and the run's result.
    func trainTinyModel(_ options: [String]) throws -> (path: String, run: ProcessResult) {
        let out = try temporaryDirectory(self).appendingPathComponent("m.ner").path
        let run = try runNER(["train", "--train", sample, "--dev", sample, "--output", out, "--epochs", "2", "--hidden", "8",
                              "--word-dim", "8", "--threads", "1"] + options)
        return (out, run)
    }

    /// A tiny training run of 500 epochs writing `out`, started in the background (stderr dropped).
    func startLongTraining(_ out: String) throws -> Process {
        let process = Process()
        process.executableURL = nerExecutable
        process.arguments = ["train", "--train", sample, "--dev", sample, "--output", out, "--epochs", "500",
                             "--patience", "500", "--hidden", "8", "--word-dim", "8", "--threads", "1", "--average", "0"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// The JSON header of a model file (safetensors: an 8-byte little-endian length, then the
    /// JSON), which carries the config.
    func modelHeader(_ path: String) throws -> String {
        let file = try Data(contentsOf: URL(fileURLWithPath: path))
        let length = file.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        return String(decoding: file.dropFirst(8).prefix(length), as: UTF8.self)
    }

        /// Waits (at most 2 minutes) until `path` exists or `process` has ended.
    func waitUntilWritten(_ path: String, by process: Process) {
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: path) && Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    /// `kill -9` in the middle of training leaves the last saved model loadable: files are
    /// replaced by rename, never rewritten in place.
    func testKillDuringTrainingLeavesALoadableModel() throws {
        let dir = try temporaryDirectory(self)
        let out = dir.appendingPathComponent("m.ner").path
        let process = try startLongTraining(out)
        waitUntilWritten(out + ".checkpoint", by: process)
        // Let it overwrite the files a few more times, then kill it at an arbitrary moment.
        Thread.sleep(forTimeInterval: 0.7)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        let eval = try runNER(["eval", "--model", out, sample])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        XCTAssertTrue(eval.stdout.hasPrefix("processed 447 tokens"), eval.stdout)
        // The checkpoint is loadable too: resuming from it works.
        let resumed = try runNER(["train", "--train", sample, "--dev", sample, "--output", out, "--epochs", "1",
                                  "--hidden", "8", "--word-dim", "8", "--threads", "1", "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
    }

    /// SIGTERM, then a second SIGTERM (which exits at once, possibly in the middle of writing the
    /// model or the checkpoint), at several moments: the files left are always loadable.
    func testDoubleSIGTERMDuringSavesLeavesLoadableFiles() throws {
        let dir = try temporaryDirectory(self)
        let out = dir.appendingPathComponent("m.ner").path
        for (round, delay) in [0.0, 0.013, 0.031, 0.057, 0.11].enumerated() {
            let process = try startLongTraining(out)
            waitUntilWritten(out + ".checkpoint", by: process)
            Thread.sleep(forTimeInterval: 0.2 + delay)
            kill(process.processIdentifier, SIGTERM)
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            XCTAssertNotEqual(process.terminationStatus, 0, "round \(round)")
            XCTAssertEqual(process.terminationReason, .exit, "round \(round): a signal killed it")
            let eval = try runNER(["eval", "--model", out, sample])
            XCTAssertEqual(eval.status, 0, "round \(round): \(eval.stderr)")
            XCTAssertTrue(eval.stdout.hasPrefix("processed 447 tokens"), eval.stdout)
            let resumed = try runNER(["train", "--train", sample, "--dev", sample, "--output", out, "--epochs", "1",
                                      "--hidden", "8", "--word-dim", "8", "--threads", "1", "--average", "0", "--resume"])
            XCTAssertEqual(resumed.status, 0, "round \(round): \(resumed.stderr)")
        }
    }

    func testSIGINTSavesACheckpointAndSaysHowToResume() throws {
        let dir = try temporaryDirectory(self)
        let out = dir.appendingPathComponent("m.ner").path
        let process = Process()
        process.executableURL = nerExecutable
        process.arguments = ["train", "--train", sample, "--dev", sample, "--output", out, "--epochs", "500",
                             "--patience", "500", "--hidden", "8", "--word-dim", "8", "--threads", "1"]
        let err = Pipe()
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: out) && Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(process.processIdentifier, SIGINT)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        XCTAssertTrue(stderr.contains("checkpoint saved to \(out).checkpoint"), stderr)
        XCTAssertTrue(stderr.contains("--resume"), stderr)
    }

    func testBadTrainingFileIsPathLineErrorWithExit1() throws {
        let dir = try temporaryDirectory(self)
        let bad = dir.appendingPathComponent("bad.txt")
        try "Paris B-LOC\nis\tO\tX\n".write(to: bad, atomically: true, encoding: .utf8)
        let r = try runNER(["train", "--train", bad.path, "--output", dir.appendingPathComponent("m.ner").path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("\(bad.path):2: "), r.stderr)
    }

    func testTrainWithoutDevHoldsOutASliceAndSaysSo() throws {
        let dir = try temporaryDirectory(self)
        let out = dir.appendingPathComponent("m.ner").path
        let r = try runNER(["train", "--train", sample, "--output", out, "--epochs", "1", "--hidden", "8", "--word-dim", "8"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("no dev file given: holding out 2 of 45"), r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + ".metrics.jsonl"))
    }
}

extension TrainCommandTests {
    func testUnwritableOutputFailsBeforeTraining() throws {
        let r = try runNER(["train", "--train", sample, "--output", "/nonexistent/dir/m.ner"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "/nonexistent/dir/m.ner: error: cannot write the model: no directory /nonexistent/dir\n")
    }
}

extension TrainCommandTests {
    /// A model trained with `--document-context` says how many documents it read, records the
    /// option in its config, and is used by eval (documents from -DOCSTART-), tag (paragraphs)
    /// and tag --input jsonl (records) like any other.
    func testDocumentContextEndToEnd() throws {
        let (out, r) = try trainTinyModel(["--document-context"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("document context: 4 training documents"), r.stderr)
        let header = try modelHeader(out)
        XCTAssertTrue(header.contains(#"documentContext\":true"#), String(header.prefix(2000)))  // JSON inside a JSON string
        let eval = try runNER(["eval", "--model", out, sample])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        XCTAssertTrue(eval.stdout.contains("FB1"), eval.stdout)
        let alone = try runNER(["eval", "--model", out, "--sentences-alone", sample])
        XCTAssertEqual(alone.status, 0, alone.stderr)
        XCTAssertTrue(alone.stdout.contains("FB1"), alone.stdout)
        let text = "Teddy Roosevelt was a great President. Roosevelt won.\n\nTeddy bears are on sale!\n"
        let tag = try runNER(["tag", "--model", out, "--format", "conll"], stdin: Data(text.utf8))
        XCTAssertEqual(tag.status, 0, tag.stderr)
        XCTAssertEqual(tag.stdout.split(separator: "\n", omittingEmptySubsequences: true).count, 16, tag.stdout)
        let jsonl = try runNER(["tag", "--model", out, "--input", "jsonl"], stdin: Data("{\"text\": \"Roosevelt won. Roosevelt lost.\"}\n".utf8))
        XCTAssertEqual(jsonl.status, 0, jsonl.stderr)
        XCTAssertTrue(jsonl.stdout.contains("\"entities\""), jsonl.stdout)
    }
}

extension TrainCommandTests {
    /// `--document-summary` (alone, with document dropout) is recorded in the model, and
    /// `--document-dropout` without a document option is a usage error.
    func testDocumentSummaryEndToEnd() throws {
        let (out, r) = try trainTinyModel(["--document-summary", "--document-dropout", "0.3"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("document context: 4 training documents"), r.stderr)
        let header = try modelHeader(out)
        XCTAssertTrue(header.contains(#"documentSummary\":true"#), String(header.prefix(2000)))
        XCTAssertTrue(header.contains(#"documentContext\":false"#), String(header.prefix(2000)))
        let eval = try runNER(["eval", "--model", out, sample])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        XCTAssertTrue(eval.stdout.contains("FB1"), eval.stdout)
        let bad = try runNER(["train", "--train", sample, "--output", out, "--document-dropout", "0.3"])
        XCTAssertEqual(bad.status, 64, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("--document-dropout needs --document-context, --document-summary or --document-lstm"), bad.stderr)
    }
}

extension TrainCommandTests {
    /// `--document-lstm` (alone, with document dropout) is recorded in the model with its
    /// weights, and the model is used by eval and tag like any other.
    func testDocumentLSTMEndToEnd() throws {
        let (out, r) = try trainTinyModel(["--document-lstm", "4", "--document-dropout", "0.3"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("document context: 4 training documents"), r.stderr)
        let header = try modelHeader(out)
        XCTAssertTrue(header.contains(#"documentLSTM\":4"#), String(header.prefix(2000)))
        XCTAssertTrue(header.contains("\"document.lstm.backward.wx\""), "the document BiLSTM's weights are in the model file")
        let eval = try runNER(["eval", "--model", out, sample])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        XCTAssertTrue(eval.stdout.contains("FB1"), eval.stdout)
        let text = "Teddy Roosevelt was a great President. Roosevelt won.\n\nTeddy bears are on sale!\n"
        let tag = try runNER(["tag", "--model", out, "--format", "conll"], stdin: Data(text.utf8))
        XCTAssertEqual(tag.status, 0, tag.stderr)
        XCTAssertEqual(tag.stdout.split(separator: "\n", omittingEmptySubsequences: true).count, 16, tag.stdout)
        let bad = try runNER(["train", "--train", sample, "--output", out, "--document-lstm", "5000"])
        XCTAssertEqual(bad.status, 64, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("--document-lstm must be in 0...4096 (got 5000)"), bad.stderr)
    }
}

extension TrainCommandTests {
    /// `--lm-words` trains the language-model objective beside the tags: the model records it,
    /// keeps the head's weights, and tags and scores like any other; bad values are usage errors.
    func testLanguageModelObjectiveEndToEnd() throws {
        let (out, r) = try trainTinyModel(["--lm-words", "20", "--lm-weight", "0.05"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let header = try modelHeader(out)
        XCTAssertTrue(header.contains(#"languageModelWords\":20"#), String(header.prefix(2000)))
        XCTAssertTrue(header.contains("\"lm.forward.weight\""), "the head's weights are in the model file")
        let eval = try runNER(["eval", "--model", out, sample])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        XCTAssertTrue(eval.stdout.contains("FB1"), eval.stdout)
        let tag = try runNER(["tag", "--model", out], stdin: Data("Teddy Roosevelt was a great President.\n".utf8))
        XCTAssertEqual(tag.status, 0, tag.stderr)
        for (arguments, message) in [(["--lm-weight", "0"], "--lm-weight must be in (0, 10], not 0.0"),
                                     (["--lm-words", "200000"], "--lm-words must be between 0 and 100000, not 200000"),
                                     (["--lm-words", "5", "--no-backward"], "--lm-words needs the backward LSTM"),
                                     (["--fork-seed", "3"], "--fork-seed needs --resume"),
                                     (["--epochs", "5", "--cooldown-epochs", "6"], "--cooldown-epochs must be in 0...5 (--epochs; got 6)"),
                                     (["--cooldown-epochs=-1"], "--cooldown-epochs must be in 0...50 (--epochs; got -1)"),
                                     // The library's checks, named by their flags.
                                     (["--hidden", "0"], "--hidden must be in 1...4096 (got 0)"),
                                     (["--dropout", "1"], "--dropout must be a number in [0.0, 1.0) (got 1.0)"),
                                     (["--lr", "0"], "--lr must be a number in [1e-08, 10.0] (got 0.0)"),
                                     (["--embeddings-top=-1"], "--embeddings-top must be in 0...100000000 (got -1)"),
                                     (["--first-name-swap=-0.5"], "--first-name-swap must be a number in [0.0, 1.0] (got -0.5)"),
                                     (["--document-attention"], "--document-attention needs --document-context"),
                                     (["--case-augment-copy"], "--case-augment-copy needs a probability above 0 in --case-augment"),
                                     (["--case-augment", "lower=2"], "--case-augment 'lower=2': the probability must be a number in [0, 1]")] {
            let bad = try runNER(["train", "--train", sample, "--output", out] + arguments)
            XCTAssertEqual(bad.status, 64, bad.stderr)
            XCTAssertTrue(bad.stderr.contains(message), bad.stderr)
        }
    }
}

extension TrainCommandTests {
    /// A signal while the corpus or the embeddings are still being read ends `ner train` at once
    /// (there is nothing to save yet): here the embeddings are a FIFO that no one writes, so
    /// reading them never ends.
    func testSIGTERMWhileReadingTheEmbeddingsExitsAtOnce() throws {
        let dir = try temporaryDirectory(self)
        let fifo = dir.appendingPathComponent("vectors.txt").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let out = dir.appendingPathComponent("m.ner").path
        for (signal, status) in [(SIGTERM, Int32(143)), (SIGINT, Int32(130))] {
            let process = Process()
            process.executableURL = nerExecutable
            process.arguments = ["train", "--train", sample, "--dev", sample, "--output", out, "--embeddings", fifo, "--epochs", "1"]
            let err = Pipe()
            process.standardError = err
            try process.run()
            // The first line on stderr ("train: N sentences ...") comes before the embeddings are read.
            _ = err.fileHandleForReading.availableData
            Thread.sleep(forTimeInterval: 0.3)
            kill(process.processIdentifier, signal)
            let deadline = Date().addingTimeInterval(20)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                XCTFail("signal \(signal) while reading the embeddings: still running 20 s later")
                continue
            }
            XCTAssertEqual(process.terminationReason, .exit)
            XCTAssertEqual(process.terminationStatus, status)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        }
    }
}

extension TrainCommandTests {
    /// `--lexicon wordnet` reads the noun data file of `--wordnet-dir` (here a fixture written in
    /// the format of wndb(5)), the model file keeps the phrases, and the model tags with the
    /// WordNet directory gone; bad values are usage errors or name the missing file.
    func testWordNetLexiconEndToEnd() throws {
        let dir = try temporaryDirectory(self).appendingPathComponent("wordnet")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let data = """
          1 A test fixture written for ner in the format of wndb(5).
        00010000 14 n 01 Redhaven_Rovers 0 001 @i 00020000 n 0000 | a football club
        00020000 14 n 01 football_club 0 000 | a club that plays football
        00030000 15 n 01 Redhaven 0 001 @i 00040000 n 0000 | a town

        """
        try data.write(to: dir.appendingPathComponent("data.noun"), atomically: true, encoding: .utf8)
        let (out, r) = try trainTinyModel(["--lexicon", "wordnet", "--wordnet-dir", dir.path, "--lexicon-dim", "3"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("lexicon: wordnet, "), r.stderr)
        let header = try modelHeader(out)
        XCTAssertTrue(header.contains(#"lexiconDim\":3"#), String(header.prefix(2000)))
        XCTAssertTrue(header.contains("\"lexicon.embedding\""), "the lexicon vectors are in the model file")
        XCTAssertTrue(header.contains(#"redhaven\":4"#), "the phrases are in the model file")
        try FileManager.default.removeItem(at: dir)
        let tag = try runNER(["tag", "--model", out, "--format", "conll"], stdin: Data("REDHAVEN ROVERS won in Redhaven.\n".utf8))
        XCTAssertEqual(tag.status, 0, tag.stderr)
        XCTAssertEqual(tag.stdout.split(separator: "\n").count, 6, tag.stdout)
        let missing = try runNER(["train", "--train", sample, "--output", out, "--epochs", "1", "--lexicon", "wordnet", "--wordnet-dir", dir.path])
        XCTAssertEqual(missing.status, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains(dir.appendingPathComponent("data.noun").path), missing.stderr)
        let bad = try runNER(["train", "--train", sample, "--output", out, "--lexicon", "dbpedia"])
        XCTAssertEqual(bad.status, 64, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("--lexicon must be wordnet or a file of LABEL<TAB>phrase lines (no such file: 'dbpedia')"), bad.stderr)
    }

    /// `--lexicon FILE`: a gazetteer of the user's (LABEL<TAB>phrase, gzip allowed) as the
    /// lexicon input; each label a category, each phrase tokenised as ner tokenises text, the
    /// phrases whose words the model knows kept in the model file; a bad line names the file
    /// and line.
    func testGazetteerFileLexiconEndToEnd() throws {
        let dir = try temporaryDirectory(self)
        let lexicon = dir.appendingPathComponent("places.tsv")
        try """
            # places and bodies of water of the sample
            TOWN\tLakemoor
            RIVER\tthe Tessel river
            TOWN\tNowhere-on-Sea

            """.write(to: lexicon, atomically: true, encoding: .utf8)
        let (out, r) = try trainTinyModel(["--lexicon", lexicon.path, "--lexicon-dim", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("lexicon: places.tsv, 2 of 3 phrases kept (every word in the vocabulary), categories TOWN, RIVER"), r.stderr)
        let header = try modelHeader(out)
        XCTAssertTrue(header.contains(#"lakemoor\":1"#), "TOWN is the first category: \(String(header.prefix(3000)))")
        XCTAssertTrue(header.contains(#"the tessel river\":2"#), "the phrase as tokens, case-folded, RIVER the second category")
        XCTAssertFalse(header.contains("nowhere"), "a phrase with a word the model does not know is not kept")
        try FileManager.default.removeItem(at: lexicon)
        let tag = try runNER(["tag", "--model", out, "--format", "conll"], stdin: Data("The council of LAKEMOOR met.\n".utf8))
        XCTAssertEqual(tag.status, 0, "tagging needs no lexicon file: \(tag.stderr)")

        let bad = dir.appendingPathComponent("bad.tsv")
        try "TOWN\tLakemoor\nno tab on this line\n".write(to: bad, atomically: true, encoding: .utf8)
        let badRun = try runNER(["train", "--train", sample, "--output", out, "--epochs", "1", "--lexicon", bad.path])
        XCTAssertEqual(badRun.status, 1, badRun.stderr)
        XCTAssertTrue(badRun.stderr.contains("\(bad.path):2") && badRun.stderr.contains("no tab"), badRun.stderr)
        let many = dir.appendingPathComponent("many.tsv")
        try (1...13).map { "L\($0)\tLakemoor" }.joined(separator: "\n").write(to: many, atomically: true, encoding: .utf8)
        let manyRun = try runNER(["train", "--train", sample, "--output", out, "--epochs", "1", "--lexicon", many.path])
        XCTAssertEqual(manyRun.status, 1, manyRun.stderr)
        XCTAssertTrue(manyRun.stderr.contains("\(many.path):13") && manyRun.stderr.contains("at most 12"), manyRun.stderr)
    }
}
