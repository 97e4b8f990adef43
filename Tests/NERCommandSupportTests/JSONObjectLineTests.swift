import Foundation
import XCTest
@testable import NERCommandSupport
@testable import NERKit

/// The JSON-lines record scanner, UTF-8 check, record sentence splitting and the spliced output
/// line of `ner tag --input jsonl`, without a model.
final class JSONObjectLineTests: XCTestCase {
    private func parse(_ text: String) throws -> JSONObjectLine {
        try JSONObjectLine(Array(text.utf8))
    }

    private func problem(_ bytes: [UInt8]) -> JSONObjectLine.Problem? {
        do {
            _ = try JSONObjectLine(bytes)
            return nil
        } catch {
            return error
        }
    }

    private func problem(_ text: String) -> JSONObjectLine.Problem? { problem(Array(text.utf8)) }

    // MARK: - Scanning

    func testMembersAreLocatedAsTheyAreWritten() throws {
        let line = #"  {"id": 7, "text" :"a\"b", "meta": {"x": [1, {"y": null}], "z": {}}, "n": -1.5e+3, "t": true, "e": []}  "#
        let object = try parse(line)
        XCTAssertEqual(object.members.map(\.key), ["id", "text", "meta", "n", "t", "e"])
        XCTAssertEqual(object.members.map { object.text($0.valueRange) },
                       ["7", #""a\"b""#, #"{"x": [1, {"y": null}], "z": {}}"#, "-1.5e+3", "true", "[]"])
        XCTAssertEqual(object.members.map(\.kind), ["a number", "a string", "an object", "a number", "a boolean", "an array"])
        XCTAssertEqual(object.text(object.objectRange), line.trimmingCharacters(in: .whitespaces))
        XCTAssertEqual(object.string(object.members[1]), "a\"b")
        XCTAssertNil(object.string(object.members[0]))
    }

    func testEmptyObjectAndEscapedKeys() throws {
        XCTAssertEqual(try parse("{}").members, [])
        XCTAssertEqual(try parse(" { } ").objectRange, 1..<4)
        let object = try parse(#"{"te\u0078t": "x", "\n": 1}"#)
        XCTAssertEqual(object.members.map(\.key), ["text", "\n"])
        XCTAssertEqual(object.members(named: "text").count, 1)
    }

    func testDuplicateKeysAreAllListed() throws {
        let object = try parse(#"{"text": "a", "text": "b"}"#)
        XCTAssertEqual(object.members(named: "text").map { object.string($0) }, ["a", "b"])
    }

    func testStringsAreUnescaped() throws {
        let object = try parse(#"{"a": "Z\u00fcrich \ud83d\ude80 \n\t\/\\ \b\f\r", "b": "plain Zürich 🚀", "c": "\ud800x", "d": "\udc00"}"#)
        let strings = object.members.map { object.string($0) }
        XCTAssertEqual(strings[0], "Zürich 🚀 \n\t/\\ \u{08}\u{0C}\r")
        XCTAssertEqual(strings[1], "plain Zürich 🚀")
        XCTAssertEqual(strings[2], "\u{FFFD}x", "a lone surrogate is one replaced code point, as in Python")
        XCTAssertEqual(strings[3], "\u{FFFD}")
    }

    func testNotAnObject() {
        XCTAssertEqual(problem(" [1, 2] "), .notAnObject(kind: "an array", range: 1..<7))
        XCTAssertEqual(problem(#""text""#), .notAnObject(kind: "a string", range: 0..<6))
        XCTAssertEqual(problem("12"), .notAnObject(kind: "a number", range: 0..<2))
        XCTAssertEqual(problem("null"), .notAnObject(kind: "null", range: 0..<4))
        XCTAssertEqual(problem("false")?.description, "not a JSON object but a boolean")
    }

    func testSyntaxErrorsSayWhere() {
        let cases: [(String, Int, String)] = [
            ("", 0, "no JSON value"),
            ("{", 1, "expected a string key"),
            (#"{"a" 1}"#, 5, "expected ':' after the key"),
            (#"{"a": 1,}"#, 8, "expected a string key"),
            (#"{"a": 1 "b": 2}"#, 8, "expected ',' or '}'"),
            (#"{"a": [1 2]}"#, 9, "expected ',' or ']'"),
            (#"{"a": [1,]}"#, 9, "expected a value"),
            (#"{"a": "x}"#, 9, "unterminated string"),
            ("{\"a\": \"x\ty\"}", 8, "control character in a string (it must be escaped)"),
            (#"{"a": "\x"}"#, 8, "invalid escape"),
            (#"{"a": "\u12g4"}"#, 11, #"invalid \u escape"#),
            (#"{"a": 01}"#, 7, "expected ',' or '}'"),
            (#"{"a": 1.}"#, 8, "invalid number"),
            (#"{"a": -}"#, 7, "invalid number"),
            (#"{"a": 1e}"#, 8, "invalid number"),
            (#"{"a": tru}"#, 6, "expected a value"),
            (#"{"a": NaN}"#, 6, "expected a value"),
            (#"{"a": 1} x"#, 9, "unexpected text after the JSON value"),
            (#"{"a": 1}{}"#, 8, "unexpected text after the JSON value"),
            (#"{'a': 1}"#, 1, "expected a string key"),
        ]
        for (text, offset, message) in cases {
            XCTAssertEqual(problem(text), .syntax(offset: offset, message: message), text)
        }
        XCTAssertEqual(problem(#"{"a" 1}"#)?.description, "invalid JSON at byte 6: expected ':' after the key")
    }

    func testDeepNestingIsNoStackOverflow() throws {
        let deep = "{\"a\": " + String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000) + ", \"text\": \"x\"}"
        let object = try parse(deep)
        XCTAssertEqual(object.members.map(\.key), ["a", "text"])
        XCTAssertEqual(object.members[0].valueRange.count, 400_000)
        let unclosed = "{\"a\": " + String(repeating: "[", count: 200_000)
        XCTAssertEqual(problem(unclosed), .syntax(offset: unclosed.utf8.count, message: "unexpected end of the line"))
    }

    func testInvalidUTF8IsFoundWhereItIs() {
        var bytes = Array(#"{"text": "Zürich "#.utf8)
        let offset = bytes.count
        bytes += [0xC3, 0x28] + Array(#""}"#.utf8)
        XCTAssertEqual(problem(bytes), .invalidUTF8(offset: offset))
        XCTAssertEqual(problem(bytes)?.description, "invalid UTF-8 at byte \(offset + 1)")
    }

    func testUTF8Validation() {
        let valid: [[UInt8]] = [[], Array("aé€🚀\u{10FFFF}".utf8), [0xEF, 0xBF, 0xBD]]
        for bytes in valid { XCTAssertNil(UTF8Validation.firstInvalidIndex(bytes), "\(bytes)") }
        let invalid: [([UInt8], Int)] = [
            ([0x61, 0xFF], 1),  // never valid
            ([0xC0, 0xAF], 0),  // overlong
            ([0xE0, 0x80, 0xAF], 0),  // overlong
            ([0xED, 0xA0, 0x80], 0),  // surrogate
            ([0xF4, 0x90, 0x80, 0x80], 0),  // past U+10FFFF
            ([0x61, 0x62, 0xE2, 0x82], 2),  // truncated
            ([0xE2, 0x28, 0xA1], 0),  // bad continuation
            ([0x80], 0),  // lone continuation
        ]
        for (bytes, index) in invalid {
            XCTAssertEqual(UTF8Validation.firstInvalidIndex(bytes), index, "\(bytes)")
            XCTAssertNil(String(validating: bytes, as: UTF8.self), "agrees with the standard library: \(bytes)")
        }
        XCTAssertEqual(UTF8Validation.firstInvalidIndex(Array("ok".utf8)[...]), nil)
    }

    /// An error is found wherever it is in a long text, before or after other characters, in
    /// bytes in memory as in any other collection of bytes.
    func testUTF8ValidationFindsTheErrorAtEveryPositionOfALongText() {
        let good = Array("The Teddy bear 🧸 costs 5 € in Zürich, said Anna Müller of Acme.".utf8)
        XCTAssertNil(UTF8Validation.firstInvalidIndex(good))
        XCTAssertNil(UTF8Validation.firstInvalidIndex(good.lazy.map { $0 }))
        for k in 0...good.count where k == good.count || good[k] & 0xC0 != 0x80 {
            for bad: [UInt8] in [[0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80]] {
                let bytes = Array(good[..<k]) + bad + Array(good[k...])
                XCTAssertEqual(UTF8Validation.firstInvalidIndex(bytes), k, "\(bad) at \(k)")
                XCTAssertEqual(UTF8Validation.firstInvalidIndex(bytes.lazy.map { $0 }), k, "\(bad) at \(k), byte by byte")
                if k > 0 { XCTAssertEqual(UTF8Validation.firstInvalidIndex(bytes[1...]), k, "a slice keeps its indices") }
            }
        }
        // A sequence cut short by the end of the text, after a run of ASCII.
        let cut = Array(good.prefix(40)) + [0xF0, 0x9F, 0xA7]
        XCTAssertEqual(UTF8Validation.firstInvalidIndex(cut), 40)
    }

    // MARK: - Record sentences

    func testRecordSentencesAreThoseOfTextInput() {
        let text = "Mr. Smith went to Washington. He arrived\non Jan. 5.\n \nZoë 🙂 met Ana in 東京.\n\n\nEnd"
        let sentences = RecordSentences().sentences(of: text)
        XCTAssertEqual(sentences.map { $0.tokens.map(\.text) }, [
            ["Mr.", "Smith", "went", "to", "Washington", "."], ["He", "arrived", "on", "Jan.", "5", "."],
            ["Zoë", "🙂", "met", "Ana", "in", "東", "京", "."], ["End"],
        ])
        let scalars = Array(text.unicodeScalars)
        for s in sentences {
            XCTAssertEqual(String(String.UnicodeScalarView(scalars[s.start..<s.end])), s.text)
            for t in s.tokens { XCTAssertEqual(String(String.UnicodeScalarView(scalars[t.start..<t.end])), t.text) }
        }
        XCTAssertEqual(RecordSentences().sentences(of: "he arrived\n \nat noon").count, 2, "a blank line ends a sentence")
    }

    func testLongParagraphsAreCutAtALineEnd() {
        var splitter = RecordSentences()
        splitter.maxParagraphBytes = 5
        let sentences = splitter.sentences(of: "Ana met\nBo in\nLima")
        XCTAssertEqual(sentences.map { $0.tokens.map(\.text) }, [["Ana", "met"], ["Bo", "in"], ["Lima"]])
        XCTAssertEqual(sentences.map(\.start), [0, 8, 14])
        XCTAssertEqual(RecordSentences().sentences(of: "   \n\t\n").count, 0)
        var pieces = RecordSentences()
        pieces.maxLineBytes = 8
        pieces.maxParagraphBytes = 1
        let long = pieces.sentences(of: "Ana met Bo in Lima\n\nÉmile Zoë")
        XCTAssertEqual(long.map { $0.tokens.map(\.text) }, [["Ana", "met"], ["Bo", "in"], ["Lima"], ["Émile"], ["Zoë"]],
                       "an over-long line is cut after a space in each piece's second half, else between characters")
        XCTAssertEqual(long.map(\.start), [0, 8, 14, 20, 26])
        pieces.maxLineBytes = 5
        XCTAssertEqual(pieces.sentences(of: "ÉÉÉÉ").map(\.text), ["ÉÉ", "ÉÉ"], "never inside a UTF-8 sequence")
        var stopped = 0
        RecordSentences().forEachParagraph(of: "a\n\nb\n\nc") { _ in stopped += 1; return false }
        XCTAssertEqual(stopped, 1, "stops when told")
        XCTAssertEqual(RecordSentences().sentences(of: "").count, 0)
    }

    // MARK: - Output lines

    /// The output line for a JSON line, with every capitalised token tagged as a one-token PER.
    private func output(_ line: String, options: TagRecordOptions) throws -> String {
        let object = try parse(line)
        let text = try XCTUnwrap(object.string(try XCTUnwrap(object.members(named: "text").first)))
        let sentences = RecordSentences().sentences(of: text)
        let results = sentences.map { s in
            TaggedSentence(tags: s.tokens.map { $0.text.first?.isUppercase == true ? "B-PER" : "O" },
                           entities: s.tokens.indices.filter { s.tokens[$0].text.first?.isUppercase == true }
                               .map { TaggedEntity(label: "PER", tokenStart: $0, tokenEnd: $0 + 1, score: 0.5) })
        }
        var out = TagRecordOutput(record: TagRecord(file: nil, source: "<stdin>", line: 3, content: .document(object: object)),
                                  options: options)
        // Added a sentence at a time, as the parts of a long record arrive.
        var line = ""
        for (s, r) in zip(sentences, results) {
            out.add([s], [r])
            line += out.takeReady()
        }
        return line + out.finish()
    }

    func testEntitiesAreSplicedAfterTheLastMember() throws {
        let options = TagRecordOptions(format: .jsonl(textField: "text"))
        XCTAssertEqual(try output(#" {"n": 1e400, "text": "a Ana. b Bo" , "z": [1,2] } "#, options: options),
                       #"{"n": 1e400, "text": "a Ana. b Bo" , "z": [1,2], "entities": [{"label": "PER", "text": "Ana", "#
                       + #""start": 2, "end": 5, "token_start": 1, "token_end": 2, "score": 0.5}, {"label": "PER", "text": "Bo", "#
                       + #""start": 9, "end": 11, "token_start": 4, "token_end": 5, "score": 0.5}] }"# + "\n")
    }

    func testWrittenFieldsAreReplacedWhereTheyStand() throws {
        let options = TagRecordOptions(format: .jsonl(textField: "text"), withTokens: true)
        XCTAssertEqual(try output(#"{"entities": [1], "text": "Ana", "tokens": null}"#, options: options),
                       #"{"entities": [{"label": "PER", "text": "Ana", "start": 0, "end": 3, "token_start": 0, "token_end": 1, "#
                       + #""score": 0.5}], "text": "Ana", "tokens": [{"text": "Ana", "start": 0, "end": 3, "tag": "B-PER"}], "#
                       + #""sentences": [{"start": 0, "end": 3, "token_start": 0, "token_end": 1}]}"# + "\n")
    }

    func testErrorAndBlankAndPlainLines() throws {
        let options = TagRecordOptions(format: .lines)
        func line(_ record: TagRecord, _ sentences: [TagInputSentence] = [], _ results: [TaggedSentence] = []) -> String {
            var out = TagRecordOutput(record: record, options: options)
            out.add(sentences, results[...])
            return out.finish()
        }
        let failed = TagRecord(file: "in.jsonl", source: "in.jsonl", line: 17,
                               content: .failed(message: "no \"text\" field", echo: #"{"id": 1}"#))
        XCTAssertEqual(line(failed), #"{"file": "in.jsonl", "line": 17, "error": "no \"text\" field", "record": {"id": 1}}"# + "\n")
        let bad = TagRecord(file: nil, source: "<stdin>", line: 2, content: .failed(message: "invalid UTF-8 at byte 3", echo: nil))
        XCTAssertEqual(line(bad), #"{"line": 2, "error": "invalid UTF-8 at byte 3"}"# + "\n")
        XCTAssertEqual(line(TagRecord(file: nil, source: "<stdin>", line: 4, content: .blank)), "\n")
        let plain = TagRecord(file: nil, source: "<stdin>", line: 5, content: .document(object: nil))
        XCTAssertEqual(line(plain, RecordSentences().sentences(of: "x"), [TaggedSentence(tags: ["O"], entities: [])]),
                       #"{"line": 5, "entities": []}"# + "\n")
    }
}
