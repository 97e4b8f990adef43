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
}
