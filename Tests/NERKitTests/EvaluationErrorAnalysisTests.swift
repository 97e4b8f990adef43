import XCTest
@testable import NERKit

final class EvaluationErrorAnalysisTests: XCTestCase {
    private func span(_ type: String, _ start: Int, _ end: Int) -> EntitySpan {
        EntitySpan(type: type, start: start, end: end)
    }

    func testEveryKindOfError() {
        var analysis = SpanErrorAnalysis()
        // tokens:  0    1    2     3    4    5    6    7    8
        // gold:    PER  PER  O     LOC  LOC  O    ORG  O    MISC
        // pred:    ORG  ORG  O     LOC  O    O    PER  PER  O      + LOC at 5 (spurious)
        analysis.add(gold: [span("PER", 0, 2), span("LOC", 3, 5), span("ORG", 6, 7), span("MISC", 8, 9)],
                     predicted: [span("ORG", 0, 2), span("LOC", 3, 4), span("LOC", 5, 6), span("PER", 6, 8)],
                     tokens: ["Ann", "Lee", "in", "New", "York", "today", "Acme", "Inc", "Swiss"],
                     location: "f.txt:1")
        XCTAssertEqual(analysis.errors.map(\.kind), [.wrongType, .wrongBoundary, .spurious, .both, .missed])
        XCTAssertEqual(analysis.errors[1].gold, span("LOC", 3, 5))
        XCTAssertEqual(analysis.errors[1].predicted, span("LOC", 3, 4))
        XCTAssertNil(analysis.errors[2].gold)
        XCTAssertNil(analysis.errors[4].predicted)
        XCTAssertEqual(analysis.totalErrors, 5)
        XCTAssertEqual(analysis.countsByKind, [.wrongType: 1, .wrongBoundary: 1, .spurious: 1, .both: 1, .missed: 1])
        XCTAssertEqual(analysis.confusion, [
            "PER": ["ORG": 1], "LOC": ["LOC": 1], "O": ["LOC": 1], "ORG": ["PER": 1], "MISC": ["O": 1],
        ])
        XCTAssertEqual(analysis.sentences.count, 1)
    }

    func testCorrectEntitiesOnlyCountInTheConfusionDiagonal() {
        var analysis = SpanErrorAnalysis()
        analysis.add(gold: [span("PER", 0, 1)], predicted: [span("PER", 0, 1)])
        XCTAssertTrue(analysis.errors.isEmpty)
        XCTAssertTrue(analysis.sentences.isEmpty, "sentences without errors are not kept")
        XCTAssertEqual(analysis.confusion, ["PER": ["PER": 1]])
    }

    func testBestOverlapPrefersSameTypeThenLargestOverlap() {
        var analysis = SpanErrorAnalysis()
        // A predicted PER over a gold LOC (1 token) and a gold PER (1 token): wrong boundary.
        analysis.add(gold: [span("LOC", 0, 1), span("PER", 1, 2)], predicted: [span("PER", 0, 2)])
        XCTAssertEqual(analysis.errors.map(\.kind), [.wrongBoundary])
        XCTAssertEqual(analysis.errors[0].gold, span("PER", 1, 2))
        var second = SpanErrorAnalysis()
        // Another type over two gold entities: the one it overlaps more.
        second.add(gold: [span("LOC", 0, 1), span("PER", 1, 3)], predicted: [span("ORG", 0, 3)])
        XCTAssertEqual(second.errors.map(\.kind), [.both])
        XCTAssertEqual(second.errors[0].gold, span("PER", 1, 3))
    }

    func testEvaluatorCollectsErrorsOnConvertedSpans() throws {
        var evaluator = ConllEvaluator(collectingErrors: true)
        evaluator.add(gold: ["S-PER", "S-PER", "O"], predicted: ["B-PER", "E-PER", "O"],
                      tokens: ["Ann", "Bob", "left"], location: "x:3")
        let analysis = try XCTUnwrap(evaluator.errorAnalysis)
        // Predicted PER[0,2) overlaps both gold entities: one wrong boundary, neither missed.
        XCTAssertEqual(analysis.errors.map(\.kind), [.wrongBoundary])
        XCTAssertEqual(analysis.sentences.first?.location, "x:3")
        XCTAssertEqual(evaluator.report.overall, EvaluationCounts(gold: 2, found: 1, correct: 0))
        XCTAssertNil(ConllEvaluator().errorAnalysis)
    }

