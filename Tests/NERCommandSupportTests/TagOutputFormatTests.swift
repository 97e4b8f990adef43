import Foundation
import XCTest
@testable import NERCommandSupport
@testable import NERKit

/// Output formats of `ner tag` on hand-made sentences and results (no model needed).
final class TagOutputFormatTests: XCTestCase {
    /// "Teddy Roosevelt visited Paris ." with PER on 0..<2 and LOC on 3..<4.
    private func example() -> (TagInputSentence, TaggedSentence) {
        let sentence = TagInputSentence.joining(["Teddy", "Roosevelt", "visited", "Paris", "."], line: 7)
        let result = TaggedSentence(tags: ["B-PER", "I-PER", "O", "B-LOC", "O"], entities: [
            TaggedEntity(label: "PER", tokenStart: 0, tokenEnd: 2, score: 0.973_14),
            TaggedEntity(label: "LOC", tokenStart: 3, tokenEnd: 4, score: 1),
        ])
        return (sentence, result)
    }

    private func jsonObject(_ line: String) throws -> [String: Any] {
        XCTAssertTrue(line.hasSuffix("}\n"), "one object per line")
        XCTAssertEqual(line.filter { $0 == "\n" }.count, 1)
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try XCTUnwrap(object as? [String: Any])
    }

    func testInlineBracketsEntitiesWithTheirLabel() throws {
        let (sentence, result) = example()
        var formatter = TagOutputFormatter(format: .inline)
        XCTAssertEqual(try formatter.format(sentence, result), "[PER Teddy Roosevelt] visited [LOC Paris] .\n")
        XCTAssertEqual(formatter.finish(), "")
    }

    func testInlineWithoutEntitiesIsTheTokens() throws {
        let sentence = TagInputSentence.joining(["a", "b"])
        var formatter = TagOutputFormatter(format: .inline)
        XCTAssertEqual(try formatter.format(sentence, TaggedSentence(tags: ["O", "O"], entities: [])), "a b\n")
    }

    func testConllWritesTokenTabTagAndABlankLine() throws {
        let (sentence, result) = example()
        var formatter = TagOutputFormatter(format: .conll)
        XCTAssertEqual(try formatter.format(sentence, result),
                       "Teddy\tB-PER\nRoosevelt\tI-PER\nvisited\tO\nParis\tB-LOC\n.\tO\n\n")
    }

    func testConllForColumnInputAppendsTheTagToTheOriginalLines() throws {
        let conll = CoNLLSentence(tokens: ["Paris", "fell"], lines: ["Paris NNP B-LOC", "fell VBD O"],
                                  lineNumbers: [3, 4], startsDocument: true, documentLine: "-DOCSTART- -X- O")
        let sentence = TagInputSentence.joining(conll.tokens, line: 3, conll: conll)
        var formatter = TagOutputFormatter(format: .conll)
        let out = try formatter.format(sentence, TaggedSentence(tags: ["B-LOC", "O"], entities: []))
        XCTAssertEqual(out, "-DOCSTART- -X- O O\n\nParis NNP B-LOC B-LOC\nfell VBD O O\n\n")
    }

    func testJSONFieldsAndOffsets() throws {
        let (sentence, result) = example()
        var formatter = TagOutputFormatter(format: .json)
        let object = try jsonObject(try formatter.format(sentence, result))
        XCTAssertEqual(object["line"] as? Int, 7)
        XCTAssertEqual(object["text"] as? String, "Teddy Roosevelt visited Paris .")
        XCTAssertEqual(object["start"] as? Int, 0)
        XCTAssertEqual(object["end"] as? Int, 31)
        let tokens = try XCTUnwrap(object["tokens"] as? [[String: Any]])
        XCTAssertEqual(tokens.map { $0["text"] as? String }, ["Teddy", "Roosevelt", "visited", "Paris", "."])
        XCTAssertEqual(tokens.map { $0["tag"] as? String }, ["B-PER", "I-PER", "O", "B-LOC", "O"])
        XCTAssertEqual(tokens[3]["start"] as? Int, 24)
        XCTAssertEqual(tokens[3]["end"] as? Int, 29)
        let entities = try XCTUnwrap(object["entities"] as? [[String: Any]])
        XCTAssertEqual(entities.count, 2)
        XCTAssertEqual(entities[0]["label"] as? String, "PER")
        XCTAssertEqual(entities[0]["text"] as? String, "Teddy Roosevelt")
        XCTAssertEqual(entities[0]["start"] as? Int, 0)
        XCTAssertEqual(entities[0]["end"] as? Int, 15)
        XCTAssertEqual(entities[0]["token_start"] as? Int, 0)
        XCTAssertEqual(entities[0]["token_end"] as? Int, 2)
        XCTAssertEqual(entities[0]["score"] as? Double, 0.9731)
        XCTAssertEqual(entities[1]["score"] as? Double, 1)
    }

