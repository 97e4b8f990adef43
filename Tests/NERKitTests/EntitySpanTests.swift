import XCTest
@testable import NERKit

/// The one span reader (`EntitySpan.spans`) finds the entities conlleval's startOfChunk/endOfChunk
/// rules find on valid tags (worked by hand from the rules; the same sequences scored by the real
/// conlleval give the counts in EvaluationConllevalTests), and BIOES the way the scorer reads it
/// after converting to IOB2.
final class EntitySpanTests: XCTestCase {
    private func spans(_ tags: String) -> [String] {
        EntitySpan.spans(in: tags.split(separator: " ").map(String.init)).map(\.description)
    }

    func testIOB2Entities() {
        XCTAssertEqual(spans("B-PER I-PER O B-LOC O"), ["PER[0,2)", "LOC[3,4)"])
        XCTAssertEqual(spans("O O"), [])
        XCTAssertEqual(EntitySpan.spans(in: [String]()), [])
    }

    func testInsideAfterOutsideOpensAnEntity() {
        XCTAssertEqual(spans("I-PER I-PER O I-LOC"), ["PER[0,2)", "LOC[3,4)"])
        XCTAssertEqual(spans("O I-ORG I-ORG"), ["ORG[1,3)"])
    }

    func testTypeChangeClosesAndOpens() {
        XCTAssertEqual(spans("B-PER I-LOC I-LOC O"), ["PER[0,1)", "LOC[1,3)"])
        XCTAssertEqual(spans("I-ORG I-MISC"), ["ORG[0,1)", "MISC[1,2)"])
    }

    func testBeginAfterBeginGivesTwoEntities() {
        XCTAssertEqual(spans("B-PER B-PER I-PER"), ["PER[0,1)", "PER[1,3)"])
    }

    func testIOB1BeginOnlyBetweenSameTypeEntities() {
        XCTAssertEqual(spans("I-ORG I-ORG B-ORG O I-PER B-PER I-PER"),
                       ["ORG[0,2)", "ORG[2,3)", "PER[4,5)", "PER[5,7)"])
    }

    func testEntityAtSentenceEnd() {
        XCTAssertEqual(spans("O B-LOC I-LOC"), ["LOC[1,3)"])
    }

    func testBIOESIsReadAsIOB2() {
        // conlleval alone would read S-PER S-PER as one entity.
        XCTAssertEqual(spans("S-PER S-PER"), ["PER[0,1)", "PER[1,2)"])
        XCTAssertEqual(spans("B-LOC E-LOC S-LOC O"), ["LOC[0,2)", "LOC[2,3)"])
        XCTAssertEqual(spans("B-ORG I-ORG E-ORG O S-MISC"), ["ORG[0,3)", "MISC[4,5)"])
        // An entity ends after E- and S- even if an I- or E- of the same type follows.
        XCTAssertEqual(spans("S-PER E-PER"), ["PER[0,1)", "PER[1,2)"])
        XCTAssertEqual(spans("B-PER E-PER I-PER E-PER"), ["PER[0,2)", "PER[2,4)"])
    }

    func testTypesMayContainHyphens() {
        XCTAssertEqual(EntitySpan.spans(in: ["B-GPE-X", "I-GPE-X"]), [EntitySpan(type: "GPE-X", start: 0, end: 2)])
    }

    func testBIOESConversionToIOB2AsTheScorerDoesIt() {
        func converted(_ tags: String) -> [String] {
            TagScheme.bioes.convert(tags.split(separator: " ").map(String.init), to: .iob2)
        }
        XCTAssertEqual(converted("S-PER S-PER O"), ["B-PER", "B-PER", "O"])
        XCTAssertEqual(converted("B-LOC I-LOC E-LOC S-ORG"), ["B-LOC", "I-LOC", "I-LOC", "B-ORG"])
        XCTAssertEqual(converted("O E-PER I-LOC E-LOC"), ["O", "B-PER", "B-LOC", "I-LOC"])
        XCTAssertEqual(converted("U-PER U-PER L-PER"), ["B-PER", "B-PER", "B-PER"])
    }
}
