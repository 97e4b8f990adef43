import XCTest
@testable import NERKit

final class FirstNameSwapTests: XCTestCase {
    let tokens: [[String]] = [
        ["Teddy", "Roosevelt", "visited", "Paris", "and", "the", "U.S.", "."],
        ["Sydney", "beat", "Perth", "."],
        ["Madonna", "met", "Kent", "Nagano", "in", "New", "York", "."],
        ["John", "Smith", "-", "Jones", "and", "Anna", "Lee", "Ford", "."],
        ["president", "Bill", "Clinton"],
    ]
    // IOB2 and BIOES both occur in what the trainer sees (it swaps BIOES tags).
    let tags: [[String]] = [
        ["B-PER", "I-PER", "O", "B-LOC", "O", "O", "B-LOC", "O"],
        ["S-ORG", "O", "S-LOC", "O"],
        ["S-PER", "O", "B-PER", "E-PER", "O", "B-LOC", "E-LOC", "O"],
        ["B-PER", "I-PER", "O", "B-PER", "O", "B-PER", "I-PER", "E-PER", "O"],
        ["O", "b-PER", "I-PER"],
    ]

    func testPlacesAreTheOneTokenLocationsThatAreWords() {
        // "U.S." is not a word; "New York" has two tokens; "Sydney" is an ORG here.
        XCTAssertEqual(FirstNameSwap.places(tokens: tokens, tags: tags), ["Paris", "Perth"])
    }

    func testEveryFirstNameOfAPersonOfTwoOrMoreTokensIsSwappedAtRateOne() {
        var swapped = tokens
        let n = FirstNameSwap.apply(rate: 1, seed: 3, places: ["Paris", "Perth"], tokens: &swapped, tags: tags)
        // Teddy, Kent, John, Anna; not Madonna (one token), not Jones (one token), not "Bill"
        // (its tag "b-PER" is not a tag, so no span starts there).
        XCTAssertEqual(n, 4)
        for (i, j) in [(0, 0), (2, 2), (3, 0), (3, 5)] {
            XCTAssertTrue(["Paris", "Perth"].contains(swapped[i][j]), "\(swapped[i])")
        }
        // Everything else is as it was.
        var restored = swapped
        for (i, j) in [(0, 0), (2, 2), (3, 0), (3, 5)] { restored[i][j] = tokens[i][j] }
        XCTAssertEqual(restored, tokens)
    }

    func testRateZeroChangesNothingAndASeedGivesTheSameSwaps() {
        var unchanged = tokens
        XCTAssertEqual(FirstNameSwap.apply(rate: 0, seed: 3, places: ["Paris"], tokens: &unchanged, tags: tags), 0)
        XCTAssertEqual(unchanged, tokens)
        let many = Array(repeating: tokens[3], count: 2000), manyTags = Array(repeating: tags[3], count: 2000)
        var a = many, b = many, c = many
        let places = (0..<50).map { "Place\($0)" }
        let na = FirstNameSwap.apply(rate: 0.3, seed: 5, places: places, tokens: &a, tags: manyTags)
        _ = FirstNameSwap.apply(rate: 0.3, seed: 5, places: places, tokens: &b, tags: manyTags)
        _ = FirstNameSwap.apply(rate: 0.3, seed: 6, places: places, tokens: &c, tags: manyTags)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
        // Two names per sentence, each swapped with probability 0.3.
        XCTAssertEqual(Double(na) / 4000, 0.3, accuracy: 0.03)
        XCTAssertGreaterThan(Set(a.map { $0[0] }).count, 40, "the places are drawn across the list")
    }
}
