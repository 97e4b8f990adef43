import XCTest
@testable import NERKit

/// Character spans onto ner's tokens (`SpanAligner`): offsets in code points and UTF-16 units,
/// the misaligned-span policies, overlaps, trimmed spaces, `\r\n` text and empty texts. Expected
/// offsets are counted by hand from the texts.
final class SpanAlignerTests: XCTestCase {
    private let here = RecordLocation(path: "t.jsonl", line: 4, name: "record 4")

    private func align(_ text: String, _ spans: [CharacterSpan], unit: OffsetUnit = .codepoints,
                       policy: MisalignedSpanPolicy = .split, tokens: [Range<Int>]? = nil) throws -> (AlignedDocument, [AlignmentAdjustment]) {
        try SpanAligner(policy: policy).align(AnnotatedText(text: text, spans: spans, tokens: tokens, unit: unit, location: here))
    }

    /// "token/TAG" for every token of every sentence, sentences separated by " | ".
    private func tagged(_ doc: AlignedDocument) -> String {
        let tags = doc.tags
        return doc.sentences.map { r in r.map { "\(doc.tokens[$0].text)/\(tags[$0])" }.joined(separator: " ") }.joined(separator: " | ")
    }

    func testSpansOnTokenBoundariesBecomeIOB2() throws {
        let (doc, adjustments) = try align("Teddy Roosevelt visited Paris.", [
            CharacterSpan(start: 0, end: 15, label: "PER"), CharacterSpan(start: 24, end: 29, label: "LOC"),
        ])
        XCTAssertEqual(tagged(doc), "Teddy/B-PER Roosevelt/I-PER visited/O Paris/B-LOC ./O")
        XCTAssertEqual(adjustments, [])
        XCTAssertEqual(doc.entities.map { [$0.start, $0.end, $0.tokenStart, $0.tokenEnd] }, [[0, 15, 0, 2], [24, 29, 3, 4]])
    }

    func testEmojiAndCombiningMarksInCodePoints() throws {
        // "🚀 " is 2 code points; "Zoe\u{301}" (Zoé with a combining accent) is 4.
        let text = "🚀 Zoe\u{301} met Ann."
        let (doc, _) = try align(text, [CharacterSpan(start: 2, end: 6, label: "PER"), CharacterSpan(start: 11, end: 14, label: "PER")])
        XCTAssertEqual(tagged(doc), "🚀/O Zoé/B-PER met/O Ann/B-PER ./O")
        XCTAssertEqual(doc.tokens[1].text, "Zo\u{E9}", "tokens are NFC, what the model reads")
    }

    func testUTF16OffsetsAfterAnEmoji() throws {
        // In UTF-16 "🚀" is 2 units, so "Ann" is at 11..<14 there and at 10..<13 in code points.
        let text = "🚀 Zoe met Ann."
        let (doc, _) = try align(text, [CharacterSpan(start: 11, end: 14, label: "PER")], unit: .utf16)
        XCTAssertEqual(tagged(doc), "🚀/O Zoe/O met/O Ann/B-PER ./O")
        XCTAssertEqual(doc.entities.first?.start, 10)
        XCTAssertThrowsError(try align(text, [CharacterSpan(start: 1, end: 3, label: "X")], unit: .utf16)) { error in
            XCTAssertTrue("\(error)".contains("inside a UTF-16 surrogate pair"), "\(error)")
        }
    }

    func testSpanTextTellsUTF16FromCodePoints() throws {
        let text = "🚀 Zoe met Ann."
        let (doc, adjustments) = try align(text, [CharacterSpan(start: 11, end: 14, label: "PER", text: "Ann")])
        XCTAssertEqual(doc.entities.map(\.start), [10])
        XCTAssertEqual(adjustments.map(\.kind), [.utf16Offsets])
    }

    func testMisalignedPolicies() throws {
        let text = "The US-based firm"
        let us = [CharacterSpan(start: 4, end: 6, label: "LOC")]
        let (split, splitLog) = try align(text, us, policy: .split)
        XCTAssertEqual(tagged(split), "The/O US/B-LOC -based/O firm/O")
        XCTAssertEqual(splitLog.map(\.kind), [.splitToken])
        let (expand, expandLog) = try align(text, us, policy: .expand)
        XCTAssertEqual(tagged(expand), "The/O US-based/B-LOC firm/O")
        XCTAssertEqual(expandLog.map(\.kind), [.expanded])
        let (skip, skipLog) = try align(text, us, policy: .skip)
        XCTAssertEqual(tagged(skip), "The/O US-based/O firm/O")
        XCTAssertEqual(skipLog.map(\.kind), [.skippedMisaligned])
        XCTAssertThrowsError(try align(text, us, policy: .error)) { error in
            let e = error as? NERError
            XCTAssertEqual(e?.path, "t.jsonl")
            XCTAssertEqual(e?.line, 4)
            XCTAssertTrue(e?.message.contains("record 4: span [4, 6) LOC") ?? false, "\(error)")
            XCTAssertTrue(e?.message.contains("US-based") ?? false, "\(error)")
        }
    }

