import XCTest
@testable import NERKit

/// Table-driven tests of the tokenizer: tricky inputs and the tokens expected for them.
final class TokenizerTests: XCTestCase {
    private let tokenizer = Tokenizer()

    private func tokens(_ text: String) -> [String] {
        tokenizer.tokenize(text).map(\.text)
    }

    /// (input, expected tokens separated by single spaces)
    private let cases: [(String, String)] = [
        // Punctuation and basic PTB conventions
        ("Hello, world!", "Hello , world !"),
        ("Wait; what: now?", "Wait ; what : now ?"),
        ("He left.", "He left ."),
        // Abbreviations
        ("Mr. Smith met Ms. Jones and Dr. Who.", "Mr. Smith met Ms. Jones and Dr. Who ."),
        ("The U.S. and the U.N. agreed.", "The U.S. and the U.N. agreed ."),
        ("Apple Inc. and Acme Corp. and Foo Ltd. merged", "Apple Inc. and Acme Corp. and Foo Ltd. merged"),
        ("It rose on Jan. 5 in St. Louis.", "It rose on Jan. 5 in St. Louis ."),
        ("Fruit, e.g. apples, i.e. food, etc.", "Fruit , e.g. apples , i.e. food , etc."),
        ("J. F. Kennedy spoke.", "J. F. Kennedy spoke ."),
        ("He works for Acme Corp.", "He works for Acme Corp."),
        ("See No. 5 and say no.", "See No. 5 and say no ."),
        ("MR. SMITH and Mrs. Brown", "MR. SMITH and Mrs. Brown"),
        ("plan b.", "plan b ."),
        // Clitics
        ("I didn't know John's dog.", "I did n't know John 's dog ."),
        ("We're sure they've gone, he'll say I'd go, I'm here.", "We 're sure they 've gone , he 'll say I 'd go , I 'm here ."),
        ("Can't won't DON'T", "Ca n't wo n't DO N'T"),
        ("It\u{2019}s Mary\u{2019}s and isn\u{2019}t", "It \u{2019}s Mary \u{2019}s and is n\u{2019}t"),
        ("O'Neill's car and d'Artagnan", "O'Neill 's car and d'Artagnan"),
        ("the students' books", "the students ' books"),
        ("back in the '90s", "back in the '90s"),
        // Numbers
        ("It cost 1,000.50 dollars", "It cost 1,000.50 dollars"),
        ("On 1996-08-22 they won 3-2 at 12:30.", "On 1996-08-22 they won 3-2 at 12:30 ."),
        ("Up 50% or 3.5%.", "Up 50 % or 3.5 % ."),
        ("It fell to -3.5 (or +2) from .5", "It fell to -3.5 ( or +2 ) from .5"),
        ("The 1990s and the 2nd half", "The 1990s and the 2nd half"),
        // Currency
        ("$5 and \u{20AC}20 and \u{00A3}1.5m", "$ 5 and \u{20AC} 20 and \u{00A3} 1.5m"),
        ("It cost US$12 or HK$90.", "It cost US$ 12 or HK$ 90 ."),
        // Hyphens and dashes
        ("A well-known Jean-Pierre arrived", "A well-known Jean-Pierre arrived"),
        ("pre- and post-war -- really\u{2014}yes", "pre- and post-war -- really \u{2014} yes"),
        ("a U.S.-led and U.N.-backed force", "a U.S.-led and U.N.-backed force"),
        ("x - y", "x - y"),
        ("from 1990\u{2013}1995", "from 1990 \u{2013} 1995"),
        // Quotes and brackets
        ("\"Hello,\" she said.", "\" Hello , \" she said ."),
        ("\u{201C}Yes\u{201D} and \u{2018}no\u{2019}", "\u{201C} Yes \u{201D} and \u{2018} no \u{2019}"),
        ("(see [1] and {2})", "( see [ 1 ] and { 2 } )"),
        ("\u{00AB}Bonjour\u{00BB}, dit-il.", "\u{00AB} Bonjour \u{00BB} , dit-il ."),
        ("``Quoted'' text", "`` Quoted '' text"),
        // Ellipsis
        ("Wait... what\u{2026} now", "Wait ... what \u{2026} now"),
        // URLs, e-mail, handles, hashtags
        ("See https://example.com/a?b=1&c=2.", "See https://example.com/a?b=1&c=2 ."),
        ("Go to www.example.org, or (http://x.org/wiki/A_(b)).", "Go to www.example.org , or ( http://x.org/wiki/A_(b) ) ."),
        ("Mail john.smith+news@example.co.uk now.", "Mail john.smith+news@example.co.uk now ."),
        ("Thanks @jane_doe for #NLP2024!", "Thanks @jane_doe for #NLP2024 !"),
        ("AT&T and S&P", "AT&T and S&P"),
        ("and/or", "and/or"),
        // Accents, other scripts
        ("M\u{00FC}ller visited S\u{00E3}o Paulo and Z\u{00FC}rich.", "M\u{00FC}ller visited S\u{00E3}o Paulo and Z\u{00FC}rich ."),
        ("Ahmed \u{00D6}zt\u{00FC}rk's team", "Ahmed \u{00D6}zt\u{00FC}rk 's team"),
        ("Mu\u{0308}ller (NFD)", "Mu\u{0308}ller ( NFD )"),
        ("\u{041C}\u{043E}\u{0441}\u{043A}\u{0432}\u{0430} \u{2014} \u{0441}\u{0442}\u{043E}\u{043B}\u{0438}\u{0446}\u{0430} \u{0420}\u{043E}\u{0441}\u{0441}\u{0438}\u{0438}.",
         "\u{041C}\u{043E}\u{0441}\u{043A}\u{0432}\u{0430} \u{2014} \u{0441}\u{0442}\u{043E}\u{043B}\u{0438}\u{0446}\u{0430} \u{0420}\u{043E}\u{0441}\u{0441}\u{0438}\u{0438} ."),
        ("\u{6211}\u{7231}\u{5317}\u{4EAC}\u{3002}", "\u{6211} \u{7231} \u{5317} \u{4EAC} \u{3002}"),
        ("\u{6771}\u{4EAC}\u{30BF}\u{30EF}\u{30FC}", "\u{6771} \u{4EAC} \u{30BF}\u{30EF}\u{30FC}"),
        ("\u{C11C}\u{C6B8}\u{C740} \u{D06C}\u{B2E4}.", "\u{C11C}\u{C6B8}\u{C740} \u{D06C}\u{B2E4} ."),
        ("\u{0627}\u{0644}\u{0642}\u{0627}\u{0647}\u{0631}\u{0629}\u{060C} \u{0645}\u{0635}\u{0631}", "\u{0627}\u{0644}\u{0642}\u{0627}\u{0647}\u{0631}\u{0629} \u{060C} \u{0645}\u{0635}\u{0631}"),
        // Emoji
        ("I \u{2764}\u{FE0F} NY \u{1F44D}\u{1F3FD}!", "I \u{2764}\u{FE0F} NY \u{1F44D}\u{1F3FD} !"),
        ("family \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} here", "family \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} here"),
        ("great\u{1F600}\u{1F600}", "great \u{1F600} \u{1F600}"),
        ("flags \u{1F1EB}\u{1F1F7}\u{1F1E9}\u{1F1EA}", "flags \u{1F1EB}\u{1F1F7} \u{1F1E9}\u{1F1EA}"),
        // Whitespace of all kinds
        ("a\u{00A0}b\u{3000}c\td\r\ne", "a b c d e"),
        ("  ", ""),
        ("", ""),
    ]

