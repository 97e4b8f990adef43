#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Model files in the safetensors layout, so they can also be opened by standard tools
/// (e.g. Python's `safetensors.numpy.load_file`):
///
///     UInt64 little-endian N | N bytes of JSON header, space-padded to a multiple of 8 | tensor bytes
///
/// The header maps each tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets
/// into the data section, tensors packed in order without gaps) and `"__metadata__"` to a
/// string-to-string map. Two metadata keys are reserved: `container_version` and `file_crc32`, the
/// CRC-32 of the whole file computed with those eight hex digits read as `0`s, so any damaged byte,
/// in the header or the data, is reported on load. Files are replaced atomically.
package enum SafeTensorsFile {
    /// Metadata key holding the version of this container layout.
    static let versionKey = "container_version"
    /// Metadata key holding the file's CRC-32 as eight lowercase hex digits.
    static let checksumKey = "file_crc32"
    /// The container version written, and the newest one read.
    static let containerVersion = 1
    /// Headers longer than this are rejected as corrupt (the format's reference reader uses the same limit).
    static let maxHeaderLength = SafeTensorsSignature.maxHeaderLength

    static let checksumPlaceholder = "00000000"

    /// Writes `tensors` (in this order) and `metadata` to `path`, replacing any existing file atomically.
    /// F16 tensors are rounded to half precision (nearest, ties to even); I32 tensors must hold integers.
    static func write(_ tensors: [StoredTensor], metadata: [String: String], to path: String) throws {
        for key in [versionKey, checksumKey] where metadata[key] != nil {
            throw NERError(path: path, "cannot save: metadata key '\(key)' is reserved for the file format")
        }
        var names = Set<String>()
        var encoded: [[UInt8]] = []
        encoded.reserveCapacity(tensors.count)
        for t in tensors {
            guard !t.name.isEmpty, t.name != "__metadata__" else {
                throw NERError(path: path, "cannot save: invalid tensor name '\(t.name)'")
            }
            guard names.insert(t.name).inserted else {
                throw NERError(path: path, "cannot save: two tensors are named '\(t.name)'")
            }
            guard let count = StoredTensor.elementCount(of: t.shape), count == t.floats.count else {
                throw NERError(path: path, "cannot save tensor '\(t.name)': shape \(t.shape) does not match its \(t.floats.count) values")
            }
            do {
                encoded.append(try TensorCoding.encode(t.floats, as: t.dtype))
            } catch let e as TensorCoding.Unrepresentable {
                throw NERError(path: path, "cannot save tensor '\(t.name)': value \(e.value) at index \(e.index) cannot be stored as \(t.dtype.rawValue)")
            }
        }

        var header = Array(headerJSON(tensors, metadata: metadata).utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var length = UInt64(header.count).littleEndian
        let lengthBytes = withUnsafeBytes(of: &length) { Array($0) }

        // The checksum covers every byte with the placeholder in place, then replaces it.
        var checksum = FileChecksum()
        checksum.update(lengthBytes)
        checksum.update(header)
        for bytes in encoded { checksum.update(bytes) }
        guard let at = checksumLocation(in: header[...]) else {
            throw NERError(path: path, "cannot save: internal error placing the checksum")
        }
        header.replaceSubrange(at..<at + 8, with: Array(FileChecksum.hex(checksum.value).utf8))

        try AtomicFile.write(to: path) { out in
            try out.write(lengthBytes)
            try out.write(header)
            for bytes in encoded { try out.write(bytes) }
        }
    }

    /// Whether `path` is a regular file that starts like a model file (``SafeTensorsSignature``).
    /// Readers of text corpora ask this to tell a user who gave a model where a corpus goes,
    /// instead of listing its bytes as invalid UTF-8.
    package static func isModelFile(path: String) -> Bool { SafeTensorsSignature.matches(path: path) }

    /// Reads and fully validates a model file. The returned metadata excludes the reserved keys.
    /// Any damage (truncation, bad header, inconsistent offsets, trailing bytes, checksum
    /// mismatch) throws a `NERError` naming the file.
    static func read(_ path: String) throws -> (tensors: [String: StoredTensor], metadata: [String: String]) {
        let bytes = try WholeFile.read(path)
        return try bytes.withUnsafeBytes { try decode($0, path: path) }
    }

    static func decode(_ file: UnsafeRawBufferPointer, path: String) throws -> (tensors: [String: StoredTensor], metadata: [String: String]) {
        func truncated(_ expected: String) -> NERError {
            NERError(path: path, "model file is truncated: expected \(expected) bytes, found \(file.count)")
        }
        guard file.count >= 8 else { throw truncated("at least 8") }
        let headerLength = UInt64(littleEndian: file.loadUnaligned(as: UInt64.self))
        guard headerLength <= UInt64(maxHeaderLength) else {
            // A text file (a corpus given after --model) starts with 8 printable bytes.
            let start = (0..<8).map { file[$0] }
            if start.allSatisfy({ (0x20...0x7E).contains($0) || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
                let shown = start.map { byte -> String in
                    switch byte {
                    case 0x0A: return "\\n"
                    case 0x09: return "\\t"
                    case 0x0D: return "\\r"
                    default: return String(UnicodeScalar(byte))
                    }
                }.joined()
                throw NERError(path: path, "not a ner model file: it starts with text (\"\(shown)\"), as a corpus does; a model is a file `ner train` wrote")
            }
            throw NERError(path: path, "model file is corrupted: header length \(headerLength) is implausible (at most \(maxHeaderLength))")
        }
        let headerEnd = 8 + Int(headerLength)
        guard headerEnd <= file.count else { throw truncated("at least \(headerEnd)") }

        let header = try SafeTensorsHeader.parse(file[8..<headerEnd], path: path)
        let dataSize = file.count - headerEnd
        if header.dataEnd > dataSize { throw truncated("\(headerEnd + header.dataEnd)") }
        if header.dataEnd < dataSize {
            throw NERError(path: path, "model file is corrupted: \(dataSize - header.dataEnd) bytes of trailing garbage after the last tensor")
        }

        var metadata = header.metadata
        guard let version = metadata.removeValue(forKey: versionKey) else {
            throw NERError(path: path, "not a ner model file: its metadata has no '\(versionKey)'")
        }
        guard let v = Int(version), v >= 1 else {
            throw NERError(path: path, "model file is corrupted: invalid \(versionKey) '\(version)'")
        }
        guard v <= containerVersion else {
            throw NERError(path: path, "model file uses container version \(v), but this ner reads only up to \(containerVersion); upgrade ner")
        }
        guard let stored = metadata.removeValue(forKey: checksumKey) else {
            throw NERError(path: path, "not a ner model file: its metadata has no '\(checksumKey)'")
        }
        try verifyChecksum(file, headerEnd: headerEnd, stored: stored, path: path)

        var tensors: [String: StoredTensor] = [:]
        tensors.reserveCapacity(header.tensors.count)
        for t in header.tensors {
            let bytes = UnsafeRawBufferPointer(rebasing: file[headerEnd + t.begin..<headerEnd + t.end])
            tensors[t.name] = StoredTensor(name: t.name, dtype: t.dtype, shape: t.shape,
                                           floats: TensorCoding.decode(bytes, as: t.dtype, count: t.count))
        }
        return (tensors, metadata)
    }

    private static func verifyChecksum(_ file: UnsafeRawBufferPointer, headerEnd: Int, stored: String, path: String) throws {
        let headerBytes = Array(file[8..<headerEnd])
        guard let at = checksumLocation(in: headerBytes[...]),
              String(decoding: headerBytes[at..<at + 8], as: UTF8.self) == stored,
              let expected = UInt32(stored, radix: 16), stored.utf8.count == 8
        else {
            throw NERError(path: path, "model file is corrupted: malformed \(checksumKey) '\(stored)'")
        }
        var zeroed = headerBytes
        zeroed.replaceSubrange(at..<at + 8, with: Array(checksumPlaceholder.utf8))
        var checksum = FileChecksum()
        checksum.update(UnsafeRawBufferPointer(rebasing: file[0..<8]))
        checksum.update(zeroed)
        checksum.update(UnsafeRawBufferPointer(rebasing: file[headerEnd...]))
        let actual = checksum.value
        guard actual == expected else {
            throw NERError(path: path, "model file is corrupted: checksum mismatch (file has CRC-32 \(FileChecksum.hex(actual)), header says \(stored))")
        }
    }

    /// `file` with its checksum field set to the CRC-32 of the rest, when it has one where this
    /// writer puts it (else unchanged): lets the fuzzer reach the loader's checks behind the
    /// checksum, which any random change would otherwise fail.
    package static func withChecksumRepaired(_ file: [UInt8]) -> [UInt8] {
        guard file.count >= 8 else { return file }
        let headerLength = file.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(file.count - 8) else { return file }
        let headerEnd = 8 + Int(headerLength)
        guard let at = checksumLocation(in: file[8..<headerEnd]) else { return file }
        var out = file
        out.replaceSubrange(at..<at + 8, with: Array(checksumPlaceholder.utf8))
        var checksum = FileChecksum()
        out.withUnsafeBytes { checksum.update($0) }
        out.replaceSubrange(at..<at + 8, with: Array(FileChecksum.hex(checksum.value).utf8))
        return out
    }

    /// Index of the first of the eight checksum digits in the header bytes as this writer lays them out.
    static func checksumLocation(in header: ArraySlice<UInt8>) -> Int? {
        let pattern = Array("\(JSONText.quoted(checksumKey)):\"".utf8)
        guard header.count >= pattern.count + 9 else { return nil }
        var i = header.startIndex
        while i + pattern.count + 9 <= header.endIndex {
            if header[i..<i + pattern.count].elementsEqual(pattern) {
                let at = i + pattern.count
                return header[at + 8] == UInt8(ascii: "\"") ? at : nil
            }
            i += 1
        }
        return nil
    }

    /// The header text with the checksum placeholder: metadata first (keys sorted), then tensors in order.
    static func headerJSON(_ tensors: [StoredTensor], metadata: [String: String]) -> String {
        var all = metadata
        all[versionKey] = String(containerVersion)
        all[checksumKey] = checksumPlaceholder
        let meta = all.sorted { $0.key < $1.key }.map { "\(JSONText.quoted($0.key)):\(JSONText.quoted($0.value))" }
        var items = ["\"__metadata__\":{\(meta.joined(separator: ","))}"]
        var offset = 0
        for t in tensors {
            let size = t.floats.count * t.dtype.byteSize
            let shape = t.shape.map(String.init).joined(separator: ",")
            items.append("\(JSONText.quoted(t.name)):{\"dtype\":\"\(t.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + size)]}")
            offset += size
        }
        return "{\(items.joined(separator: ","))}"
    }
}
