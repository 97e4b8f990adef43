import Foundation
import XCTest

/// End-to-end tests of `ner tokenize`.
final class TokenizeCommandTests: XCTestCase {
    func testTextFormatOneSentencePerLine() throws {
        let r = try runNER(["tokenize"], stdin: Data("Mr. Smith went to Washington. He arrived on Jan. 5.\n".utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "Mr. Smith went to Washington .\nHe arrived on Jan. 5 .\n")
        XCTAssertEqual(r.stderr, "")
    }

    func testParagraphsNewlinesAndUnicode() throws {
        let input = "I didn't see M\u{00FC}ller's car\nin Z\u{00FC}rich.\n\nHeading\n\nS\u{00E3}o Paulo \u{2764}\u{FE0F} \u{6771}\u{4EAC}!"
        let r = try runNER(["tokenize"], stdin: Data(input.utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, """
            I did n't see M\u{00FC}ller 's car in Z\u{00FC}rich .
            Heading
            S\u{00E3}o Paulo \u{2764}\u{FE0F} \u{6771} \u{4EAC} !

            """)
    }

    func testOutputIsNFC() throws {
        let r = try runNER(["tokenize"], stdin: Data("Mu\u{0308}ller".utf8))
        XCTAssertEqual(Array(r.stdout.unicodeScalars), Array("M\u{00FC}ller\n".unicodeScalars))
    }

    func testConllFormat() throws {
        let r = try runNER(["tokenize", "--format", "conll"], stdin: Data("Hi, Bob. It's 5%.".utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "Hi\n,\nBob\n.\n\nIt\n's\n5\n%\n.\n\n")
    }

    func testConllOffsetsPointIntoTheWholeInput() throws {
        let input = "Z\u{00FC}rich is big.\n\n\u{1F600} Caf\u{00E9} ok."
        let r = try runNER(["tokenize", "--format", "conll", "--offsets"], stdin: Data(input.utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        let scalars = Array(input.unicodeScalars), bytes = Array(input.utf8)
        var count = 0
        for line in r.stdout.split(separator: "\n") {
            let f = line.split(separator: "\t").map(String.init)
            XCTAssertEqual(f.count, 5, String(line))
            guard f.count == 5, let s0 = Int(f[1]), let s1 = Int(f[2]), let b0 = Int(f[3]), let b1 = Int(f[4]) else { continue }
            XCTAssertEqual(String(String.UnicodeScalarView(scalars[s0..<s1])), f[0])
            XCTAssertEqual(String(decoding: bytes[b0..<b1], as: UTF8.self), f[0])
            count += 1
        }
        XCTAssertEqual(count, 8)
        XCTAssertTrue(r.stdout.contains("\u{1F600}\t16\t17\t17\t21\n"), r.stdout)
    }

    func testOffsetsNeedConllFormat() throws {
        let r = try runNER(["tokenize", "--offsets"], stdin: Data("x".utf8))
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("--offsets needs --format conll"), r.stderr)
    }

    func testInvalidUTF8IsReplacedAndReportedOnce() throws {
        var input = Data("Good line.\nBad ".utf8)
        input.append(contentsOf: [0xFF, 0xFE])
        input.append(Data(" here.\n\nMore ".utf8))
        input.append(contentsOf: [0xC3])
        input.append(Data(" bad.\n".utf8))
        let r = try runNER(["tokenize"], stdin: input)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "Good line .\nBad \u{FFFD} \u{FFFD} here .\nMore \u{FFFD} bad .\n")
        XCTAssertEqual(r.stderr, "<stdin>:2: warning: invalid UTF-8, replaced with U+FFFD\n")
    }

    func testEmptyInputPrintsNothing() throws {
        let r = try runNER(["tokenize"], stdin: Data())
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stdout, "")
    }

    func testHelpHasAnExample() throws {
        let r = try runNER(["tokenize", "--help"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("ner tokenize --format conll"), r.stdout)
        XCTAssertTrue(r.stdout.contains("He arrived on Jan. 5 ."), r.stdout)
    }

    /// The first paragraph's sentences are printed while standard input is still open.
    func testStreamsParagraphBeforeInputEnds() throws {
        let process = Process()
        process.executableURL = nerExecutable
        process.arguments = ["tokenize"]
        let inPipe = Pipe(), outPipe = Pipe()
        process.standardInput = inPipe
        process.standardOutput = outPipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            try? inPipe.fileHandleForWriting.close()
            process.waitUntilExit()
        }
        inPipe.fileHandleForWriting.write(Data("First paragraph here.\n\n".utf8))
        let got = expectation(description: "first paragraph printed")
        let reading = outPipe.fileHandleForReading
        DispatchQueue.global().async {
            var collected = Data()
            while !String(decoding: collected, as: UTF8.self).contains("\n") {
                let chunk = reading.availableData
                if chunk.isEmpty { break }
                collected.append(chunk)
            }
            if String(decoding: collected, as: UTF8.self) == "First paragraph here .\n" { got.fulfill() }
        }
        wait(for: [got], timeout: 20)
    }
}
