import XCTest
@testable import NERKit

final class SafeTensorsFileTests: XCTestCase {
    private func temporaryPath(_ name: String = "model.safetensors") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir.appendingPathComponent(name).path
    }

    private let sample: [StoredTensor] = [
        StoredTensor(name: "embedding.weight", dtype: .f32, shape: [3, 2], floats: [1, -2.5, 3.25, 0, -0.0, 1e-30]),
        StoredTensor(name: "lstm.bias", dtype: .f16, shape: [4], floats: [0.5, -1, 65504, 0.0999755859375]),
        StoredTensor(name: "label.ids", dtype: .i32, shape: [2, 2], floats: [0, 1, -7, 2_000_000]),
        StoredTensor(name: "scalar", dtype: .f32, shape: [], floats: [42]),
        StoredTensor(name: "empty", dtype: .f32, shape: [0, 5], floats: []),
    ]
    private let sampleMetadata = ["labels": "O B-PER I-PER", "ner_version": "0.1.0", "quote\"and\\slash": "line\nbreak ü 日本"]

    private func writeSample() throws -> String {
        let path = try temporaryPath()
        try SafeTensorsFile.write(sample, metadata: sampleMetadata, to: path)
        return path
    }

    private func assertError(_ path: String, contains fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafeTensorsFile.read(path), file: file, line: line) { error in
            guard let e = error as? NERError else {
                return XCTFail("not a NERError: \(error)", file: file, line: line)
            }
            XCTAssertEqual(e.path, path, file: file, line: line)
            XCTAssertTrue(e.message.contains(fragment), "'\(e.message)' lacks '\(fragment)'", file: file, line: line)
        }
    }

    private func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    private func overwrite(_ path: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// A file with `header` as its JSON header (space-padded) followed by `data`.
    private func rawFile(header: String, data: [UInt8] = []) throws -> String {
        var h = Array(header.utf8)
        while h.count % 8 != 0 { h.append(0x20) }
        var n = UInt64(h.count).littleEndian
        let path = try temporaryPath()
        try overwrite(path, withUnsafeBytes(of: &n) { Array($0) } + h + data)
        return path
    }

    // MARK: Round trip

    func testAModelFileIsRecognisedByItsFirstBytesAndNothingElseIs() throws {
        XCTAssertTrue(SafeTensorsFile.isModelFile(path: try writeSample()))
        let text = try temporaryPath("text.conll")
        try Data("EUxx O\n\n{ O\n".utf8).write(to: URL(fileURLWithPath: text))
        XCTAssertFalse(SafeTensorsFile.isModelFile(path: text), "a brace at byte 9 after text")
        let tiny = try temporaryPath("tiny.bin")
        try Data([1, 0, 0, 0, 0, 0, 0, 0, UInt8(ascii: "{")]).write(to: URL(fileURLWithPath: tiny))
        XCTAssertFalse(SafeTensorsFile.isModelFile(path: tiny), "a header of one byte cannot be a JSON object")
        XCTAssertFalse(SafeTensorsFile.isModelFile(path: tiny + ".missing"))
        // A FIFO is not opened (that would wait for a writer): the call returns at once.
        let fifo = try temporaryPath("fifo")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertFalse(SafeTensorsFile.isModelFile(path: fifo))
    }

    func testRoundTripKeepsTensorsDTypesShapesAndMetadata() throws {
        let path = try writeSample()
        let (tensors, metadata) = try SafeTensorsFile.read(path)
        XCTAssertEqual(metadata, sampleMetadata)
        XCTAssertEqual(Set(tensors.keys), Set(sample.map(\.name)))
        for t in sample {
            XCTAssertEqual(tensors[t.name], t, t.name)
        }
        XCTAssertEqual(tensors["embedding.weight"]?.floats[4].sign, .minus, "negative zero survives F32")
    }

    func testLayoutIsSafeTensors() throws {
        let path = try writeSample()
        let b = try bytes(path)
        let n = b[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(n % 8, 0, "header padded to a multiple of 8")
        let header = String(decoding: b[8..<8 + n], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{\"__metadata__\":{"))
        XCTAssertTrue(header.contains("\"embedding.weight\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[0,24]}"))
        XCTAssertTrue(header.contains("\"lstm.bias\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[24,32]}"))
        XCTAssertTrue(header.contains("\"container_version\":\"1\""))
        XCTAssertEqual(b.count, 8 + n + 24 + 8 + 16 + 4 + 0)
        // The first F32 value, 1.0, little-endian.
        XCTAssertEqual(Array(b[8 + n..<8 + n + 4]), [0x00, 0x00, 0x80, 0x3F])
    }

    func testF16RoundsToNearestEvenAndStoresHalfPrecisionBits() throws {
        let one: Float = 1
        let ulp = Float(Float16.ulpOfOne)  // 2^-10
        let values: [Float] = [
            one + ulp / 2,        // exactly halfway: ties to even -> 1
            one + 3 * ulp / 2,    // halfway between 1+ulp and 1+2ulp: ties to even -> 1+2ulp
            one + ulp * 0.51,     // just above halfway -> 1+ulp
            0.1,                  // -> nearest half 0.0999755859375
            -65519,               // rounds to the largest half, -65504
            1e-8,                 // below the smallest subnormal half / 2 -> 0
        ]
        let path = try temporaryPath()
        try SafeTensorsFile.write([StoredTensor(name: "h", dtype: .f16, shape: [6], floats: values)], metadata: [:], to: path)
        let read = try SafeTensorsFile.read(path).tensors["h"]
        XCTAssertEqual(read?.floats, [one, one + 2 * ulp, one + ulp, 0.0999755859375, -65504, 0])
        let b = try bytes(path)
        let n = Int(b[0]) | Int(b[1]) << 8
        XCTAssertEqual(b.count - 8 - n, 12, "two bytes per value")
        XCTAssertEqual(Array(b[8 + n..<8 + n + 2]), [0x00, 0x3C], "1.0 as half is 0x3C00")
    }

    func testWriteRejectsValuesTheDTypeCannotHold() throws {
        let path = try temporaryPath()
        let cases: [(StoredTensor, String)] = [
            (StoredTensor(name: "big", dtype: .f16, shape: [1], floats: [70000]), "cannot be stored as F16"),
            (StoredTensor(name: "frac", dtype: .i32, shape: [2], floats: [1, 2.5]), "value 2.5 at index 1 cannot be stored as I32"),
            (StoredTensor(name: "shape", dtype: .f32, shape: [2, 2], floats: [1, 2, 3]), "shape [2, 2] does not match its 3 values"),
        ]
        for (tensor, fragment) in cases {
            XCTAssertThrowsError(try SafeTensorsFile.write([tensor], metadata: [:], to: path)) { e in
                XCTAssertTrue("\(e)".contains(fragment), "\(e)")
            }
        }
        let a = StoredTensor(name: "a", shape: [1], floats: [1])
        XCTAssertThrowsError(try SafeTensorsFile.write([a, a], metadata: [:], to: path)) { e in
            XCTAssertTrue("\(e)".contains("two tensors are named 'a'"), "\(e)")
        }
        XCTAssertThrowsError(try SafeTensorsFile.write([a], metadata: ["file_crc32": "x"], to: path)) { e in
            XCTAssertTrue("\(e)".contains("reserved"), "\(e)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "nothing written on a rejected save")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent), [])
    }

    func testInfinityAndNaNSurviveF16AndF32() throws {
        let path = try temporaryPath()
        let values: [Float] = [.infinity, -.infinity, .nan]
        try SafeTensorsFile.write([StoredTensor(name: "a", dtype: .f16, shape: [3], floats: values),
                                   StoredTensor(name: "b", dtype: .f32, shape: [3], floats: values)], metadata: [:], to: path)
        let t = try SafeTensorsFile.read(path).tensors
        for name in ["a", "b"] {
            let f = try XCTUnwrap(t[name]?.floats)
            XCTAssertEqual(f[0], .infinity)
            XCTAssertEqual(f[1], -.infinity)
            XCTAssertTrue(f[2].isNaN)
        }
    }

    func testSavingReplacesAnExistingFile() throws {
        let path = try writeSample()
        try SafeTensorsFile.write([StoredTensor(name: "only", shape: [1], floats: [7])], metadata: ["v": "2"], to: path)
        let (tensors, metadata) = try SafeTensorsFile.read(path)
        XCTAssertEqual(Array(tensors.keys), ["only"])
        XCTAssertEqual(metadata, ["v": "2"])
    }

    // MARK: Corruption

    func testTruncationAnywhereIsReportedAsTruncated() throws {
        let path = try writeSample()
        let b = try bytes(path)
        for cut in [0, 3, 7, 8, 20, b.count / 2, b.count - 60, b.count - 1] {
            try overwrite(path, Array(b[0..<cut]))
            assertError(path, contains: "model file is truncated: expected")
        }
        try overwrite(path, Array(b[0..<b.count - 1]))
        assertError(path, contains: "truncated: expected \(b.count) bytes, found \(b.count - 1)")
        try overwrite(path, [])
        assertError(path, contains: "expected at least 8 bytes, found 0")
    }

    func testEverySingleDamagedByteIsDetected() throws {
        let path = try writeSample()
        let b = try bytes(path)
        for i in b.indices {
            for mask: UInt8 in [0x01, 0xFF] {
                var damaged = b
                damaged[i] ^= mask
                // Decoding from memory is what `read` does after its single file read.
                XCTAssertThrowsError(try damaged.withUnsafeBytes { try SafeTensorsFile.decode($0, path: path) },
                                     "byte \(i) ^ \(mask)") { e in
                    XCTAssertTrue(e is NERError, "byte \(i): \(e)")
                }
            }
        }
    }

    func testFlippedPayloadByteIsAChecksumMismatch() throws {
        let path = try writeSample()
        var b = try bytes(path)
        b[b.count - 5] ^= 0x10
        try overwrite(path, b)
        assertError(path, contains: "model file is corrupted: checksum mismatch")
    }

    func testFlippedHeaderByteIsDetected() throws {
        let path = try writeSample()
        var b = try bytes(path)
        // Turn "lstm.bias" into "lstm.bIas": still valid JSON, only the checksum notices.
        let n = Int(b[0]) | Int(b[1]) << 8
        let header = Array(b[8..<8 + n])
        let at = try XCTUnwrap(header.firstRange(of: Array("lstm.bias".utf8))).lowerBound + 6
        b[8 + at] = UInt8(ascii: "I")
        try overwrite(path, b)
        assertError(path, contains: "checksum mismatch")
    }

    func testTrailingGarbage() throws {
        let path = try writeSample()
        try overwrite(path, try bytes(path) + [0, 0, 0])
        assertError(path, contains: "3 bytes of trailing garbage after the last tensor")
    }

    func testHugeHeaderLength() throws {
        let path = try temporaryPath()
        try overwrite(path, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F] + Array(repeating: 0x20, count: 16))
        assertError(path, contains: "header length 9223372036854775807 is implausible")
        try overwrite(path, [0x00, 0x10, 0, 0, 0, 0, 0, 0] + Array(repeating: 0x20, count: 16))
        assertError(path, contains: "truncated: expected at least 4104 bytes, found 24")
        // A corpus given as a model: named as text, with its first bytes.
        try overwrite(path, Array("EU\tB-ORG\nrejects O\n".utf8))
        assertError(path, contains: "not a ner model file: it starts with text (\"EU\\tB-ORG\"), as a corpus does")
    }

    func testHeaderThatIsNotJSONOrNotAnObject() throws {
        assertError(try rawFile(header: "this is not json"), contains: "header is not valid JSON")
        assertError(try rawFile(header: "{\"a\": {\"dtype\": \"F32\""), contains: "header is not valid JSON")
        assertError(try rawFile(header: "[1, 2, 3]"), contains: "header is an array, not a JSON object")
        assertError(try rawFile(header: String(repeating: "[", count: 5000)), contains: "nested too deeply")
        assertError(try rawFile(header: "{\"a\":1,\"a\":2}"), contains: "duplicate key")
        assertError(try rawFile(header: "{\"__metadata__\":{\"k\":3}}"), contains: "metadata 'k' is a number, not a string")
        var invalidUTF8 = try bytes(try rawFile(header: "{\"__metadata__\":{\"k\":\"ab\"}}"))
        let path = try temporaryPath()
        invalidUTF8[8 + 23] = 0xFF
        try overwrite(path, invalidUTF8)
        assertError(path, contains: "not valid UTF-8")
    }

    func testInconsistentTensorDescriptions() throws {
        let meta = "\"__metadata__\":{\"container_version\":\"1\",\"file_crc32\":\"00000000\"}"
        let cases: [(String, [UInt8], String)] = [
            ("\"t\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[0,2]}", [0, 0],
             "tensor 't' has unsupported dtype 'BF16' (expected one of F32, F16, I32)"),
            ("\"t\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}", Array(repeating: 0, count: 8),
             "data_offsets [0, 8] span 8 bytes, but F32 shape [3] needs 12"),
            ("\"t\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}", [0, 0, 0, 0],
             "shape that is not a list of non-negative integers"),
            ("\"t\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}", [0, 0, 0, 0],
             "shape that is not a list of non-negative integers"),
            ("\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}", [0, 0, 0, 0],
             "invalid data_offsets"),
            ("\"t\":{\"dtype\":\"F32\",\"shape\":[1]}", [0, 0, 0, 0], "invalid data_offsets"),
            ("\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}", [0, 0, 0, 0],
             "unknown field 'extra'"),
            ("\"t\":[]", [], "tensor 't' is described by an array, not an object"),
            ("\"t\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}", [0, 0, 0, 0],
             "impossibly large shape"),
            // Overlap: both tensors claim bytes 0..<4.
            ("\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}",
             Array(repeating: 0, count: 8), "overlaps tensor"),
            // Gap before the first tensor.
            ("\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}", Array(repeating: 0, count: 8),
             "4 unused bytes before tensor 'a'"),
            // Offsets beyond the end of the file.
            ("\"a\":{\"dtype\":\"F32\",\"shape\":[1000],\"data_offsets\":[0,4000]}", Array(repeating: 0, count: 8),
             "model file is truncated"),
        ]
        for (tensorJSON, data, fragment) in cases {
            assertError(try rawFile(header: "{\(meta),\(tensorJSON)}", data: data), contains: fragment)
        }
    }

    func testFilesWithoutOurMetadataOrFromANewerVersion() throws {
        let t = "\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}"
        assertError(try rawFile(header: "{\(t)}", data: [0, 0, 0, 0]), contains: "no 'container_version'")
        assertError(try rawFile(header: "{\"__metadata__\":{\"container_version\":\"9\"},\(t)}", data: [0, 0, 0, 0]),
                    contains: "container version 9, but this ner reads only up to 1")
        assertError(try rawFile(header: "{\"__metadata__\":{\"container_version\":\"1\"},\(t)}", data: [0, 0, 0, 0]),
                    contains: "no 'file_crc32'")
        assertError(try rawFile(header: "{\"__metadata__\":{\"container_version\":\"1\",\"file_crc32\":\"xyz\"},\(t)}", data: [0, 0, 0, 0]),
                    contains: "malformed file_crc32")
    }

    func testMissingFileAndDirectory() throws {
        let path = try temporaryPath()
        assertError(path, contains: "no such file")
        let dir = (path as NSString).deletingLastPathComponent
        XCTAssertThrowsError(try SafeTensorsFile.read(dir)) { e in
            XCTAssertEqual((e as? NERError)?.message, "is a directory, not a file")
        }
    }

    func testReadsAFewMegabytesQuickly() throws {
        let count = 2_000_000
        let values = (0..<count).map { Float($0) * 0.001 }
        let path = try temporaryPath()
        try SafeTensorsFile.write([StoredTensor(name: "w", shape: [count], floats: values)], metadata: [:], to: path)
        let start = Date()
        let t = try SafeTensorsFile.read(path).tensors["w"]
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(t?.floats, values)
        XCTAssertLessThan(elapsed, 1.0, "8 MB even in a debug build")
    }
}
