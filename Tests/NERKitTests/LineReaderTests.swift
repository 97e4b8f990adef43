import XCTest
@testable import NERKit

final class LineReaderTests: XCTestCase {
    private func write(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lr-\(UUID().uuidString).txt").path
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    private func lines(_ path: String, bufferSize: Int = 1 << 16) throws -> [String] {
        let r = try LineReader(path: path, bufferSize: bufferSize)
        var out: [String] = []
        while let l = try r.next() { out.append(String(decoding: l, as: UTF8.self)) }
        return out
    }

    func testSplitsOnLFAndCRLFAndKeepsLastLineWithoutNewline() throws {
        let p = try write(Array("a b\r\n\nc\nlast".utf8))
        XCTAssertEqual(try lines(p), ["a b", "", "c", "last"])
    }

    func testNextIntoReusedLineReadsWhatASplitReads() throws {
        var random = SeededRandom(seed: 7)
        for round in 0..<20 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(random.next() % 3000) { bytes.append([UInt8(ascii: "a"), 0x0A, 0x0D, 0x20, 0xC3][Int(random.next() % 5)]) }
            var expected = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
            if bytes.last == 0x0A || bytes.isEmpty { expected.removeLast() }
            expected = expected.map { $0.last == 0x0D ? Array($0.dropLast()) : $0 }
            let reader = try LineReader(path: try write(bytes), bufferSize: 1024 + round)
            var line: [UInt8] = [9, 9, 9]
            var got: [[UInt8]] = []
            while try reader.next(into: &line) { got.append(line) }
            XCTAssertEqual(got, expected)
            XCTAssertEqual(line, [])
            XCTAssertEqual(reader.lineNumber, expected.count)
        }
    }

    func testLinesLongerThanTheBuffer() throws {
        let long = String(repeating: "x", count: 5000)
        let p = try write(Array("\(long)\nshort\n".utf8))
        XCTAssertEqual(try lines(p, bufferSize: 1024), [long, "short"])
    }

    func testReadsGzipTransparently() throws {
        let plain = try write(Array("one\ntwo\n".utf8))
        let gz = plain + ".gz"
        let task = Process()
        task.executableURL = URL(fileURLWithPath: "/bin/sh")
        task.arguments = ["-c", "gzip -c '\(plain)' > '\(gz)'"]
        try task.run(); task.waitUntilExit()
        addTeardownBlock { try? FileManager.default.removeItem(atPath: gz) }
        XCTAssertEqual(try lines(gz), ["one", "two"])
    }

    func testMissingFileIsAnErrorNamingThePath() {
        XCTAssertThrowsError(try LineReader(path: "/nonexistent/x.txt")) { e in
            XCTAssertEqual((e as? NERError)?.description, "/nonexistent/x.txt: no such file")
        }
    }

    private func gzip(_ text: String) throws -> [UInt8] {
        let plain = try write(Array(text.utf8))
        let task = Process()
        task.executableURL = URL(fileURLWithPath: "/bin/gzip")
        task.arguments = ["-c", plain]
        let out = Pipe()
        task.standardOutput = out
        try task.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        task.waitUntilExit()
        return Array(data)
    }

    /// A line written to a pipe is returned while the writer keeps the pipe open (no waiting
    /// for a block of input to fill up).
    func testPlainPipeReturnsEachLineAsItArrives() throws {
        let pipe = Pipe()
        let writer = pipe.fileHandleForWriting
        writer.write(Data("first line\r\n".utf8))
        let reader = try LineReader(path: "/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)")
        let got = expectation(description: "first line read")
        let second = expectation(description: "second line read")
        // The reader is used on the other thread only, until the expectations are met.
        nonisolated(unsafe) let handedOver = reader
        DispatchQueue.global().async {
            XCTAssertEqual(try? handedOver.next(), Array("first line".utf8))
            got.fulfill()
            XCTAssertEqual(try? handedOver.next(), Array("second".utf8))
            XCTAssertEqual(try? handedOver.next(), .some(nil))
            second.fulfill()
        }
        wait(for: [got], timeout: 10)
        writer.write(Data("second\n".utf8))
        try writer.close()
        wait(for: [second], timeout: 10)
    }

    func testGzipFromAPipeAndConcatenatedMembers() throws {
        let bytes = try gzip("one\ntwo\n") + gzip("three\n")
        let pipe = Pipe()
        let reader = try LineReader(path: "/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)")
        DispatchQueue.global().async {
            // Byte by byte at first, so the magic number arrives in two reads.
            for b in bytes.prefix(3) { pipe.fileHandleForWriting.write(Data([b])); usleep(2000) }
            pipe.fileHandleForWriting.write(Data(bytes.dropFirst(3)))
            try? pipe.fileHandleForWriting.close()
        }
        var lines: [String] = []
        while let l = try reader.next() { lines.append(String(decoding: l, as: UTF8.self)) }
        XCTAssertEqual(lines, ["one", "two", "three"])
    }

    func testLongGzipFileWithSmallBuffer() throws {
        let text = (0..<20_000).map { "line \($0) " + String(repeating: "abc", count: $0 % 50) }.joined(separator: "\n") + "\n"
        let p = try write(try gzip(text))
        let got = try lines(p, bufferSize: 1024)
        XCTAssertEqual(got.count, 20_000)
        XCTAssertEqual(got.last, "line 19999 " + String(repeating: "abc", count: 19_999 % 50))
    }

    func testCorruptedAndTruncatedGzipAreErrors() throws {
        var bytes = try gzip(String(repeating: "some text to compress\n", count: 200))
        let truncated = try write(Array(bytes.prefix(bytes.count / 2)))
        XCTAssertThrowsError(try lines(truncated)) { e in
            XCTAssertTrue((e as? NERError)?.description.hasPrefix(truncated) ?? false, "\(e)")
            XCTAssertTrue("\(e)".contains("truncated gzip"), "\(e)")
        }
        for i in (bytes.count / 2)..<(bytes.count / 2 + 8) { bytes[i] ^= 0x5A }  // inside the deflate data
        let corrupted = try write(bytes)
        XCTAssertThrowsError(try lines(corrupted)) { e in
            XCTAssertTrue("\(e)".contains("corrupted gzip"), "\(e)")
        }
    }

    /// Only 1F 8B marks gzip: a plain file may start with 1F.
    func testPlainFileStartingWithTheFirstMagicByte() throws {
        XCTAssertEqual(try lines(try write([0x1F, 0x41, 0x0A, 0x42])), ["\u{1F}A", "B"])
        XCTAssertEqual(try lines(try write([0x1F])), ["\u{1F}"])
        XCTAssertEqual(try lines(try write([])), [])
    }
}
