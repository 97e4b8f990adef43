import Foundation
import XCTest

/// `ner eval --predictions` end to end. The expected reports are what conlleval prints for the
/// same file with the -DOCSTART- line removed (checked by running the Perl script).
final class EvalCommandTests: XCTestCase {
    private let predictions = """
        -DOCSTART- -X- -X- O O

        Anna NNP B-PER B-PER
        Keller NNP I-PER I-PER
        visited VBD O O
        Nord NNP B-ORG B-LOC
        Bank NNP I-ORG I-LOC
        . . O O

        She PRP O O
        flew VBD O B-MISC
        to TO O O
        Oslo NNP B-LOC O
        . . O O

        """

    private let expectedReport = """
        processed 11 tokens with 3 phrases; found: 3 phrases; correct: 1.
        accuracy:  63.64%; precision:  33.33%; recall:  33.33%; FB1:  33.33
                      LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  1
                     MISC: precision:   0.00%; recall:   0.00%; FB1:   0.00  1
                      ORG: precision:   0.00%; recall:   0.00%; FB1:   0.00  0
                      PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  1

        """

    private func write(_ contents: String, _ name: String = "pred.txt") throws -> URL {
        let url = try temporaryDirectory(self).appendingPathComponent(name)
        try Data(contents.utf8).write(to: url)
        return url
    }

