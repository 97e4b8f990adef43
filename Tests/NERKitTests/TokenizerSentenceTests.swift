import XCTest
@testable import NERKit

/// Sentence splitting: each case lists the expected sentences, one string per sentence with
/// tokens separated by spaces.
final class TokenizerSentenceTests: XCTestCase {
    private func sentences(_ text: String) -> [String] {
        Tokenizer().sentences(text).map { $0.tokens.map(\.text).joined(separator: " ") }
    }

    private let cases: [(String, [String])] = [
        ("Mr. Smith went to Washington. He arrived on Jan. 5.",
         ["Mr. Smith went to Washington .", "He arrived on Jan. 5 ."]),
        ("J. F. Kennedy was born in Brookline. His father was rich.",
         ["J. F. Kennedy was born in Brookline .", "His father was rich ."]),
        ("Dr. Who met Prof. X. Then they left.",
         ["Dr. Who met Prof. X. Then they left ."]),  // "X." is an initial: no split after it
        ("Is it true? Yes! It is.", ["Is it true ?", "Yes !", "It is ."]),
        ("\"Stop.\" Then he left.", ["\" Stop . \"", "Then he left ."]),
        ("He said (quietly.) Nobody heard.", ["He said ( quietly . )", "Nobody heard ."]),
        ("He left. \"Why?\" she asked.", ["He left .", "\" Why ? \" she asked ."]),
        ("\"Why?\" she asked.", ["\" Why ? \" she asked ."]),
        ("Prices rose 3.5 percent. 2023 was good.", ["Prices rose 3.5 percent .", "2023 was good ."]),
        ("It is at St. Louis. Fine.", ["It is at St. Louis .", "Fine ."]),
        ("He works for Acme Inc. The firm grew.", ["He works for Acme Inc.", "The firm grew ."]),
        ("Acme Inc. Chairman Bob spoke.", ["Acme Inc. Chairman Bob spoke ."]),
        ("The U.S. Army came. It won.", ["The U.S. Army came .", "It won ."]),
        ("She lives in the U.S. He does not.", ["She lives in the U.S.", "He does not ."]),
        ("Fruit, e.g. Apples, is good.", ["Fruit , e.g. Apples , is good ."]),
        ("It was cheap. and fast.", ["It was cheap . and fast ."]),
        ("Wow!! Really?!", ["Wow ! !", "Really ? !"]),
        ("First line\nsecond line of the same sentence.", ["First line second line of the same sentence ."]),
        ("Heading without period\n\nA new paragraph.", ["Heading without period", "A new paragraph ."]),
        ("One.\r\n\r\nTwo.", ["One .", "Two ."]),
        ("No end", ["No end"]),
        ("\u{4ECA}\u{5929}\u{5F88}\u{597D}\u{3002}\u{6211}\u{4EEC}\u{8D70}\u{3002}",
         ["\u{4ECA} \u{5929} \u{5F88} \u{597D} \u{3002}", "\u{6211} \u{4EEC} \u{8D70} \u{3002}"]),
        ("\u{041E}\u{043D} \u{043F}\u{0440}\u{0438}\u{0448}\u{0451}\u{043B}. \u{041E}\u{043D}\u{0430} \u{0443}\u{0448}\u{043B}\u{0430}.",
         ["\u{041E}\u{043D} \u{043F}\u{0440}\u{0438}\u{0448}\u{0451}\u{043B} .", "\u{041E}\u{043D}\u{0430} \u{0443}\u{0448}\u{043B}\u{0430} ."]),
        ("Great game! \u{1F600} Loved it.", ["Great game !", "\u{1F600} Loved it ."]),
        ("Results:\n1. Anna Berg (Sweden) 2:01.5\n2. Li Wei 2:02.0\n10. Sam Ortiz", 
         ["Results :", "1. Anna Berg ( Sweden ) 2:01.5", "2. Li Wei 2:02.0", "10. Sam Ortiz"]),
        ("Items:\n\u{2022} apples\n- pears\n* plums", ["Items :", "\u{2022} apples", "- pears", "* plums"]),
        ("He scored 2. Then he left.", ["He scored 2 .", "Then he left ."]),
        ("", []),
    ]

    /// Text without capital letters (chat, transcripts) or with nothing but capitals (headlines):
    /// a capital cannot mark where a sentence starts, so ". ! ?" before a word ends one.
    private let unicaseCases: [(String, [String])] = [
        ("teddy roosevelt was a great president. teddy bears are on sale!",
         ["teddy roosevelt was a great president .", "teddy bears are on sale !"]),
        ("TEDDY ROOSEVELT WAS A GREAT PRESIDENT. TEDDY BEARS ARE ON SALE!",
         ["TEDDY ROOSEVELT WAS A GREAT PRESIDENT .", "TEDDY BEARS ARE ON SALE !"]),
        ("mr. smith went to washington. he arrived on jan. 5. is it true? yes!",
         ["mr. smith went to washington .", "he arrived on jan. 5 .", "is it true ?", "yes !"]),
        ("MR. SMITH WENT TO WASHINGTON. HE ARRIVED ON JAN. 5.",
         ["MR. SMITH WENT TO WASHINGTON .", "HE ARRIVED ON JAN. 5 ."]),
        ("j. f. kennedy was born in brookline. his father was rich.",
         ["j. f. kennedy was born in brookline .", "his father was rich ."]),
        ("she works for acme inc. the firm grew. acme inc. chairman bob spoke.",
         ["she works for acme inc.", "the firm grew .", "acme inc. chairman bob spoke ."]),
        ("SHE WORKS FOR ACME INC. THE FIRM GREW. THE U.S. ARMY CAME.",
         ["SHE WORKS FOR ACME INC.", "THE FIRM GREW .", "THE U.S. ARMY CAME ."]),
        ("the u.s. army came. it won. dr. who met prof. x. then they left.",
         ["the u.s. army came .", "it won .", "dr. who met prof. x. then they left ."]),
        // One capital "I" among lowercase words is still lowercase text.
        ("i met her at the station. she said \"hi.\" then we left.",
         ["i met her at the station .", "she said \" hi . \"", "then we left ."]),
    ]

    func testLowercaseAndAllCapsSentenceSplitting() {
        for (input, expected) in unicaseCases {
            XCTAssertEqual(sentences(input), expected, "input: \(input.debugDescription)")
        }
    }

    func testSentenceSplittingTable() {
        for (input, expected) in cases {
            XCTAssertEqual(sentences(input), expected, "input: \(input.debugDescription)")
        }
    }

    func testSentenceSpansCoverTheirTokens() {
        let text = "Mr. Smith went to Washington.  He arrived on Jan. 5."
        let s = Tokenizer().sentences(text)
        XCTAssertEqual(s.count, 2)
        let scalars = Array(text.unicodeScalars)
        XCTAssertEqual(String(String.UnicodeScalarView(scalars[s[1].scalarStart..<s[1].scalarEnd])),
                       "He arrived on Jan. 5.")
        XCTAssertEqual(s[0].scalarStart, 0)
        XCTAssertEqual(s[0].byteEnd, s[0].tokens.last?.byteEnd)
    }

    func testTokenizeWithoutSplittingGivesTheSameTokens() {
        let text = "Hello there. How are you? Fine!\n\nBye."
        let flat = Tokenizer().tokenize(text)
        XCTAssertEqual(Tokenizer().sentences(text).flatMap(\.tokens), flat)
    }
}
