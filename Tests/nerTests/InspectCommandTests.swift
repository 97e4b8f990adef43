import Foundation
import XCTest

/// End-to-end tests of `ner inspect`.
final class InspectCommandTests: XCTestCase {
    private var sample: String { repositoryRoot.appendingPathComponent("data/sample.conll").path }

    private func write(_ text: String, name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    private func json(_ stdout: String) throws -> [[String: Any]] {
        let value = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
        return try XCTUnwrap(value as? [[String: Any]])
    }

    /// A model file given where a corpus or text goes (`ner inspect M.ner`, `ner eval M.ner`,
    /// `--train M.ner`, `ner tag M.ner`) is named as such in one line, not listed as lines of
    /// invalid UTF-8, and a corpus given as the model is named as text; a text file whose bytes
    /// only resemble the start of a model (a "{" at byte 9 after text) is read as a corpus.
    func testAModelFileWhereACorpusGoesIsNamedAsSuch() throws {
        let model = repositoryRoot.appendingPathComponent("models/default.ner").path
        let corpus = "\(model): error: this is a ner model file, not a CoNLL corpus: a model goes after --model"
        let cases: [([String], String)] = [
            (["inspect", model], corpus), (["eval", model], corpus),
            (["train", "--train", model, "--output", "/tmp/never-written-\(UUID().uuidString).ner"], corpus),
            (["tag", model], "\(model): error: this is a ner model file, not text to tag: a model goes after --model"),
            (["eval", "--model", sample, sample], "\(sample): error: not a ner model file: it starts with text"),
        ]
        for (args, expected) in cases {
            let result = try runNER(args)
            XCTAssertEqual(result.status, 1, "\(args): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(expected), "\(args): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("invalid UTF-8"), "\(args): \(result.stderr)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ner-inspect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try write("EUxx O\n\n{ O\n", name: "brace.conll", in: dir)  // "{" is byte 9
        let result = try runNER(["inspect", text])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    /// The sample's counts were checked with awk: 4 -DOCSTART- lines, 45 blank-line-separated
    /// sentences, 447 token lines, and the B- tags of each type.
    func testSampleCorpusCounts() throws {
        let result = try runNER(["inspect", sample])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "")
        let expectedLines = [
            "  tag scheme        IOB2",
            "  documents         4",
            "  sentences         45",
            "  tokens            447",
            "  entities          63",
            "    ORG             25",
            "    LOC             17",
            "    PER             13",
            "    MISC            8",
            "  longest sentence  20 tokens (line 293)",
            "  errors            none",
        ]
        XCTAssertEqual(result.stdout, sample + "\n" + expectedLines.joined(separator: "\n") + "\n")
    }

    func testJSONReport() throws {
        let result = try runNER(["inspect", "--json", sample])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try XCTUnwrap(try json(result.stdout).first)
        XCTAssertEqual(report["path"] as? String, sample)
        XCTAssertEqual(report["scheme"] as? String, "iob2")
        XCTAssertEqual(report["documents"] as? Int, 4)
        XCTAssertEqual(report["sentences"] as? Int, 45)
        XCTAssertEqual(report["tokens"] as? Int, 447)
        XCTAssertEqual(report["entities"] as? [String: Int], ["LOC": 17, "MISC": 8, "ORG": 25, "PER": 13])
    }

    func testBadFileReportsEveryProblemWithFileAndLineAndExits1() throws {
        let dir = try temporaryDirectory(self)
        let bad = try write("""
        Anna B-PER
        sings O

        Oslo B_LOC
        rains O

        Lund B-LOC
        is O extra

        Vestra B-ORG
        """, name: "bad.txt", in: dir)
        let result = try runNER(["inspect", bad])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, """
        \(bad):4: error: invalid tag "B_LOC": expected O, or B-, I-, E- or S- followed by an entity type (like B-PER)
        \(bad):8: error: found 3 columns but line 7, the sentence's first, has 2: "is O extra"

        """)
        // The good sentences are still counted.
        XCTAssertTrue(result.stdout.contains("  sentences         2\n"), result.stdout)
        XCTAssertTrue(result.stdout.contains("  errors            2 (listed on standard error)\n"), result.stdout)
    }

    func testMissingFileIsAnError() throws {
        let result = try runNER(["inspect", "/nonexistent/train.txt"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "/nonexistent/train.txt: error: no such file\n")
    }

    func testTokensNotInTheTrainingFile() throws {
        let dir = try temporaryDirectory(self)
        let train = try write("Anna B-PER\nsings O\n\nOslo B-LOC\nrains O\n", name: "train.txt", in: dir)
        // 5 tokens, of which "Berg" and "snows" never occur in train.txt; "anna" differs in case.
        let dev = try write("Anna B-PER\nBerg I-PER\nsings O\n\nanna O\nsnows O\n", name: "dev.txt", in: dir)
        let result = try runNER(["inspect", train, dev])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("  not in training   3 tokens (60.0%) never occur in \(train)\n"), result.stdout)
        XCTAssertEqual(result.stdout.components(separatedBy: "not in training").count, 2, "only for the later file")
    }

    func testColumnOptionsAcceptNegativeIndices() throws {
        let dir = try temporaryDirectory(self)
        // GermEval-like: index, token, outer tag, inner tag, with comment lines.
        let path = try write("""
        #\thttp://example.org/a [2020]
        1\tLake\tB-LOC\tO
        2\tTessel\tI-LOC\tB-ORG

        #\thttp://example.org/b [2020]
        1\tMira\tB-PER\tO

        """, name: "germeval.tsv", in: dir)
        for arguments in [["--token-column", "1", "--tag-column", "2"], ["--token-column", "-3", "--tag-column", "-2"],
                          ["--token-column=-3", "--tag-column=-2"]] {
            let result = try runNER(["inspect", "--json"] + arguments + [path])
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
            let report = try XCTUnwrap(try json(result.stdout).first)
            XCTAssertEqual(report["sentences"] as? Int, 2)
            XCTAssertEqual(report["tokens"] as? Int, 3)
            XCTAssertEqual(report["entities"] as? [String: Int], ["LOC": 1, "PER": 1], "\(arguments)")
        }
        // The default tag column is the last one: the inner tags.
        let inner = try runNER(["inspect", "--json", "--token-column", "1", path])
        XCTAssertEqual(try XCTUnwrap(try json(inner.stdout).first)["entities"] as? [String: Int], ["ORG": 1])
        // A column that does not exist.
        let missing = try runNER(["inspect", "--tag-column", "7", path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.hasPrefix("\(path):2: error: tag column 7 does not exist: the line has 4 columns"), missing.stderr)
    }

    func testSchemeDetectionAndInvalidSequenceWarning() throws {
        let dir = try temporaryDirectory(self)
        let iob1 = try write("Anna I-PER\nBerg I-PER\nCarl B-PER\nsings O\n", name: "iob1.txt", in: dir)
        let iob1Result = try runNER(["inspect", iob1])
        XCTAssertEqual(iob1Result.status, 0)
        XCTAssertTrue(iob1Result.stdout.contains("  tag scheme        IOB1\n"), iob1Result.stdout)
        XCTAssertTrue(iob1Result.stdout.contains("    PER             2\n"), iob1Result.stdout)

        let bioes = try write("Anna B-PER\nBerg E-PER\nin O\nOslo S-LOC\n", name: "bioes.txt", in: dir)
        XCTAssertTrue(try runNER(["inspect", bioes]).stdout.contains("  tag scheme        BIOES\n"))

        // IOB2 with a stray I- after O: readable (exit 0), but warned about.
        let stray = try write("Anna B-PER\nsings O\n\nin O\nOslo I-LOC\n", name: "stray.txt", in: dir)
        let strayResult = try runNER(["inspect", stray])
        XCTAssertEqual(strayResult.status, 0)
        XCTAssertTrue(strayResult.stderr.hasPrefix("\(stray):4: warning: 1 sentence has tags that are not valid IOB2 (at line 4)"), strayResult.stderr)
        XCTAssertTrue(strayResult.stdout.contains("  warnings          1 (listed on standard error)\n"), strayResult.stdout)
    }

    func testHelpHasAnExample() throws {
        let result = try runNER(["inspect", "--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.contains("ner inspect train.txt valid.txt test.txt"))
        XCTAssertTrue(result.stdout.contains("--token-column"))
        XCTAssertTrue(result.stdout.contains("--tag-column"))
    }
}
