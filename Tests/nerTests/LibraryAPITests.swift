import Foundation
import NERKit
import XCTest

/// NERKit through its public API only (a plain `import`, as an outside package sees it): text
/// tagged by `Tagger.tag(text:)` gives the sentences, tokens, tags and entities that
/// `ner tag --format json` writes for the same text, with the default model.
final class LibraryAPITests: XCTestCase {
    func testTextTaggingIsThatOfNerTagJSON() throws {
        let tagger = try Tagger(path: ServeCommandTests.defaultModel)
        for text in ServeCommandTests.texts {
            let library = tagger.tag(text: text)
            let result = try runNER(["tag", "--model", ServeCommandTests.defaultModel, "--format", "json"], stdin: Data(text.utf8))
            XCTAssertEqual(result.status, 0, result.stderr)
            let lines = result.stdout.split(separator: "\n")
            XCTAssertEqual(library.count, lines.count, "sentences of \(text.debugDescription)")
            for (sentence, line) in zip(library, lines) {
                let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                XCTAssertEqual(sentence.text, json["text"] as? String)
                XCTAssertEqual(sentence.start, json["start"] as? Int)
                XCTAssertEqual(sentence.end, json["end"] as? Int)
                let tokens = try XCTUnwrap(json["tokens"] as? [[String: Any]])
                XCTAssertEqual(sentence.tokens.map(\.text), tokens.map { $0["text"] as? String ?? "" })
                XCTAssertEqual(sentence.tokens.map(\.start), tokens.map { $0["start"] as? Int ?? -1 })
                XCTAssertEqual(sentence.tags, tokens.map { $0["tag"] as? String ?? "" })
                let entities = try XCTUnwrap(json["entities"] as? [[String: Any]])
                XCTAssertEqual(sentence.entities.count, entities.count, sentence.text)
                for (entity, object) in zip(sentence.entities, entities) {
                    XCTAssertEqual(entity.label, object["label"] as? String)
                    XCTAssertEqual(entity.text, object["text"] as? String)
                    XCTAssertEqual(entity.start, object["start"] as? Int)
                    XCTAssertEqual(entity.end, object["end"] as? Int)
                    XCTAssertEqual(entity.tokenStart, object["token_start"] as? Int)
                    XCTAssertEqual(entity.score, object["score"] as? Double ?? -1, accuracy: 0.00005)
                    // Offsets are code points into the text given.
                    let scalars = Array(text.unicodeScalars)
                    XCTAssertEqual(String(String.UnicodeScalarView(scalars[entity.start..<entity.end])), entity.text)
                }
            }
        }
    }

    func testTokenListsAreTaggedInTheAskedScheme() throws {
        let tagger = try Tagger(path: ServeCommandTests.defaultModel)
        XCTAssertEqual(Set(tagger.entityTypes), ["PER", "LOC", "ORG", "MISC"])
        let tokens = [["Angela", "Merkel", "visited", "New", "York", "."], []]
        let iob2 = tagger.tag(tokens)
        let bioes = tagger.tag(tokens, scheme: .bioes)
        XCTAssertEqual(iob2[0].tags, ["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "O"])
        XCTAssertEqual(bioes[0].tags, ["B-PER", "E-PER", "O", "B-LOC", "E-LOC", "O"])
        XCTAssertEqual(iob2[0].entities.map(\.label), ["PER", "LOC"])
        XCTAssertEqual(iob2[1], TaggedSentence(tags: [], entities: []))
    }

    func testAMissingModelIsANERErrorNamingThePath() {
        XCTAssertThrowsError(try Tagger(path: "/nonexistent/model.ner")) { error in
            let described = String(describing: error)
            XCTAssertTrue(described.contains("/nonexistent/model.ner"), described)
        }
    }
}
