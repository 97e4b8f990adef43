import XCTest
@testable import NERKit

/// Hand-worked files scored by `ConllEvaluator`; every expected report below is what the
/// original conlleval Perl script (version 2004-01-26) prints for the same file, checked by
/// running it. Sentences are written as `token gold predicted` lines, blank line between.
final class EvaluationConllevalTests: XCTestCase {
    private func evaluate(_ text: String) -> EvaluationReport {
        var evaluator = ConllEvaluator()
        for block in text.components(separatedBy: "\n\n") {
            let rows = block.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            guard !rows.isEmpty else { continue }
            evaluator.add(gold: rows.map { $0[1] }, predicted: rows.map { $0[2] }, tokens: rows.map { $0[0] })
        }
        return evaluator.report
    }

    private func assertConlleval(_ input: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(evaluate(input).conllevalText(), expected, file: file, line: line)
    }

    func testMixedSentences() {
        let report = evaluate("""
            Anna B-PER B-PER
            lives O O
            in O O
            Bern B-LOC B-ORG
            . O O

            Nord B-ORG B-ORG
            Bank I-ORG I-ORG
            AG I-ORG O
            hired O O
            Tom B-PER B-PER
            Weber I-PER I-PER
            """)
        XCTAssertEqual(report.conllevalText(), """
            processed 11 tokens with 4 phrases; found: 4 phrases; correct: 2.
            accuracy:  81.82%; precision:  50.00%; recall:  50.00%; FB1:  50.00
                          LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  0
                          ORG: precision:   0.00%; recall:   0.00%; FB1:   0.00  2
                          PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  2

            """)
        XCTAssertEqual(report.tokens, 11)
        XCTAssertEqual(report.correctTags, 9)
        XCTAssertEqual(report.overall, EvaluationCounts(gold: 4, found: 4, correct: 2))
        XCTAssertEqual(report.perType["ORG"], EvaluationCounts(gold: 1, found: 2, correct: 0))
        XCTAssertEqual(report.perType["LOC"], EvaluationCounts(gold: 1, found: 0, correct: 0))
        XCTAssertEqual(report.accuracy, 900.0 / 11.0, accuracy: 1e-12)
        XCTAssertEqual(report.f1, 50, accuracy: 1e-12)
        // Macro F1: each type weighs the same (LOC 0, ORG 0, PER 100), unlike the micro 50.
        XCTAssertEqual(report.macroF1, 100.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(report.f1(for: .macro), report.macroF1)
        XCTAssertEqual(report.f1(for: .micro), 50, accuracy: 1e-12)
        XCTAssertEqual(EvaluationReport(tokens: 0, correctTags: 0, overall: EvaluationCounts(), perType: [:]).macroF1, 0)
    }

    func testInsideAfterOutside() {
        // Gold I-PER I-PER equals predicted B-PER I-PER as an entity; predicted I-LOC I-LOC is
        // one longer entity than gold I-LOC.
        assertConlleval("""
            a I-PER B-PER
            b I-PER I-PER
            c O O
            d I-LOC I-LOC
            e O I-LOC
            f O O
            """, """
            processed 6 tokens with 2 phrases; found: 2 phrases; correct: 1.
            accuracy:  66.67%; precision:  50.00%; recall:  50.00%; FB1:  50.00
                          LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  1
                          PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  1

            """)
    }

    func testTypeChange() {
        assertConlleval("""
            a B-PER B-PER
            b I-PER I-LOC
            c I-LOC I-LOC
            d O O

            a I-ORG I-ORG
            b I-MISC I-ORG
            c O O
            """, """
            processed 7 tokens with 4 phrases; found: 3 phrases; correct: 0.
            accuracy:  71.43%; precision:   0.00%; recall:   0.00%; FB1:   0.00
                          LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  1
                         MISC: precision:   0.00%; recall:   0.00%; FB1:   0.00  0
                          ORG: precision:   0.00%; recall:   0.00%; FB1:   0.00  1
                          PER: precision:   0.00%; recall:   0.00%; FB1:   0.00  1

            """)
    }

    func testBeginAfterBegin() {
        assertConlleval("""
            a B-PER B-PER
            b B-PER I-PER
            c I-PER B-PER
            d O O
            """, """
            processed 4 tokens with 2 phrases; found: 2 phrases; correct: 0.
            accuracy:  50.00%; precision:   0.00%; recall:   0.00%; FB1:   0.00
                          PER: precision:   0.00%; recall:   0.00%; FB1:   0.00  2

            """)
    }

    func testIOB1() {
        assertConlleval("""
            a I-ORG I-ORG
            b I-ORG I-ORG
            c B-ORG I-ORG
            d O O
            e I-PER B-PER
            f B-PER B-PER
            g I-PER I-PER
            """, """
            processed 7 tokens with 4 phrases; found: 3 phrases; correct: 2.
            accuracy:  71.43%; precision:  66.67%; recall:  50.00%; FB1:  57.14
                          ORG: precision:   0.00%; recall:   0.00%; FB1:   0.00  1
                          PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  2

            """)
    }

    func testInvalidSequences() {
        assertConlleval("""
            a O I-PER
            b B-LOC I-LOC
            c I-PER I-LOC
            d I-PER B-MISC
            e O I-MISC
            f B-ORG I-PER

            a I-MISC B-MISC
            """, """
            processed 7 tokens with 4 phrases; found: 5 phrases; correct: 1.
            accuracy:   0.00%; precision:  20.00%; recall:  25.00%; FB1:  22.22
                          LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  1
                         MISC: precision:  50.00%; recall: 100.00%; FB1:  66.67  2
                          ORG: precision:   0.00%; recall:   0.00%; FB1:   0.00  0
                          PER: precision:   0.00%; recall:   0.00%; FB1:   0.00  2

            """)
    }

    func testNoSentencesAtAll() {
        // conlleval leaves out the accuracy line when there are no tokens.
        XCTAssertEqual(ConllEvaluator().report.conllevalText(),
                       "processed 0 tokens with 0 phrases; found: 0 phrases; correct: 0.\n")
        var evaluator = ConllEvaluator()
        evaluator.add(gold: [], predicted: [])
        XCTAssertEqual(evaluator.report.conllevalText(),
                       "processed 0 tokens with 0 phrases; found: 0 phrases; correct: 0.\n")
        XCTAssertEqual(evaluator.report.accuracy, 0)
    }

    func testNoEntitiesAnywhere() {
        // found = 0 and gold = 0: precision, recall and FB1 are printed as 0.00, no type lines.
        assertConlleval("""
            a O O
            b O O

            c O O
            """, """
            processed 3 tokens with 0 phrases; found: 0 phrases; correct: 0.
            accuracy: 100.00%; precision:   0.00%; recall:   0.00%; FB1:   0.00

            """)
    }

    func testAllOutsidePredictions() {
        assertConlleval("""
            a B-PER O
            b I-PER O
            c O O
            d B-LOC O
            """, """
            processed 4 tokens with 2 phrases; found: 0 phrases; correct: 0.
            accuracy:  25.00%; precision:   0.00%; recall:   0.00%; FB1:   0.00
                          LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  0
                          PER: precision:   0.00%; recall:   0.00%; FB1:   0.00  0

            """)
    }

    func testPredictionsWithoutGoldEntities() {
        assertConlleval("""
            a O B-PER
            b O O
            c O I-ORG
            """, """
            processed 3 tokens with 0 phrases; found: 2 phrases; correct: 0.
            accuracy:  33.33%; precision:   0.00%; recall:   0.00%; FB1:   0.00
                          ORG: precision:   0.00%; recall:   0.00%; FB1:   0.00  1
                          PER: precision:   0.00%; recall:   0.00%; FB1:   0.00  1

            """)
    }

    func testTypeOrderIsByteOrderAndLongNamesAreNotCut() {
        let report = evaluate("""
            a B-PER B-PER
            b B-aLoc B-aLoc
            c B-Zoo O
            d B-B_TYPE B-B_TYPE
            e B-GPE-X B-GPE-X
            f O B-LOC
            g B-MISC B-ORG
            h B-VERY_LONG_TYPE_NAME_X B-VERY_LONG_TYPE_NAME_X
            """)
        XCTAssertEqual(report.sortedTypes, ["B_TYPE", "GPE-X", "LOC", "MISC", "ORG", "PER", "VERY_LONG_TYPE_NAME_X", "Zoo", "aLoc"])
        XCTAssertEqual(report.conllevalText(), """
            processed 8 tokens with 7 phrases; found: 7 phrases; correct: 5.
            accuracy:  62.50%; precision:  71.43%; recall:  71.43%; FB1:  71.43
                       B_TYPE: precision: 100.00%; recall: 100.00%; FB1: 100.00  1
                        GPE-X: precision: 100.00%; recall: 100.00%; FB1: 100.00  1
                          LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  1
                         MISC: precision:   0.00%; recall:   0.00%; FB1:   0.00  0
                          ORG: precision:   0.00%; recall:   0.00%; FB1:   0.00  1
                          PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  1
            VERY_LONG_TYPE_NAME_X: precision: 100.00%; recall: 100.00%; FB1: 100.00  1
                          Zoo: precision:   0.00%; recall:   0.00%; FB1:   0.00  0
                         aLoc: precision: 100.00%; recall: 100.00%; FB1: 100.00  1

            """)
    }

    func testSentenceBoundarySeparatesEntities() {
        // I-PER at the end of one sentence and at the start of the next are two entities.
        assertConlleval("""
            a O O
            b I-PER I-PER

            c I-PER I-PER
            d O O
            """, """
            processed 4 tokens with 2 phrases; found: 2 phrases; correct: 2.
            accuracy: 100.00%; precision: 100.00%; recall: 100.00%; FB1: 100.00
                          PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  2

            """)
    }

    func testAccuracyComparesWholeTags() {
        // B-PER I-PER and I-PER I-PER are the same entity, but the first tags differ.
        assertConlleval("""
            a B-PER I-PER
            b I-PER I-PER
            c O O
            """, """
            processed 3 tokens with 1 phrases; found: 1 phrases; correct: 1.
            accuracy:  66.67%; precision: 100.00%; recall: 100.00%; FB1: 100.00
                          PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  1

            """)
    }

    func testPerTypeFigures() {
        assertConlleval("""
            a O O
            b B-PER B-PER
            c O O

            d B-PER O
            e O O
            f O B-LOC
            """, """
            processed 6 tokens with 2 phrases; found: 2 phrases; correct: 1.
            accuracy:  66.67%; precision:  50.00%; recall:  50.00%; FB1:  50.00
                          LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  1
                          PER: precision: 100.00%; recall:  50.00%; FB1:  66.67  1

            """)
    }

    func testRoundingOfExactHalvesFollowsPrintf() {
        // 1/800 = 0.125% and 3/800 = 0.375% are exact binary ties: printf rounds them to even.
        var evaluator = ConllEvaluator()
        evaluator.add(gold: ["B-PER"] + Array(repeating: "O", count: 799),
                      predicted: ["B-PER"] + Array(repeating: "B-LOC", count: 799))
        XCTAssertEqual(evaluator.report.conllevalText(), """
            processed 800 tokens with 1 phrases; found: 800 phrases; correct: 1.
            accuracy:   0.12%; precision:   0.12%; recall: 100.00%; FB1:   0.25
                          LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  799
                          PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  1

            """)
        var second = ConllEvaluator()
        second.add(gold: Array(repeating: "O", count: 800),
                   predicted: Array(repeating: "O", count: 3) + Array(repeating: "I-LOC", count: 797))
        XCTAssertEqual(second.report.conllevalText(), """
            processed 800 tokens with 0 phrases; found: 1 phrases; correct: 0.
            accuracy:   0.38%; precision:   0.00%; recall:   0.00%; FB1:   0.00
                          LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  1

            """)
        XCTAssertEqual(fixed(5, width: 6), "  5.00")
        XCTAssertEqual(fixed(100, width: 6), "100.00")
        XCTAssertEqual(fixed(2.0 / 3.0 * 100), "66.67")
    }

    func testConsecutiveSingleEntitiesInBIOES() {
        // Entity counts equal conlleval's on the IOB2 conversion (B-PER B-PER O B-LOC I-LOC
        // B-LOC / B-PER B-PER O B-LOC I-LOC I-LOC); accuracy compares the BIOES tags as given
        // (4 of 6; conlleval alone would count 2 gold entities here).
        assertConlleval("""
            Ada S-PER S-PER
            Bob S-PER S-PER
            in O O
            New B-LOC B-LOC
            York E-LOC I-LOC
            City S-LOC E-LOC
            """, """
            processed 6 tokens with 4 phrases; found: 3 phrases; correct: 2.
            accuracy:  66.67%; precision:  66.67%; recall:  50.00%; FB1:  57.14
                          LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  1
                          PER: precision: 100.00%; recall: 100.00%; FB1: 100.00  2

            """)
    }

    func testSentenceBySentenceEqualsOneStream() {
        // Feeding sentences one at a time or the same sentences again gives summed counts.
        let sentences: [([String], [String])] = [
            (["B-PER", "I-PER", "O"], ["B-PER", "I-PER", "O"]),
            (["I-LOC", "O", "B-ORG"], ["B-LOC", "B-ORG", "I-ORG"]),
        ]
        var once = ConllEvaluator(), twice = ConllEvaluator()
        for (g, p) in sentences { once.add(gold: g, predicted: p) }
        for _ in 0..<2 { for (g, p) in sentences { twice.add(gold: g, predicted: p) } }
        XCTAssertEqual(once.report.overall, EvaluationCounts(gold: 3, found: 3, correct: 2))
        XCTAssertEqual(twice.report.overall, EvaluationCounts(gold: 6, found: 6, correct: 4))
        XCTAssertEqual(twice.report.correctTags, 2 * once.report.correctTags)
    }

    func testJSONHasTheSameFigures() {
        let report = evaluate("""
            a B-PER B-PER
            b O B-LOC
            c B-ORG O
            """)
        XCTAssertEqual(report.json(), """
            {"tokens": 3, "correct_tags": 1, "phrases": 2, "found": 2, "correct": 1, "accuracy": 33.33, \
            "precision": 50.00, "recall": 50.00, "f1": 50.00, "per_type": {\
            "LOC": {"precision": 0.00, "recall": 0.00, "f1": 0.00, "found": 1, "gold": 0, "correct": 0}, \
            "ORG": {"precision": 0.00, "recall": 0.00, "f1": 0.00, "found": 0, "gold": 1, "correct": 0}, \
            "PER": {"precision": 100.00, "recall": 100.00, "f1": 100.00, "found": 1, "gold": 1, "correct": 1}}}

            """)
        XCTAssertEqual(JSONText.quoted("a\"b\\c\u{1}"), "\"a\\\"b\\\\c\\u0001\"")
    }
}