    func testConllevalReport() throws {
        let url = try write(predictions)
        let result = try runNER(["eval", "--predictions", url.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, expectedReport)
        XCTAssertEqual(result.stderr, "")
    }

    func testStandardInputAndSeveralFilesScoreTogether() throws {
        let result = try runNER(["eval", "--predictions", "-"], stdin: Data(predictions.utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, expectedReport)

        let url = try write(predictions)
        let twice = try runNER(["eval", "--predictions", url.path, url.path])
        XCTAssertEqual(twice.status, 0, twice.stderr)
        XCTAssertTrue(twice.stdout.hasPrefix("processed 22 tokens with 6 phrases; found: 6 phrases; correct: 2.\n"), twice.stdout)
    }

    func testJSONFormat() throws {
        let url = try write(predictions)
        let result = try runNER(["eval", "--predictions", url.path, "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["tokens"] as? Int, 11)
        XCTAssertEqual(object["phrases"] as? Int, 3)
        XCTAssertEqual(object["found"] as? Int, 3)
        XCTAssertEqual(object["correct"] as? Int, 1)
        XCTAssertEqual(object["accuracy"] as? Double, 63.64)
        XCTAssertEqual(object["f1"] as? Double, 33.33)
        let perType = try XCTUnwrap(object["per_type"] as? [String: [String: Any]])
        XCTAssertEqual(Set(perType.keys), ["LOC", "MISC", "ORG", "PER"])
        XCTAssertEqual(perType["ORG"]?["gold"] as? Int, 1)
        XCTAssertEqual(perType["ORG"]?["found"] as? Int, 0)
        XCTAssertEqual(perType["PER"]?["precision"] as? Double, 100)
        XCTAssertNil(object["errors"])

        let withErrors = try runNER(["eval", "--predictions", url.path, "--format", "json", "--errors"])
        let errorsObject = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(withErrors.stdout.utf8)) as? [String: Any])
        let errors = try XCTUnwrap(errorsObject["errors"] as? [String: Any])
        XCTAssertEqual(errors["wrong_type"] as? Int, 1)
        XCTAssertEqual(errors["spurious"] as? Int, 1)
        XCTAssertEqual(errors["missed"] as? Int, 1)
        XCTAssertEqual(errors["total"] as? Int, 3)
        XCTAssertEqual((errors["confusion"] as? [String: [String: Int]])?["ORG"]?["LOC"], 1)
    }

    func testErrorsTable() throws {
        let url = try write(predictions)
        let result = try runNER(["eval", "--predictions", url.path, "--errors"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, expectedReport + """

            span errors by kind:
              wrong type             1
              wrong boundary         0
              both                   0
              missed                 1
              spurious               1
              total                  3

            type confusion (rows: gold type, columns: predicted type, O: no entity):
            gold\\predicted   LOC  MISC   ORG   PER     O
            LOC                0     0     0     0     1
            MISC               0     0     0     0     0
            ORG                1     0     0     0     0
            PER                0     0     0     1     0
            O                  0     1     0     0     -

            """)
    }

    func testErrorsFile() throws {
        let url = try write(predictions)
        let errorsURL = url.deletingLastPathComponent().appendingPathComponent("errors.txt")
        let result = try runNER(["eval", "--predictions", url.path, "--errors-file", errorsURL.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, expectedReport, "--errors-file alone leaves the report as it is")
        let text = try String(contentsOf: errorsURL, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("# 3 span errors."), text)
        XCTAssertTrue(text.contains("""

            wrong type at \(url.path):3
              gold entity:        ORG tokens 4-5 "Nord Bank"
              predicted entity:   LOC tokens 4-5 "Nord Bank"
              gold sentence:      [PER Anna Keller] visited [ORG Nord Bank] .
              predicted sentence: [PER Anna Keller] visited [LOC Nord Bank] .

            """), text)
        XCTAssertTrue(text.contains("""

            spurious at \(url.path):10
              gold entity:        none
              predicted entity:   MISC token 2 "flew"
              gold sentence:      She flew to [LOC Oslo] .
              predicted sentence: She [MISC flew] to Oslo .

            """), text)
        XCTAssertTrue(text.contains("missed at \(url.path):10\n  gold entity:        LOC token 4 \"Oslo\"\n"), text)
    }

    func testMalformedLineNamesFileAndLine() throws {
        let url = try write("Anna B-PER B-PER\nKeller I-PER PER\n")
        let result = try runNER(["eval", "--predictions", url.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stdout, "")
        XCTAssertEqual(result.stderr,
                       "\(url.path):2: error: malformed predicted tag 'PER': expected O or B-, I-, E-, S- followed by a type\n")

        let columns = try write("Anna NNP B-PER B-PER\nKeller I-PER I-PER\n", "columns.txt")
        let second = try runNER(["eval", "--predictions", columns.path])
        XCTAssertEqual(second.status, 1)
        XCTAssertEqual(second.stderr, "\(columns.path):2: error: found 3 columns, expected 4 as on line 1\n")

        let missing = try runNER(["eval", "--predictions", url.path + ".missing"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr, "\(url.path).missing: error: no such file\n")
    }

    func testUnwritableErrorsFile() throws {
        let url = try write(predictions)
        let target = url.deletingLastPathComponent().appendingPathComponent("no-such-dir/errors.txt").path
        let result = try runNER(["eval", "--predictions", url.path, "--errors-file", target])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("\(target): error: cannot "), result.stderr)
        XCTAssertTrue(result.stderr.contains("No such file or directory"), result.stderr)
    }

    func testEmptyFile() throws {
        let url = try write("")
        let result = try runNER(["eval", "--predictions", url.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "processed 0 tokens with 0 phrases; found: 0 phrases; correct: 0.\n")
    }

    func testMissingModelIsAOneLineError() throws {
        let result = try runNER(["eval", "--model", "/nonexistent/model.ner", "test.txt"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "/nonexistent/model.ner: error: no such file\n")
    }

    func testTagsWithAModelAndScoresAgainstGold() throws {
        let model = try TinyModel.path()
        let sample = repositoryRoot.appendingPathComponent("data/sample.conll").path
        let result = try runNER(["eval", "--model", model, sample, "--format", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(json?["tokens"] as? Int, 447)
        XCTAssertEqual(json?["phrases"] as? Int, 63)
        // A model trained on this very file finds entities in it.
        XCTAssertGreaterThan(json?["correct"] as? Int ?? 0, 0)
        let text = try runNER(["eval", "--model", model, sample])
        XCTAssertTrue(text.stdout.hasPrefix("processed 447 tokens with 63 phrases; found: "), text.stdout)
    }

    func testUsageErrors() throws {
        let nothing = try runNER(["eval"])
        XCTAssertEqual(nothing.status, 64)
        XCTAssertTrue(nothing.stderr.contains("--predictions"), nothing.stderr)
        let badFormat = try runNER(["eval", "--predictions", "x", "--format", "xml"])
        XCTAssertEqual(badFormat.status, 64)
    }

    func testHelpHasExamples() throws {
        let result = try runNER(["eval", "--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.contains("EXAMPLES"))
        XCTAssertTrue(result.stdout.contains("ner eval --predictions output.txt"))
        XCTAssertTrue(result.stdout.contains("--errors-file"))
    }
}

/// `ner eval --recase`: scoring a recased copy of the gold file is what the option does.
final class EvalRecaseTests: XCTestCase {
    func testRecaseScoresTheRecasedText() throws {
        let model = try TinyModel.path()
        let sample = repositoryRoot.appendingPathComponent("data/sample.conll")
        let lines = try String(contentsOf: sample, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        for recasing in ["lower", "upper", "title"] {
            let recased = lines.map { line -> String in
                var cols = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                guard cols.count > 1, cols[0] != "-DOCSTART-" else { return String(line) }
                switch recasing {
                case "lower": cols[0] = cols[0].lowercased()
                case "upper": cols[0] = cols[0].uppercased()
                default:
                    let w = cols[0]
                    if let i = w.firstIndex(where: { $0.lowercased() != $0.uppercased() }) {
                        cols[0] = w[..<i].lowercased() + w[i].uppercased() + w[w.index(after: i)...].lowercased()
                    } else {
                        cols[0] = w.lowercased()
                    }
                }
                return cols.joined(separator: " ")
            }.joined(separator: "\n")
            let copy = try temporaryDirectory(self).appendingPathComponent("recased-\(recasing).conll")
            try Data(recased.utf8).write(to: copy)
            let viaOption = try runNER(["eval", "--model", model, "--recase", recasing, sample.path])
            let viaFile = try runNER(["eval", "--model", model, copy.path])
            XCTAssertEqual(viaOption.status, 0, viaOption.stderr)
            XCTAssertEqual(viaOption.stdout, viaFile.stdout, recasing)
        }
        let asIs = try runNER(["eval", "--model", model, sample.path])
        let lower = try runNER(["eval", "--model", model, "--recase", "lower", sample.path])
        XCTAssertNotEqual(asIs.stdout, lower.stdout, "the tiny model reads capital letters")
    }

    func testRecaseRefusesPredictionsAndUnknownCasings() throws {
        let bad = try runNER(["eval", "--recase", "shout", "x.conll"])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("shout"), bad.stderr)
        let withPredictions = try runNER(["eval", "--recase", "lower", "--predictions", "x.txt"])
        XCTAssertEqual(withPredictions.status, 64)
        XCTAssertTrue(withPredictions.stderr.contains("--recase"), withPredictions.stderr)
    }
}

/// Gold entity types the model cannot predict are named in a warning, in eval and in train.
final class UnknownEntityTypeTests: XCTestCase {
    func testEvalAndTrainWarnAboutTypesTheModelDoesNotKnow() throws {
        let model = try TinyModel.path()
        let gold = try temporaryDirectory(self).appendingPathComponent("gpe.conll")
        try Data("Paris B-GPE\nis O\nnice O\n\nAnna B-PER\nsmiled O\n".utf8).write(to: gold)
        let eval = try runNER(["eval", "--model", model, gold.path])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        XCTAssertTrue(eval.stderr.contains("\(gold.path): warning: entity types the model does not know: GPE"), eval.stderr)
        XCTAssertFalse(eval.stderr.contains("PER ("), eval.stderr)

        let sample = repositoryRoot.appendingPathComponent("data/sample.conll").path
        let out = try temporaryDirectory(self).appendingPathComponent("m.ner").path
        let train = try runNER(["train", "--train", sample, "--dev", gold.path, "--output", out, "--epochs", "1",
                                "--hidden", "8", "--word-dim", "8", "--threads", "1"])
        XCTAssertEqual(train.status, 0, train.stderr)
        XCTAssertTrue(train.stderr.contains("\(gold.path): warning: entity types the model does not know: GPE"), train.stderr)
    }
}

/// Gold files in BILOU are scored as conlleval scores the same file converted to IOB2: two
/// adjacent `U-PER` are two entities, not one.
final class BILOUEvalTests: XCTestCase {
    func testBILOUGoldScoresLikeItsIOB2Conversion() throws {
        let model = try TinyModel.path()
        let dir = try temporaryDirectory(self)
        let bilou = dir.appendingPathComponent("bilou.conll"), iob2 = dir.appendingPathComponent("iob2.conll")
        try Data("Anna U-PER\nBerg U-PER\nmet O\nCarl B-PER\nOlsen L-PER\nin O\nOslo U-LOC\n. O\n".utf8).write(to: bilou)
        try Data("Anna B-PER\nBerg B-PER\nmet O\nCarl B-PER\nOlsen I-PER\nin O\nOslo B-LOC\n. O\n".utf8).write(to: iob2)
        let a = try runNER(["eval", "--model", model, bilou.path])
        let b = try runNER(["eval", "--model", model, iob2.path])
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertTrue(a.stdout.hasPrefix("processed 8 tokens with 4 phrases"), a.stdout)
        XCTAssertEqual(a.stdout, b.stdout)
        // Predictions written in BILOU (the gold file's scheme) score the same way.
        let tagged = try runNER(["tag", "--input", "conll", "--model", model, bilou.path])
        XCTAssertEqual(tagged.status, 0, tagged.stderr)
        let predicted = dir.appendingPathComponent("pred.txt")
        try Data(tagged.stdout.utf8).write(to: predicted)
        XCTAssertFalse(tagged.stdout.contains("S-") || tagged.stdout.contains("E-"), "written back in BILOU: \(tagged.stdout)")
        let scored = try runNER(["eval", "--predictions", predicted.path])
        XCTAssertEqual(scored.stdout, a.stdout)
    }
}