    func testOverlapsKeepTheOuterSpanAndReportTheOthers() throws {
        let text = "University of Paris students"
        let (doc, adjustments) = try align(text, [
            CharacterSpan(start: 14, end: 19, label: "LOC"), CharacterSpan(start: 0, end: 19, label: "ORG"),
            CharacterSpan(start: 11, end: 28, label: "MISC"),
        ])
        XCTAssertEqual(tagged(doc), "University/B-ORG of/I-ORG Paris/I-ORG students/O")
        XCTAssertEqual(adjustments.filter { $0.kind == .droppedOverlap }.map { [$0.start, $0.end] }, [[11, 28], [14, 19]])
        XCTAssertTrue(adjustments.allSatisfy { $0.location == here })
    }

    func testSpacesAtTheEdgesAreTrimmed() throws {
        let (doc, adjustments) = try align("I saw  Ann  today", [CharacterSpan(start: 5, end: 12, label: "PER"), CharacterSpan(start: 10, end: 12, label: "X")])
        XCTAssertEqual(tagged(doc), "I/O saw/O Ann/B-PER today/O")
        XCTAssertEqual(adjustments.map(\.kind), [.trimmed, .droppedEmpty])
        XCTAssertEqual(doc.entities.map { [$0.start, $0.end] }, [[7, 10]])
    }

    func testCRLFTextAndASpanAcrossASentenceEnd() throws {
        let text = "Ann lives in Paris.\r\n\r\nBob too."
        let (doc, _) = try align(text, [CharacterSpan(start: 13, end: 18, label: "LOC"), CharacterSpan(start: 23, end: 26, label: "PER")])
        XCTAssertEqual(tagged(doc), "Ann/O lives/O in/O Paris/B-LOC ./O | Bob/B-PER too/O ./O")
        let (joined, log) = try align("He met Ann. Lee later.", [CharacterSpan(start: 7, end: 15, label: "PER")])
        XCTAssertEqual(joined.sentences.count, 1)
        XCTAssertTrue(log.contains { $0.kind == .joinedSentences })
    }

    func testEmptyTextGivesNoSentences() throws {
        let (doc, adjustments) = try align("", [])
        XCTAssertEqual(doc.tokens, [])
        XCTAssertEqual(doc.sentences, [])
        XCTAssertEqual(adjustments, [])
        let (spaces, _) = try align("   ", [])
        XCTAssertEqual(spaces.sentences, [])
    }

    func testBadOffsetsAreErrorsNamingTheRecord() {
        for (span, expected) in [
            (CharacterSpan(start: 2, end: 40, label: "X"), "end offset 40 is past the end of the text (10 code points)"),
            (CharacterSpan(start: 5, end: 2, label: "X"), "span end 2 is before its start 5"),
            (CharacterSpan(start: -1, end: 2, label: "X"), "start offset -1 is negative"),
            (CharacterSpan(start: 0, end: 3, label: " "), "has an empty label"),
        ] {
            XCTAssertThrowsError(try align("Ann smiled", [span])) { error in
                XCTAssertTrue("\(error)".contains("record 4: "), "\(error)")
                XCTAssertTrue("\(error)".contains(expected), "\(error) lacks \(expected)")
            }
        }
    }

    func testGivenTokensAreUsedAndWhitespaceTokensDropped() throws {
        // spaCy-style tokens, with a whitespace token for the double space.
        let text = "New York  is big"
        let tokens = [0..<3, 4..<8, 8..<9, 10..<12, 13..<16]
        let (doc, _) = try align(text, [CharacterSpan(start: 0, end: 8, label: "LOC")], tokens: tokens)
        XCTAssertEqual(tagged(doc), "New/B-LOC York/I-LOC is/O big/O")
    }

    func testLabelsWithSpacesBecomeUnderscores() throws {
        let (doc, adjustments) = try align("Take aspirin now", [CharacterSpan(start: 5, end: 12, label: "DRUG NAME")])
        XCTAssertEqual(tagged(doc), "Take/O aspirin/B-DRUG_NAME now/O")
        XCTAssertEqual(adjustments.map(\.kind), [.relabeled])
    }
}
