import XCTest
@testable import NERKit

final class VocabularyTests: XCTestCase {
    func testWordKeyFoldsCaseAndDigitsWithUnicode() {
        XCTAssertEqual(WordKey.normalize("Paris"), "paris")
        XCTAssertEqual(WordKey.normalize("PARIS"), "paris")
        XCTAssertEqual(WordKey.normalize("Müller"), "müller")
        XCTAssertEqual(WordKey.normalize("ÖZTÜRK"), "öztürk")
        XCTAssertEqual(WordKey.normalize("Straße"), "strasse", "full case folding, not lowercasing")
        XCTAssertEqual(WordKey.normalize("МОСКВА"), "москва")
        XCTAssertEqual(WordKey.normalize("1996-08-22"), "0000-00-00")
        XCTAssertEqual(WordKey.normalize("٣٤"), "00", "Arabic-Indic digits are digits too")
        XCTAssertEqual(WordKey.normalize("Zu\u{0308}rich"), "zürich", "NFC composition")
        XCTAssertEqual(WordKey.normalize("東京"), "東京")
    }

    func testCasingClasses() {
        let cases: [(String, Casing)] = [
            ("paris", .allLower), ("PARIS", .allUpper), ("Paris", .initialUpper), ("McDonald", .mixed),
            ("iPhone", .mixed), ("A4", .containsDigit), ("1,000.50", .numeric), ("1996-08-22", .numeric),
            (",", .punctuation), ("--", .punctuation), ("$", .punctuation), ("Öztürk", .initialUpper),
            ("ÉCOLE", .allUpper), ("東京", .other), ("", .other), ("A", .allUpper),
        ]
        for (word, expected) in cases { XCTAssertEqual(Casing(of: word), expected, word) }
    }

    func testBuilderKeepsFrequentWordsDeterministically() {
        var b = VocabularyBuilder()
        for w in ["b", "a", "c", "a", "b", "d", "a"] { b.count(w) }
        let all = b.build()
        XCTAssertEqual(all.items, ["<pad>", "<unk>", "a", "b", "c", "d"], "by count, ties by first appearance")
        XCTAssertEqual(b.build(minCount: 2).items, ["<pad>", "<unk>", "a", "b"])
        XCTAssertEqual(b.build(maxSize: 3).items, ["<pad>", "<unk>", "a"])
        XCTAssertEqual(all.lookup("zzz"), all.unknownId)
        XCTAssertEqual(all.lookup("c"), 4)
        XCTAssertEqual(all[3], "b")
    }

    func testWordsFromPretrainedVectorsCanBeAdded() {
        var v = VocabularyBuilder().build()
        XCTAssertNil(v.id("zürich"))
        let id = v.add("zürich")
        XCTAssertEqual(v.id("zürich"), id)
        XCTAssertEqual(v.add("zürich"), id, "adding twice keeps one entry")
    }

    func testSerialisationRoundTripAndValidation() throws {
        var b = VocabularyBuilder()
        for w in ["São", "\"quoted\"", "back\\slash", "東京", "🚀", "a/b", "tab\there", "line\nbreak", "\u{1}", "e\u{301}"] { b.count(w) }
        let v = b.build()
        let restored = try Vocabulary(jsonString: v.jsonString(), specials: true)
        XCTAssertEqual(restored, v)
        XCTAssertEqual(restored.lookup("🚀"), v.lookup("🚀"))
        XCTAssertThrowsError(try Vocabulary(jsonString: "{}", specials: true))
        XCTAssertThrowsError(try Vocabulary(jsonString: "[\"a\", \"a\"]", specials: false))
        XCTAssertThrowsError(try Vocabulary(jsonString: "[\"a\"]", specials: true))
        XCTAssertThrowsError(try Vocabulary(jsonString: "[\"a\", 1]", specials: false))
        XCTAssertThrowsError(try Vocabulary(jsonString: "[\"a\"", specials: false))
        XCTAssertEqual(try Vocabulary(jsonString: " [\"a\\u00e9\", \"\\/\"] ", specials: false).items, ["aé", "/"])
    }

    func testTagVocabularyIsBIOESWithoutSpecials() {
        let v = ModelBuilder.tagVocabulary(types: ["PER", "LOC"])
        XCTAssertEqual(v.items, ["O", "B-LOC", "I-LOC", "E-LOC", "S-LOC", "B-PER", "I-PER", "E-PER", "S-PER"])
        XCTAssertFalse(v.hasSpecials)
    }

    func testFeatureEncoderSharesSpellingsAndMapsUnknowns() {
        var words = VocabularyBuilder(), chars = VocabularyBuilder()
        for w in ["paris", "is"] { words.count(w) }
        for c in ["P", "a", "r", "i", "s"] { chars.count(c) }
        let enc = FeatureEncoder(words: words.build(), chars: chars.build(), tags: ModelBuilder.tagVocabulary(types: ["LOC"]))
        var surfaces = SurfaceTable()
        let s = enc.encode(["Paris", "is", "PARIS", "Paris", "Zürich"], tags: ["S-LOC", "O", "S-LOC", "S-LOC", "S-LOC"], surfaces: &surfaces)!
        XCTAssertEqual(s.words[0], s.words[2], "case-folded lookup")
        XCTAssertEqual(s.words[4], enc.words.unknownId)
        XCTAssertEqual(s.surfaces[0], s.surfaces[3], "one spelling, one character encoding")
        XCTAssertNotEqual(s.surfaces[0], s.surfaces[2])
        XCTAssertEqual(surfaces.count, 4)
        XCTAssertEqual(s.casings, [Casing.initialUpper, .allLower, .allUpper, .initialUpper, .initialUpper].map { Int32($0.rawValue) })
        XCTAssertEqual(surfaces.chars[Int(s.surfaces[4])].first, enc.chars.unknownId, "unknown character Z")
        XCTAssertNil(enc.encode(["Paris"], tags: ["B-XYZ"], surfaces: &surfaces), "a tag outside the tag set")
    }
}
