import Foundation
import XCTest
@testable import NERCommandSupport
@testable import NERKit

/// Document context through `ner tag`'s stream (`TagStream`, `DocumentGrouping`): a document is
/// held back until it is complete and tagged whole, as `Tagger.tag` tags it.
final class TagStreamDocumentTests: XCTestCase {
    /// Tags O, S-LOC and S-ORG; the words and their characters of `vocabulary`.
    func encoder(_ vocabulary: [String]) -> FeatureEncoder {
        var words = VocabularyBuilder(), chars = VocabularyBuilder()
        for w in vocabulary { words.count(WordKey.normalize(w)); for c in w.unicodeScalars { chars.count(String(c)) } }
        var tags = Vocabulary(specials: false)
        for t in ["O", "S-LOC", "S-ORG"] { tags.add(t) }
        return FeatureEncoder(words: words.build(), chars: chars.build(), tags: tags)
    }

    /// `ner tag`'s stream holds back a document until it is complete, so batching never cuts
    /// one below the bounds; a model without document context gets everything at once.
    func testTheTagStreamKeepsDocumentsTogether() {
        func sentence(_ word: String, starts: Bool = false, ends: Bool = false) -> TagInputSentence {
            var s = TagInputSentence.joining([word])
            s.startsDocument = starts
            s.endsDocument = ends
            return s
        }
        var grouping = DocumentGrouping(readsDocuments: true, maxTokens: 100)
        grouping.add(sentence("a", starts: true)); grouping.add(sentence("b")); grouping.add(sentence("c", starts: true))
        var (batch, ids) = grouping.take(inputEnded: false)
        XCTAssertEqual(batch.map(\.text), ["a", "b"], "the document that may go on is held back")
        XCTAssertEqual(ids, [0, 0])
        (batch, ids) = grouping.take(inputEnded: false)
        XCTAssertEqual(batch.count, 0)
        grouping.add(sentence("d")); grouping.add(sentence("e", ends: true))
        (batch, ids) = grouping.take(inputEnded: false)
        XCTAssertEqual(batch.map(\.text), ["c", "d", "e"], "a document its input says is over is tagged at once")
        XCTAssertEqual(ids, [1, 1, 1])
        grouping.add(sentence("f", starts: true))
        (batch, ids) = grouping.take(inputEnded: true)
        XCTAssertEqual(batch.map(\.text), ["f"])
        XCTAssertEqual(ids, [2])
        // The token bound: a long document is tagged in parts.
        var bounded = DocumentGrouping(readsDocuments: true, maxTokens: 3)
        for w in ["a", "b", "c", "d"] { bounded.add(sentence(w, starts: w == "a")) }
        XCTAssertEqual(bounded.take(inputEnded: false).0.count, 4)
        // Without document context nothing waits.
        var plain = DocumentGrouping(readsDocuments: false, maxTokens: 100)
        plain.add(sentence("a", starts: true)); plain.add(sentence("b"))
        XCTAssertEqual(plain.take(inputEnded: false).0.count, 2)

        // End to end: text paragraphs through TagStream, tagged as `Tagger.tag` tags each
        // paragraph as one document, whatever the stream's batch bounds.
        var config = ModelConfig()
        config.wordDim = 4; config.casingDim = 2; config.charEncoder = .none; config.hidden = 4; config.documentContext = true
        let model = TaggerModel(config: config, encoder: encoder(["Japan", "beat", "and", "lost", "won"]))
        model.initialize(seed: 3)
        var rng = SeededRandom(seed: 4)
        for p in model.parameters { for i in 0..<p.count { p.value[i] += rng.uniform(2) } }
        let tagger = Tagger(model: model, scheme: .iob2)
        let text = "Japan beat Syria. Japan won.\n\nSyria lost and Japan beat them. Japan won. Syria won.\n\nJapan lost.\n"
        let path = NSTemporaryDirectory() + "ner-documents-\(getpid()).txt"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
        defer { unlink(path) }
        let paragraphs = [["Japan beat Syria .", "Japan won ."], ["Syria lost and Japan beat them .", "Japan won .", "Syria won ."], ["Japan lost ."]]
        var expected = ""
        for (k, p) in paragraphs.enumerated() {
            let tokens = p.map { $0.split(separator: " ").map(String.init) }
            for (words, result) in zip(tokens, tagger.tag(tokens, documents: [Int32](repeating: Int32(k), count: tokens.count))) {
                expected += zip(words, result.tags).map { "\($0)\t\($1)\n" }.joined() + "\n"
            }
        }
        var alone = ""
        for p in paragraphs {
            for words in p.map({ $0.split(separator: " ").map(String.init) }) {
                alone += zip(words, tagger.tag([words])[0].tags).map { "\($0)\t\($1)\n" }.joined() + "\n"
            }
        }
        XCTAssertNotEqual(expected, alone, "the paragraphs as documents change some tags (else this test shows nothing)")
        for maxSentences in [1, 2, 256] {
            var stream = TagStream()
            stream.maxSentences = maxSentences
            var formatter = TagOutputFormatter(format: .conll)
            var output = ""
            XCTAssertNoThrow(try stream.run(inputs: [{ try TagInputOpener.open(.text, path: path) }], tagger: tagger, scheme: nil,
                                            formatter: &formatter, write: { output += $0 }, warn: { _ in }))
            XCTAssertEqual(output, expected, "at most \(maxSentences) sentences per read")
        }
    }
}
