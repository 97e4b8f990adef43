import XCTest
@testable import NERKit

final class AtomicFileTests: XCTestCase {
    private func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("af-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir.path
    }

    private func contents(_ path: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }

    private func entries(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    }

    private struct Injected: Error {}

    func testWritesNewFileAndLeavesNoTemporaryFile() throws {
        let dir = try temporaryDirectory()
        let path = dir + "/out.txt"
        try AtomicFile.write("hello\n", to: path)
        XCTAssertEqual(try contents(path), "hello\n")
        try AtomicFile.write(Array("replaced".utf8), to: path)
        XCTAssertEqual(try contents(path), "replaced")
        XCTAssertEqual(try entries(dir), ["out.txt"])
    }

    func testStreamingWriterConcatenatesChunks() throws {
        let dir = try temporaryDirectory()
        let path = dir + "/stream.bin"
        try AtomicFile.write(to: path) { w in
            XCTAssertTrue(w.temporaryPath.hasPrefix(dir + "/.stream.bin.tmp-"))
            try w.write("ab")
            try w.write([0x63, 0x64])
            XCTAssertEqual(w.bytesWritten, 4)
            XCTAssertFalse(FileManager.default.fileExists(atPath: path), "target appears only on commit")
        }
        XCTAssertEqual(try contents(path), "abcd")
    }

    func testFailureMidwayKeepsTheOldFileAndRemovesTheTemporary() throws {
        let dir = try temporaryDirectory()
        let path = dir + "/model.bin"
        try AtomicFile.write("old contents", to: path)
        XCTAssertThrowsError(try AtomicFile.write(to: path) { w in
            try w.write(String(repeating: "new ", count: 100_000))
            throw Injected()
        }) { XCTAssertTrue($0 is Injected) }
        XCTAssertEqual(try contents(path), "old contents")
        XCTAssertEqual(try entries(dir), ["model.bin"])
    }

    func testUnwritableDestinationIsAnErrorNamingThePath() throws {
        let dir = try temporaryDirectory()
        let path = dir + "/missing-dir/out.txt"
        XCTAssertThrowsError(try AtomicFile.write("x", to: path)) { e in
            let error = e as? NERError
            XCTAssertEqual(error?.path, path)
            XCTAssertTrue(error?.message.contains("cannot create a temporary file in \(dir)/missing-dir") == true, "\(e)")
        }
    }

    func testFailedRenameKeepsTheTargetAndRemovesTheTemporary() throws {
        // The target is a non-empty directory, so the final rename fails after all bytes were written.
        let dir = try temporaryDirectory()
        let target = dir + "/taken"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        try AtomicFile.write("keep", to: target + "/inside")
        XCTAssertThrowsError(try AtomicFile.write("x", to: target)) { e in
            XCTAssertTrue((e as? NERError)?.message.contains("cannot replace the file") == true, "\(e)")
        }
        XCTAssertEqual(try entries(dir), ["taken"])
        XCTAssertEqual(try contents(target + "/inside"), "keep")
    }

    func testRelativePathInTheCurrentDirectory() throws {
        let dir = try temporaryDirectory()
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(dir))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        try AtomicFile.write("rel", to: "relative.txt")
        XCTAssertEqual(try contents(dir + "/relative.txt"), "rel")
        XCTAssertEqual(try entries(dir), ["relative.txt"])
    }
}
