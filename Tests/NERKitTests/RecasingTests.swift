import XCTest
@testable import NERKit

final class RecasingTests: XCTestCase {
    func testRecasingsOfTokens() {
        let tokens = ["Teddy", "McDonald", "U.S.", "n't", "1996", "Straße", "élan", "--"]
        XCTAssertEqual(Recasing.lower.apply(tokens), ["teddy", "mcdonald", "u.s.", "n't", "1996", "straße", "élan", "--"])
        XCTAssertEqual(Recasing.upper.apply(tokens), ["TEDDY", "MCDONALD", "U.S.", "N'T", "1996", "STRASSE", "ÉLAN", "--"])
        XCTAssertEqual(Recasing.title.apply(tokens), ["Teddy", "Mcdonald", "U.s.", "N't", "1996", "Straße", "Élan", "--"])
        XCTAssertEqual(Recasing.title.apply("'s"), "'S")
    }

    func testProbabilitiesAndCopiesParse() throws {
        let a = try CaseAugmentation.parseProbabilities("lower=0.3,upper=0.15,title=0.1")
        XCTAssertEqual(a.lower, 0.3); XCTAssertEqual(a.upper, 0.15); XCTAssertEqual(a.title, 0.1)
        XCTAssertTrue(a.sampling)
        XCTAssertFalse(try CaseAugmentation.parseProbabilities("none").isEnabled)
        XCTAssertEqual(try CaseAugmentation.parseCopies("lower,upper,lower"), [.lower, .upper])
        for bad in ["lower", "lower=2", "lower=nan", "shout=0.1", "lower=0.6,upper=0.6", "lower=-0.1"] {
            XCTAssertThrowsError(try CaseAugmentation.parseProbabilities(bad), bad)
        }
        XCTAssertThrowsError(try CaseAugmentation.parseCopies("lower,shout"))
    }

    func testDrawsFollowTheProbabilitiesAndRepeat() {
        let a = CaseAugmentation(lower: 0.3, upper: 0.15, title: 0.1)
        var counts: [Recasing?: Int] = [:]
        let n = 200_000
        for i in 0..<n { counts[a.draw(seed: 7, epoch: 3, index: i), default: 0] += 1 }
        XCTAssertEqual(Double(counts[.lower] ?? 0) / Double(n), 0.3, accuracy: 0.005)
        XCTAssertEqual(Double(counts[.upper] ?? 0) / Double(n), 0.15, accuracy: 0.005)
        XCTAssertEqual(Double(counts[.title] ?? 0) / Double(n), 0.1, accuracy: 0.005)
        XCTAssertEqual(Double(counts[nil] ?? 0) / Double(n), 0.45, accuracy: 0.005)
        // The same draw for the same (seed, epoch, sentence); other epochs draw anew.
        let epoch3 = (0..<1000).map { a.draw(seed: 7, epoch: 3, index: $0) }
        XCTAssertEqual(epoch3, (0..<1000).map { a.draw(seed: 7, epoch: 3, index: $0) })
        let epoch4 = (0..<1000).map { a.draw(seed: 7, epoch: 4, index: $0) }
        XCTAssertGreaterThan(zip(epoch3, epoch4).filter { $0 != $1 }.count, 400)
        XCTAssertNil(CaseAugmentation.none.draw(seed: 7, epoch: 1, index: 0))
    }

    func testFoldedCharactersIgnoreCase() {
        var chars = Vocabulary(specials: true)
        for c in "parisPARIS" { _ = chars.add(String(c)) }
        var encoder = FeatureEncoder(words: Vocabulary(specials: true), chars: chars, tags: Vocabulary(specials: false))
        XCTAssertNotEqual(encoder.charIds("Paris"), encoder.charIds("PARIS"))
        encoder.foldCharCase = true
        XCTAssertEqual(encoder.charIds("Paris"), encoder.charIds("PARIS"))
        XCTAssertEqual(encoder.charIds("Paris"), encoder.charIds("paris"))
    }
}
