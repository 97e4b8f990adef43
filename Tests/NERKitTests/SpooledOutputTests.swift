import Foundation
import XCTest
@testable import NERKit

/// `SpooledOutput`: what is written comes out whole and in order, from memory or, past the
/// memory limit, from its temporary file, which leaves nothing behind.
final class SpooledOutputTests: XCTestCase {
    private func delivered(_ spool: SpooledOutput) throws -> [UInt8] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try spool.deliver(to: handle.fileDescriptor, name: path)
        try handle.close()
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func testSmallOutputStaysInMemory() throws {
        let spool = SpooledOutput(memoryLimit: 1 << 10)
        try spool.write("héllo ")
        try spool.write(Array("world\n".utf8))
        XCTAssertFalse(spool.spilled)
        XCTAssertEqual(spool.byteCount, 13)
        XCTAssertEqual(try delivered(spool), Array("héllo world\n".utf8))
    }

    func testLargeOutputGoesThroughAnUnlinkedTemporaryFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spooldir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        setenv("TMPDIR", directory.path, 1)
        defer { unsetenv("TMPDIR") }
        let spool = SpooledOutput(memoryLimit: 100)
        var expected: [UInt8] = []
        for k in 0..<1000 {
            let line = Array("line \(k) 👩‍❤️‍👩\n".utf8)
            try spool.write(line)
            expected += line
        }
        XCTAssertTrue(spool.spilled)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [], "the temporary file is unlinked at once")
        XCTAssertEqual(try delivered(spool), expected)
    }
}