    func testJSONScoreHasAtMostFourDecimals() {
        XCTAssertEqual(TagJSONLine.rounded(0.973_14), "0.9731")
        XCTAssertEqual(TagJSONLine.rounded(0.999_96), "1.0")
        XCTAssertEqual(TagJSONLine.rounded(0.000_04), "0.0")
        XCTAssertEqual(TagJSONLine.rounded(0.5), "0.5")
        XCTAssertEqual(TagJSONLine.rounded(.nan), "0.0")
    }

    func testJSONEscapesQuotesBackslashesAndControlCharacters() throws {
        let words = ["say\"hi\"", "back\\slash", "nul\u{0}x", "bell\u{7}", "tab\tin", "Zoë", "東京", "🙂"]
        let sentence = TagInputSentence.joining(words)
        let result = TaggedSentence(tags: words.map { _ in "O" },
                                    entities: [TaggedEntity(label: "A\"B", tokenStart: 5, tokenEnd: 8, score: 0.5)])
        var formatter = TagOutputFormatter(format: .json)
        let line = try formatter.format(sentence, result)
        XCTAssertTrue(line.contains(#"say\"hi\""#))
        XCTAssertTrue(line.contains(#"back\\slash"#))
        XCTAssertTrue(line.contains(#"nul\u0000x"#))
        XCTAssertTrue(line.contains(#"bell\u0007"#))
        XCTAssertFalse(line.unicodeScalars.dropLast().contains { $0.value < 0x20 }, "no raw control characters")
        let object = try jsonObject(line)
        let tokens = try XCTUnwrap(object["tokens"] as? [[String: Any]])
        XCTAssertEqual(tokens.map { $0["text"] as? String }, words)
        let entity = try XCTUnwrap((object["entities"] as? [[String: Any]])?.first)
        XCTAssertEqual(entity["label"] as? String, "A\"B")
        XCTAssertEqual(entity["text"] as? String, "Zoë 東京 🙂")
        // Scalar offsets: the emoji is one scalar (two UTF-16 units).
        let scalars = Array(sentence.text.unicodeScalars)
        for token in tokens {
            let start = try XCTUnwrap(token["start"] as? Int), end = try XCTUnwrap(token["end"] as? Int)
            XCTAssertEqual(String(String.UnicodeScalarView(scalars[start..<end])), token["text"] as? String)
        }
    }

    func testJSONNamesTheFileWhenThereIsOne() throws {
        var sentence = TagInputSentence.joining(["x"], line: 1)
        sentence.file = "dir/in \"1\".txt"
        var formatter = TagOutputFormatter(format: .json)
        let object = try jsonObject(try formatter.format(sentence, TaggedSentence(tags: ["O"], entities: [])))
        XCTAssertEqual(object["file"] as? String, "dir/in \"1\".txt")
    }

    func testTextSlicesKeepOriginalSpacing() {
        // As text input gives it: a line break inside the entity.
        let text = "Teddy\nRoosevelt  was"
        let sentence = TagInputSentence(tokens: [
            TagInputToken(text: "Teddy", normalized: "Teddy", start: 10, end: 15, utf8Range: 0..<5),
            TagInputToken(text: "Roosevelt", normalized: "Roosevelt", start: 16, end: 25, utf8Range: 6..<15),
            TagInputToken(text: "was", normalized: "was", start: 27, end: 30, utf8Range: 17..<20),
        ], text: text, start: 10)
        XCTAssertEqual(sentence.text(tokens: 0..<2), "Teddy\nRoosevelt")
        XCTAssertEqual(sentence.text(tokens: 2..<3), "was")
        XCTAssertEqual(sentence.text(tokens: 2..<2), "")
        XCTAssertEqual(sentence.end, 30)
    }

    func testJoiningNormalizesForTheModelButKeepsTheInputSpelling() {
        let sentence = TagInputSentence.joining(["Cafe\u{301}", "x"])
        XCTAssertEqual(sentence.tokens[0].text, "Cafe\u{301}")
        XCTAssertEqual(sentence.modelTokens, ["Caf\u{E9}", "x"])
        XCTAssertEqual(sentence.tokens[1].start, 6, "offsets count the input's scalars")
    }

    func testHTMLPageIsOpenedOnceEscapedAndClosed() throws {
        let sentence = TagInputSentence.joining(["<b>", "Tom", "&", "Jerry", "'s"])
        let result = TaggedSentence(tags: ["O", "B-ORG", "I-ORG", "I-ORG", "O"], entities: [
            TaggedEntity(label: "ORG", tokenStart: 1, tokenEnd: 4, score: 0.8),
        ])
        var formatter = TagOutputFormatter(format: .html, entityTypes: ["PER", "ORG", "PRODUCT"])
        let first = try formatter.format(sentence, result)
        let second = try formatter.format(sentence, result)
        let end = formatter.finish()
        let page = first + second + end
        XCTAssertTrue(first.hasPrefix("<!DOCTYPE html>"))
        XCTAssertFalse(second.contains("<!DOCTYPE"), "the page is opened only once")
        XCTAssertTrue(end.hasSuffix("</html>\n"))
        XCTAssertEqual(page.components(separatedBy: "<html").count, 2)
        XCTAssertFalse(page.contains("<b>"), "input text is escaped")
        XCTAssertTrue(page.contains("&lt;b&gt; <mark style=\"background:#a5d8ff\" data-label=\"ORG\" title=\"ORG 0.8\">Tom &amp; Jerry</mark> &#39;s\n"))
        XCTAssertFalse(page.contains("http"), "no external resources")
        XCTAssertFalse(page.contains("<script"))
        // Legend: one entry per model type, the unknown one with a derived colour.
        XCTAssertTrue(page.contains("data-label=\"PER\""))
        XCTAssertTrue(page.contains("<mark style=\"background:\(TagHTMLPage.color(for: "PRODUCT"))\" data-label=\"PRODUCT\">"))
    }

    func testHTMLColoursAreFixedForCoNLLTypesAndStableOtherwise() {
        let fixed = ["PER", "LOC", "ORG", "MISC"].map(TagHTMLPage.color(for:))
        XCTAssertEqual(Set(fixed).count, 4)
        XCTAssertEqual(TagHTMLPage.color(for: "PRODUCT"), TagHTMLPage.color(for: "PRODUCT"))
        XCTAssertTrue(TagHTMLPage.color(for: "PRODUCT").hasPrefix("hsl("))
        XCTAssertNotEqual(TagHTMLPage.color(for: "PRODUCT"), TagHTMLPage.color(for: "EVENT"))
    }

    func testHTMLKeepsTheTextAroundSentencesAndParagraphBreaks() throws {
        var a = TagInputSentence.joining(["One", "."])
        a.before = "  "
        a.after = ""
        var b = TagInputSentence.joining(["Two"])
        b.before = "\n "
        b.after = "\n"
        var c = TagInputSentence.joining(["Three"])
        c.afterBlankLine = true
        var formatter = TagOutputFormatter(format: .html)
        let none = TaggedSentence(tags: [], entities: [])
        var body = ""
        for s in [a, b, c] { body += try formatter.format(s, none) }
        XCTAssertTrue(body.hasSuffix("<div class=\"text\">  One .\n Two\n\nThree\n"), body)
    }

    func testFinishWithoutSentencesWritesNothing() {
        for format in TagOutputFormat.allCases {
            var formatter = TagOutputFormatter(format: format, entityTypes: ["PER"])
            XCTAssertEqual(formatter.finish(), "", "\(format)")
        }
    }

    func testDefaultFormats() {
        XCTAssertEqual(TagOutputFormat.defaultFormat(for: .text), .inline)
        XCTAssertEqual(TagOutputFormat.defaultFormat(for: .tokens), .inline)
        XCTAssertEqual(TagOutputFormat.defaultFormat(for: .conll), .conll)
    }
}