    func testTableOfTrickyInputs() {
        XCTAssertGreaterThanOrEqual(cases.count, 40)
        for (input, expected) in cases {
            let want = expected.isEmpty ? [] : expected.components(separatedBy: " ")
            XCTAssertEqual(tokens(input), want, "input: \(input.debugDescription)")
        }
    }

    func testNormalizedIsNFCAndTextIsOriginal() {
        let t = tokenizer.tokenize("Mu\u{0308}ller Zu\u{0308}rich Paris")
        XCTAssertEqual(t.map(\.text), ["Mu\u{0308}ller", "Zu\u{0308}rich", "Paris"])
        XCTAssertEqual(t.map { Array($0.normalized.unicodeScalars) },
                       [Array("M\u{00FC}ller".unicodeScalars), Array("Z\u{00FC}rich".unicodeScalars),
                        Array("Paris".unicodeScalars)])
        XCTAssertEqual(Array(t[0].text.unicodeScalars).count, 7)  // original slice kept as it was
    }

    func testNFCHelper() {
        XCTAssertEqual(Array(UnicodeNormalization.nfc("S\u{0061}\u{0303}o").unicodeScalars),
                       Array("S\u{00E3}o".unicodeScalars))
        XCTAssertEqual(UnicodeNormalization.nfc("plain"), "plain")
        XCTAssertEqual(UnicodeNormalization.nfc(""), "")
    }

    func testCombiningMarkAfterPunctuationStaysAttached() {
        // A combining mark never becomes a token of its own or moves to another token.
        let t = tokenizer.tokenize("x .\u{0301} y")
        XCTAssertEqual(t.map(\.text), ["x", ".\u{0301}", "y"])
    }

    func testInvalidScalarsAndControlCharactersDoNotCrash() {
        XCTAssertEqual(tokens("a\u{0000}b\u{FFFD}c\u{200B}d"), ["a", "b", "\u{FFFD}", "c", "d"])
        XCTAssertEqual(tokens("soft\u{00AD}hyphen"), ["soft\u{00AD}hyphen"])
    }
}
