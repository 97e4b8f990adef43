import XCTest
@testable import NERKit

final class TagSchemeTests: XCTestCase {
    private func tags(_ s: String) -> [String] { s.split(separator: " ").map(String.init) }

    func testParsedTag() {
        XCTAssertEqual(ParsedTag("O"), ParsedTag.outside)
        XCTAssertEqual(ParsedTag("B-PER"), ParsedTag(prefix: .b, type: "PER"))
        XCTAssertEqual(ParsedTag("I-ORG-deriv"), ParsedTag(prefix: .i, type: "ORG-deriv"))
        XCTAssertEqual(ParsedTag("E-LOC"), ParsedTag(prefix: .e, type: "LOC"))
        XCTAssertEqual(ParsedTag("S-MISC"), ParsedTag(prefix: .s, type: "MISC"))
        XCTAssertEqual(ParsedTag("U-MISC"), ParsedTag(prefix: .s, type: "MISC"), "BILOU unit")
        XCTAssertEqual(ParsedTag("L-MISC"), ParsedTag(prefix: .e, type: "MISC"), "BILOU last")
        XCTAssertEqual(ParsedTag("B-ORGANISATION_LONGER_THAN_SIXTEEN"), ParsedTag(prefix: .b, type: "ORGANISATION_LONGER_THAN_SIXTEEN"))
        // Types beyond ASCII are cut after the two bytes of the prefix, characters kept whole.
        XCTAssertEqual(ParsedTag("B-Persön"), ParsedTag(prefix: .b, type: "Persön"))
        XCTAssertEqual(ParsedTag("S-🧸"), ParsedTag(prefix: .s, type: "🧸"))
        XCTAssertEqual(ParsedTag("I-e\u{301}"), ParsedTag(prefix: .i, type: "e\u{301}"))
        for bad in ["", "o", "B", "B-", "X-PER", "B_PER", "PER", "b-PER", "-PER", "OO", "O-PER", "B-P ER", "B-PER\t",
                    "B- é", "B-é\tX", "Ö-PER", "B–PER"] {
            XCTAssertNil(ParsedTag(bad), bad)
        }
        XCTAssertEqual(ParsedTag("B-PER")?.description, "B-PER")
        XCTAssertEqual(ParsedTag("U-PER")?.description, "S-PER")
        XCTAssertEqual(ParsedTag.outside.description, "O")
    }

    func testSpansAreReadTheWayConllevalReadsThem() {
        XCTAssertEqual(EntitySpan.spans(in: tags("B-PER I-PER O B-LOC")),
                       [EntitySpan(type: "PER", start: 0, end: 2), EntitySpan(type: "LOC", start: 3, end: 4)])
        // IOB1: a B- right after a span of the same type starts a second span.
        XCTAssertEqual(EntitySpan.spans(in: tags("I-PER I-PER B-PER O I-LOC")),
                       [EntitySpan(type: "PER", start: 0, end: 2), EntitySpan(type: "PER", start: 2, end: 3),
                        EntitySpan(type: "LOC", start: 4, end: 5)])
        // An I- after O, or after another type, starts a span.
        XCTAssertEqual(EntitySpan.spans(in: tags("O I-ORG I-ORG I-LOC")),
                       [EntitySpan(type: "ORG", start: 1, end: 3), EntitySpan(type: "LOC", start: 3, end: 4)])
        // BIOES: E- and S- close spans.
        XCTAssertEqual(EntitySpan.spans(in: tags("B-PER E-PER S-PER S-LOC B-ORG I-ORG E-ORG")),
                       [EntitySpan(type: "PER", start: 0, end: 2), EntitySpan(type: "PER", start: 2, end: 3),
                        EntitySpan(type: "LOC", start: 3, end: 4), EntitySpan(type: "ORG", start: 4, end: 7)])
        XCTAssertEqual(EntitySpan.spans(in: tags("E-PER I-PER")),
                       [EntitySpan(type: "PER", start: 0, end: 1), EntitySpan(type: "PER", start: 1, end: 2)])
        XCTAssertEqual(EntitySpan.spans(in: [String]()), [])
    }

