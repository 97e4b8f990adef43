import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pattern set stored as it is in memory (`ner compile-patterns`), so that reading it is a copy
/// of its tables rather than parsing, tokenising and hashing every line again: a million phrase
/// rules read in a few tens of milliseconds instead of about a second, which every `ner tag`
/// process (a GNU parallel chunk, a Spark task) would otherwise pay again.
///
/// The file: 8 bytes `NERPATS1`, the header's length (8 bytes, little-endian), the header (JSON:
/// the source files, the labels, the token patterns' lines, the phrase tables' longest phrases and seeds,
/// the sections and a CRC-32 of them), zero bytes to a multiple of 8, then the sections, each
/// an array of little-endian numbers padded to a multiple of 8 bytes: the rules' labels, the ids,
/// and per phrase table its phrases' bytes, their offsets and rules, its slots and its prefix
/// bits. Reading checks the checksum and every offset and index, so a damaged or crafted file is
/// an error naming it, never a crash or an endless lookup. Token patterns are kept as their
/// lines and read again (they are few; their compiled form holds regular expressions).
package enum CompiledPatterns {
    static let magic: [UInt8] = Array("NERPATS1".utf8)

    private struct Header: Codable {
        struct Table: Codable {
            var maxTokens: Int
            /// The hash seed, as 16 hex digits (JSON numbers lose 64-bit integers).
            var seed: String
        }
        struct Section: Codable {
            var name: String
            /// Bytes per element: 1, 2, 4 or 8.
            var width: Int
            var count: Int
        }
        var format: String
        var files: [String]
        var filePatterns: [Int]
        var labels: [String]
        var tokenPatternRules: [Int32]
        var tokenPatternLines: [String]
        var exact: Table
        var lower: Table
        var sections: [Section]
        var crc32: String
    }

    /// Whether `path` is a regular file that starts as a compiled patterns file does.
    package static func isCompiled(path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: magic.count)
        let read = head.withUnsafeMutableBytes { try? WholeFile.readFully(fd, into: $0, path: path) }
        return read == magic.count && head == magic
    }

    /// Writes `set` to `path` (atomically: a temporary file renamed over it). Throws `NERError`
    /// when a token pattern has no line (one added by `PatternSet.add(_:)`) or a write fails.
    package static func write(_ set: PatternSet, to path: String) throws {
        var sources: [String] = []
        for (k, line) in set.tokenSources.enumerated() {
            guard let line else { throw NERError(path: path, "token pattern \(k + 1) was not read from a file, so it has no line to keep") }
            sources.append(line)
        }
        // The ids: their rules, and their UTF-8 one after another with offsets.
        let idRules = set.ids.keys.sorted()
        var idBytes: [UInt8] = [], idOffsets: [Int] = [0]
        for r in idRules {
            idBytes.append(contentsOf: set.ids[r]!.utf8)
            idOffsets.append(idBytes.count)
        }
        let exact = set.exact.parts, lower = set.lower.parts
        var sections: [Header.Section] = []
        var payload: [[UInt8]] = []
        func add<T: FixedWidthInteger>(_ name: String, _ values: [T]) {
            sections.append(Header.Section(name: name, width: MemoryLayout<T>.size, count: values.count))
            var bytes = values.withUnsafeBytes { Array($0) }
            if T.self != UInt8.self && Int(littleEndian: 1) != 1 {
                bytes = values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
            }
            bytes.append(contentsOf: repeatElement(0, count: (8 - bytes.count % 8) % 8))
            payload.append(bytes)
        }
        add("ruleLabels", set.ruleLabels)
        add("idRules", idRules)
        add("idOffsets", idOffsets.map(Int64.init))
        add("idBytes", idBytes)
        for (name, parts) in [("exact", exact), ("lower", lower)] {
            add(name + ".text", parts.text)
            add(name + ".starts", parts.starts.map(Int64.init))
            add(name + ".rules", parts.rules)
            add(name + ".slots", parts.slots)
            add(name + ".prefixBits", parts.prefixBits)
        }
        var checksum = FileChecksum()
        for bytes in payload { checksum.update(bytes) }
        func table(_ p: PhraseTable.Parts) -> Header.Table {
            let hex = String(p.seed, radix: 16)
            return Header.Table(maxTokens: p.maxTokens,
                                seed: String(repeating: "0", count: 16 - hex.count) + hex)
        }
        let header = Header(format: "ner compiled patterns", files: set.files.map(\.path), filePatterns: set.files.map(\.patterns),
                            labels: set.labels, tokenPatternRules: set.tokenPatterns.map(\.rule), tokenPatternLines: sources,
                            exact: table(exact), lower: table(lower), sections: sections, crc32: FileChecksum.hex(checksum.value))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var headerBytes = Array(try encoder.encode(header))
        headerBytes.append(contentsOf: repeatElement(0x20, count: (8 - headerBytes.count % 8) % 8))
        try AtomicFile.write(to: path) { out in
            try out.write(magic)
            try out.write(withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { Array($0) })
            try out.write(headerBytes)
            for bytes in payload { try out.write(bytes) }
        }
    }

    /// Reads a file written by `write(_:to:)`. Throws `NERError` naming the file and what is wrong.
    package static func read(_ path: String) throws -> PatternSet {
        let fd = try InputFile.open(path)
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw NERError(path: path, "cannot read: \(errnoText())") }
        var left = Int(info.st_size)
        func bad(_ what: String) -> NERError { NERError(path: path, "not a valid compiled patterns file: \(what)") }
        /// Reads exactly `count` bytes into `buffer`.
        func fill(_ buffer: UnsafeMutableRawBufferPointer, _ what: String) throws {
            guard buffer.count <= left, try WholeFile.readFully(fd, into: buffer, path: path) == buffer.count else {
                throw bad("it ends inside \(what)")
            }
            left -= buffer.count
        }
        var head = [UInt8](repeating: 0, count: 16)
        try head.withUnsafeMutableBytes { try fill($0, "the signature") }
        guard Array(head[0..<8]) == magic else { throw bad("it does not start with NERPATS1") }
        let headerLength = head[8..<16].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(left), headerLength % 8 == 0 else { throw bad("the header's length (\(headerLength)) is past the end") }
        var headerBytes = [UInt8](repeating: 0, count: Int(headerLength))
        try headerBytes.withUnsafeMutableBytes { try fill($0, "the header") }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(headerBytes))
        } catch {
            throw bad("its header is not the JSON expected")
        }
        var order: [(name: String, width: Int)] = [("ruleLabels", 2), ("idRules", 4), ("idOffsets", 8), ("idBytes", 1)]
        for t in ["exact", "lower"] {
            order += [(t + ".text", 1), (t + ".starts", 8), (t + ".rules", 4), (t + ".slots", 8), (t + ".prefixBits", 8)]
        }
        guard header.sections.count == order.count,
              zip(header.sections, order).allSatisfy({ $0.name == $1.name && $0.width == $1.width && $0.count >= 0 }) else {
            throw bad("its sections are not those of this version")
        }
        guard header.files.count == header.filePatterns.count, header.tokenPatternRules.count == header.tokenPatternLines.count else {
            throw bad("its header's lists differ in length")
        }
        var checksum = FileChecksum()
        /// The next section as an array of `T`.
        func section<T: FixedWidthInteger>(_ k: Int, as: T.Type) throws -> [T] {
            let s = header.sections[k]
            let (bytes, overflow) = s.count.multipliedReportingOverflow(by: s.width)
            guard !overflow, bytes <= left else { throw bad("section \(s.name) (\(s.count) numbers) is past the end") }
            let padded = (bytes + 7) / 8 * 8
            var values = try [T](unsafeUninitializedCapacity: max(padded / s.width, 1)) { buffer, count in
                count = 0
                try fill(UnsafeMutableRawBufferPointer(start: buffer.baseAddress, count: padded), "section \(s.name)")
                checksum.update(UnsafeRawBufferPointer(start: buffer.baseAddress, count: padded))
                count = s.count
            }
            if Int(littleEndian: 1) != 1 { values = values.map { T(littleEndian: $0) } }
            return values
        }
        let ruleLabels = try section(0, as: UInt16.self)
        let idRules = try section(1, as: Int32.self)
        let idOffsets = try section(2, as: Int64.self)
        let idBytes = try section(3, as: UInt8.self)
        func table(_ first: Int, _ stored: Header.Table) throws -> PhraseTable.Parts {
            guard let seed = UInt64(stored.seed, radix: 16) else { throw bad("a table's seed is not hex digits") }
            return PhraseTable.Parts(text: try section(first, as: UInt8.self), starts: try section(first + 1, as: Int64.self).map { Int($0) },
                                     rules: try section(first + 2, as: Int32.self), slots: try section(first + 3, as: UInt64.self),
                                     prefixBits: try section(first + 4, as: UInt64.self), maxTokens: stored.maxTokens, seed: seed)
        }
        let exactParts = try table(4, header.exact), lowerParts = try table(9, header.lower)
        guard left == 0 else { throw bad("\(left) bytes follow the last section") }
        guard FileChecksum.hex(checksum.value) == header.crc32 else {
            throw bad("its checksum is \(FileChecksum.hex(checksum.value)), the header says \(header.crc32): the file is damaged")
        }
        // Every index checked before use.
        guard Set(header.labels).count == header.labels.count, header.labels.count <= Int(UInt16.max),
              ruleLabels.allSatisfy({ Int($0) < header.labels.count }) else { throw bad("a rule names a label it does not have") }
        guard idOffsets.count == idRules.count + 1, idOffsets.first == 0, idOffsets.last == Int64(idBytes.count),
              zip(idOffsets, idOffsets.dropFirst()).allSatisfy({ $0 <= $1 }),
              idRules.allSatisfy({ $0 >= 0 && Int($0) < ruleLabels.count }) else { throw bad("its ids do not fit its rules") }
        var ids: [Int32: String] = [:]
        ids.reserveCapacity(idRules.count)
        for (k, r) in idRules.enumerated() {
            ids[r] = String(decoding: idBytes[Int(idOffsets[k])..<Int(idOffsets[k + 1])], as: UTF8.self)
        }
        guard header.tokenPatternRules.allSatisfy({ $0 >= 0 && Int($0) < ruleLabels.count }) else { throw bad("a token pattern names a rule it does not have") }
        let exact: PhraseTable, lower: PhraseTable
        do {
            exact = try PhraseTable(parts: exactParts, ruleCount: ruleLabels.count)
            lower = try PhraseTable(parts: lowerParts, ruleCount: ruleLabels.count)
        } catch {
            throw bad(error.text)
        }
        var set = try PatternSet(labels: header.labels, ruleLabels: ruleLabels, ids: ids, exact: exact, lower: lower,
                                 tokenSources: Array(zip(header.tokenPatternRules, header.tokenPatternLines)), path: path)
        // What was loaded is this file (its sources are in the header).
        set.files = [PatternSet.File(path: path, patterns: ruleLabels.count)]
        return set
    }
}

