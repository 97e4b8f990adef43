import XCTest
@testable import NERKit

/// `WordNetReader` on a small noun data file written here in the format of wndb(5): a licence
/// header of lines starting with spaces, then one synset per line (offset, lexicographer file,
/// `n`, two-hex-digit word count, word/lex_id pairs, three-digit pointer count, pointers, gloss).
final class WordNetReaderTests: XCTestCase {
    static let fixture = """
      1 A test fixture written for ner in the format of wndb(5); not WordNet's text.
      2 
    00001740 03 n 01 entity 0 000 | something that exists
    00010000 06 n 02 teddy 0 teddy_bear 0 001 @ 00020000 n 0000 | a stuffed toy bear
    00020000 06 n 01 plaything 0 000 | an object to play with
    00030000 18 n 04 Roosevelt 0 Theodore_Roosevelt 0 President_Roosevelt 1 President_Theodore_Roosevelt 0 001 @i 00040000 n 0000 | the 26th president of the United States
    00040000 18 n 01 President_of_the_United_States 0 000 | the head of state of the United States
    00050000 15 n 01 Georgia 0 001 @i 00060000 n 0000 | a state in the southeast of the United States
    00060000 15 n 01 American_state 0 000 | one of the states of the United States
    00070000 14 n 01 Red_Cross 0 001 @i 00080000 n 0000 | an organisation that cares for the victims of war and disaster
    00080000 14 n 01 organization 0 000 | a group of people who work together
    00090000 17 n 01 Mississippi 0 002 @i 00100000 n 0000 #p 00050000 n 0000 | a river of the United States
    00100000 17 n 01 river 0 000 | a large stream of water
    00110000 11 n 01 Boston_Tea_Party 0 001 @i 00120000 n 0000 | a protest of 1773
    00120000 11 n 01 protest 0 000 | a public act of objecting
    00130000 15 n 01 georgia 0 001 @i 00060000 n 0000 | a second entry of the same phrase
    00140000 05 n 0b a 0 b 0 c 0 d 0 e 0 f 0 g 0 h 0 i 0 j 0 Jack_Russell_terrier 0 000 | eleven words: w_cnt is hexadecimal

    """

    static func writeFixture(_ text: String = fixture) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wordnet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try text.write(to: dir.appendingPathComponent("data.noun"), atomically: true, encoding: .utf8)
        return dir.path
    }

    func testCategoriesOfTheFixture() throws {
        let dir = try Self.writeFixture()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let entries = try WordNetReader.read(directory: dir)
        XCTAssertEqual(entries.source, "wordnet")
        XCTAssertEqual(entries.categories, ["compound", "person", "location", "organisation", "other"])
        XCTAssertEqual(entries.categories(of: ["teddy", "bear"]), ["compound"])
        XCTAssertEqual(entries.categories(of: ["Teddy"]), [])  // one-word common nouns are not listed
        XCTAssertEqual(entries.categories(of: ["ROOSEVELT"]), ["person"])
        XCTAssertEqual(entries.categories(of: ["president", "theodore", "roosevelt"]), ["person"])
        XCTAssertEqual(entries.categories(of: ["President", "of", "the", "United", "States"]), ["compound"])
        XCTAssertEqual(entries.categories(of: ["Georgia"]), ["location"])
        XCTAssertEqual(entries.categories(of: ["red", "cross"]), ["organisation"])
        XCTAssertEqual(entries.categories(of: ["Mississippi"]), ["location"])  // noun.object instance
        XCTAssertEqual(entries.categories(of: ["Boston", "Tea", "Party"]), ["other"])
        XCTAssertEqual(entries.categories(of: ["jack", "russell", "terrier"]), ["compound"])
        XCTAssertEqual(entries.categories(of: ["american", "state"]), ["compound"])
        XCTAssertEqual(entries.categories(of: ["entity"]), [])
        // teddy bear, 4 Roosevelt names, President of the United States, Georgia, American state,
        // Red Cross, Mississippi, Boston Tea Party, Jack Russell terrier.
        XCTAssertEqual(entries.count, 12)
    }

    func testMalformedLinesNameFileAndLine() throws {
        let cases: [(String, String)] = [
            ("00010000 06 n 03 teddy 0 teddy_bear 0 001 @ 00020000 n 0000 | three words announced, two given", "pointer"),
            ("00010000 xx n 01 teddy_bear 0 000 | bad lexicographer file", "lex_filenum"),
            ("00010000 06 v 01 teddy_bear 0 000 | a verb line", "ss_type"),
            ("00010000 06 n zz teddy_bear 0 000 | bad word count", "w_cnt"),
            ("00010000 06 n 01 teddy_bear 0 002 @ 00020000 n 0000 | one pointer of two", "pointers"),
        ]
        for (line, word) in cases {
            let dir = try Self.writeFixture("  1 header\n00001740 03 n 01 entity 0 000 | first\n" + line + "\n")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            XCTAssertThrowsError(try WordNetReader.read(directory: dir), line) { error in
                let e = error as? NERError
                XCTAssertEqual(e?.line, 3, line)
                XCTAssertEqual(e?.path, dir + "/data.noun", line)
                XCTAssertTrue(e?.message.contains(word) == true, "\(line): \(e?.message ?? "")")
            }
        }
    }

    func testMissingDirectoryIsAnError() {
        XCTAssertThrowsError(try WordNetReader.read(directory: "/nonexistent/wordnet")) { error in
            XCTAssertEqual((error as? NERError)?.path, "/nonexistent/wordnet/data.noun")
        }
    }
}