    func testDetection() {
        XCTAssertEqual(TagScheme.detect([tags("B-PER I-PER O"), tags("O B-LOC")]), .iob2)
        XCTAssertEqual(TagScheme.detect([tags("I-PER I-PER O"), tags("I-LOC B-LOC O")]), .iob1)
        XCTAssertEqual(TagScheme.detect([tags("I-PER I-PER O"), tags("O B-LOC")]), .iob2, "a B- after O is not IOB1")
        XCTAssertEqual(TagScheme.detect([tags("B-PER I-PER O"), tags("O I-LOC")]), .iob2, "stray I- in IOB2")
        XCTAssertEqual(TagScheme.detect([tags("B-PER E-PER O"), tags("O B-LOC")]), .bioes)
        XCTAssertEqual(TagScheme.detect([tags("O O"), tags("S-LOC")]), .bioes)
        XCTAssertEqual(TagScheme.detect([tags("U-LOC O")]), .bilou)
        XCTAssertEqual(TagScheme.detect([tags("O O")]), .iob2, "no entities: IOB2 by default")
        XCTAssertEqual(TagScheme.detect([[String]]()), .iob2)
    }

    // One sentence with every case in it, hand-converted:
    // "Anna Berg" PER, "Carl" PER right after it, O, "Lake Tessel Park" LOC, "Oslo" LOC, O, "Vestra" ORG.
    private let iob1 = "I-PER I-PER B-PER O I-LOC I-LOC I-LOC B-LOC O I-ORG"
    private let iob2 = "B-PER I-PER B-PER O B-LOC I-LOC I-LOC B-LOC O B-ORG"
    private let bioes = "B-PER E-PER S-PER O B-LOC I-LOC E-LOC S-LOC O S-ORG"
    private let bilou = "B-PER L-PER U-PER O B-LOC I-LOC L-LOC U-LOC O U-ORG"

    func testConversionsBetweenAllSchemes() {
        let forms: [TagScheme: [String]] = [.iob1: tags(iob1), .iob2: tags(iob2), .bioes: tags(bioes), .bilou: tags(bilou)]
        for source in TagScheme.allCases {
            for target in TagScheme.allCases {
                XCTAssertEqual(source.convert(forms[source]!, to: target), forms[target]!, "\(source) → \(target)")
            }
        }
    }

    func testRoundTrips() {
        let start = tags(iob1)
        let viaIOB2 = TagScheme.iob1.convert(start, to: .iob2)
        let viaBIOES = TagScheme.iob2.convert(viaIOB2, to: .bioes)
        XCTAssertEqual(TagScheme.bioes.convert(viaBIOES, to: .iob1), start)
        let back = TagScheme.bioes.convert(TagScheme.iob1.convert(TagScheme.iob2.convert(tags(iob2), to: .iob1), to: .bioes), to: .iob2)
        XCTAssertEqual(back, tags(iob2))
    }

    func testInvalidSequencesAreReadAsConllevalDoes() {
        // IOB2 with an I- after O and an I- switching type: each starts a span.
        XCTAssertEqual(TagScheme.iob2.convert(tags("O I-PER I-PER I-LOC"), to: .iob2), tags("O B-PER I-PER B-LOC"))
        XCTAssertEqual(TagScheme.iob2.convert(tags("O I-PER I-PER I-LOC"), to: .bioes), tags("O B-PER E-PER S-LOC"))
        // BIOES missing its E-: the span runs to where the type ends.
        XCTAssertEqual(TagScheme.bioes.convert(tags("B-PER I-PER O"), to: .bioes), tags("B-PER E-PER O"))
        // BILOU reads as BIOES and is written back as BILOU.
        XCTAssertEqual(TagScheme.bilou.convert(tags("U-PER B-LOC L-LOC"), to: .bioes), tags("S-PER B-LOC E-LOC"))
        XCTAssertEqual(TagScheme.bioes.convert(tags("S-PER U-PER B-LOC I-LOC E-LOC"), to: .bilou), tags("U-PER U-PER B-LOC I-LOC L-LOC"))
        XCTAssertEqual(TagScheme.detect([tags("O U-PER O"), tags("B-LOC L-LOC")]), .bilou)
        XCTAssertEqual(TagScheme(name: "BILOU"), .bilou)
    }

    func testSchemeNames() {
        XCTAssertEqual(TagScheme(name: "IOBES"), .bioes)
        XCTAssertEqual(TagScheme(name: "iob2"), .iob2)
        XCTAssertEqual(TagScheme(name: "BIO"), .iob2)
        XCTAssertNil(TagScheme(name: "xml"))
        XCTAssertEqual(TagScheme.iob1.displayName, "IOB1")
    }
}