    func testEveryPredictionIsCorrectOrOneErrorOnPseudoRandomSentences() throws {
        // Invariants over many generated sentences: each predicted entity is either correct
        // (as conlleval counts) or exactly one non-missed error; the confusion matrix holds
        // every correct entity and every error.
        var seed: UInt64 = 42
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        let tags = ["O", "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "S-ORG", "E-ORG", "I-ORG"]
        var evaluator = ConllEvaluator(collectingErrors: true)
        for _ in 0..<500 {
            let length = 1 + next(10)
            let gold = (0..<length).map { _ in tags[next(tags.count)] }
            let predicted = gold.map { next(3) == 0 ? tags[next(tags.count)] : $0 }
            evaluator.add(gold: gold, predicted: predicted)
        }
        let report = evaluator.report
        let analysis = try XCTUnwrap(evaluator.errorAnalysis)
        let predictedSide = analysis.totalErrors - (analysis.countsByKind[.missed] ?? 0)
        XCTAssertEqual(report.overall.correct + predictedSide, report.overall.found)
        XCTAssertLessThanOrEqual(analysis.countsByKind[.missed] ?? 0, report.overall.gold - report.overall.correct)
        let cells = analysis.confusion.values.flatMap(\.values).reduce(0, +)
        XCTAssertEqual(cells, report.overall.correct + analysis.totalErrors)
        XCTAssertGreaterThan(analysis.totalErrors, 100)
    }

    func testSummaryTable() {
        var analysis = SpanErrorAnalysis()
        analysis.add(gold: [span("PER", 0, 1), span("LOC", 2, 3)], predicted: [span("PER", 0, 1), span("ORG", 2, 3), span("ORG", 4, 5)])
        XCTAssertEqual(analysis.summaryText(), """

            span errors by kind:
              wrong type             1
              wrong boundary         0
              both                   0
              missed                 0
              spurious               1
              total                  2

            type confusion (rows: gold type, columns: predicted type, O: no entity):
            gold\\predicted   LOC   ORG   PER     O
            LOC                0     1     0     0
            ORG                0     0     0     0
            PER                0     0     1     0
            O                  0     1     0     -

            """)
    }

    /// Beyond `maxTableTypes` types, the least frequent are summed as "(other)" and long names
    /// are cut, so the printed table stays small whatever the file names (found by profiling the
    /// predictions fuzz target: 2,000 distinct types in 60 KB made a 100 MB table).
    func testConfusionTableOfManyTypesStaysSmall() {
        var analysis = SpanErrorAnalysis()
        // "A" and "B" are frequent; 3,000 rare types of long names are each predicted once where
        // gold has "B", and 40 mid types once each against "O".
        for _ in 0..<50 { analysis.add(gold: [span("A", 0, 1)], predicted: [span("A", 0, 1)]) }
        for k in 0..<3000 {
            analysis.add(gold: [span("B", 0, 1)], predicted: [span("rare-type-with-a-long-name-\(k)", 0, 1)])
        }
        for k in 0..<40 { analysis.add(gold: [], predicted: [span("MID\(k)", 0, 2), span("MID\(k)", 3, 4)]) }
        let (labels, counts) = analysis.confusionTable
        XCTAssertEqual(labels.count, SpanErrorAnalysis.maxTableTypes + 2)
        XCTAssertEqual(labels.suffix(2), [SpanErrorAnalysis.otherTypes, SpanErrorAnalysis.noEntity])
        XCTAssertTrue(labels.contains("A") && labels.contains("B"), "\(labels)")
        XCTAssertEqual(labels.filter { $0.hasPrefix("MID") }.count, SpanErrorAnalysis.maxTableTypes - 2, "then the types with 2 entities")
        XCTAssertEqual(counts["B"]?[SpanErrorAnalysis.otherTypes], 3000, "the rare types summed")
        XCTAssertEqual(counts[SpanErrorAnalysis.noEntity]?[SpanErrorAnalysis.otherTypes], 2 * (40 - (SpanErrorAnalysis.maxTableTypes - 2)))
        XCTAssertEqual(counts["A"]?["A"], 50)
        // Every count is kept: the table's total equals the matrix's.
        XCTAssertEqual(counts.values.flatMap(\.values).reduce(0, +), analysis.confusion.values.flatMap(\.values).reduce(0, +))
        let text = analysis.summaryText()
        XCTAssertLessThan(text.utf8.count, 25 * 25 * 25, "at most 23 rows of 23 cells of 25 characters")
        XCTAssertFalse(text.contains("rare-type"), "folded into (other)")
        // A long type name is cut to 24 characters in the table.
        var long = SpanErrorAnalysis()
        long.add(gold: [span(String(repeating: "X", count: 5000), 0, 1)], predicted: [])
        XCTAssertLessThan(long.summaryText().utf8.count, 1000)
        XCTAssertTrue(long.summaryText().contains(String(repeating: "X", count: 23) + "…"))
    }

    func testErrorsTextShowsEntitiesInTheirSentence() {
        var analysis = SpanErrorAnalysis()
        analysis.add(gold: [span("PER", 1, 3)], predicted: [span("PER", 2, 3), span("LOC", 4, 5)],
                     tokens: ["met", "Anna", "Keller", "in", "Bern"], location: "dev.txt:7")
        analysis.add(gold: [span("ORG", 0, 1)], predicted: [], length: 2)
        XCTAssertEqual(analysis.errorsText(), """
            # 3 span errors. Each gives its kind and where its sentence starts,
            # the gold and the predicted entity (tokens numbered from 1), and the sentence as annotated
            # (gold) and as predicted, with entities in [TYPE ...] brackets.

            wrong boundary at dev.txt:7
              gold entity:        PER tokens 2-3 "Anna Keller"
              predicted entity:   PER token 3 "Keller"
              gold sentence:      met [PER Anna Keller] in Bern
              predicted sentence: met Anna [PER Keller] in [LOC Bern]

            spurious at dev.txt:7
              gold entity:        none
              predicted entity:   LOC token 5 "Bern"
              gold sentence:      met [PER Anna Keller] in Bern
              predicted sentence: met Anna [PER Keller] in [LOC Bern]

            missed
              gold entity:        ORG token 1
              predicted entity:   none
              gold sentence:      [ORG _] _
              predicted sentence: _ _

            """)
    }
}
