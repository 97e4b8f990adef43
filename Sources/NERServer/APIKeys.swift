import NERKit
import NIOConcurrencyHelpers

/// The API keys of `--api-keys FILE`, reloadable: every request but `/health`, `/ready` (and
/// `/metrics` when it is public) must carry `Authorization: Bearer KEY` with one of them.
///
/// The file has one key per line, or `sha256:` and the 64 hex digits of a key's SHA-256 (so that
/// the file need not hold the key itself); blank lines and lines starting with `#` are skipped.
/// Only the SHA-256 of each key is kept. A presented key is hashed and compared with every stored
/// hash, each comparison running over all 32 bytes and none ending early, so the time taken does
/// not depend on how much of a key is right. No key, and no part of one, is ever logged or put in
/// an error message.
final class APIKeys: Sendable {
    let path: String
    private let digests: NIOLockedValueBox<[[UInt8]]>

    /// Reads the keys of `path`; throws an error naming the file and line of a bad one.
    init(path: String) throws {
        self.path = path
        digests = NIOLockedValueBox(try Self.read(path))
    }

    /// The number of keys now accepted.
    var count: Int { digests.withLockedValue { $0.count } }

    /// Reads the file again; on an error the keys in use are kept (and the error thrown).
    func reload() throws {
        let fresh = try Self.read(path)
        digests.withLockedValue { $0 = fresh }
    }

    /// Whether an Authorization header's value carries an accepted key.
    func allows(authorization: String?) -> Bool {
        guard let authorization, let key = Self.bearerToken(authorization) else { return false }
        let presented = SHA256.hash(Array(key.utf8))
        let stored = digests.withLockedValue { $0 }
        var found = false
        for digest in stored {
            var difference: UInt8 = 0
            for i in 0..<32 { difference |= digest[i] ^ presented[i] }
            found = found || difference == 0
        }
        return found
    }

    /// The token of `Bearer TOKEN` (the scheme is case-insensitive, RFC 9110 section 11.1).
    static func bearerToken(_ value: String) -> Substring? {
        let trimmed = value.drop { $0 == " " }
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { return nil }
        let token = trimmed.dropFirst(7).drop { $0 == " " }
        let end = token.lastIndex { $0 != " " }.map { token.index(after: $0) } ?? token.startIndex
        let result = token[..<end]
        return result.isEmpty ? nil : result
    }

    private static func read(_ path: String) throws -> [[UInt8]] {
        let reader = try LineReader(path: path)
        var digests: [[UInt8]] = []
        while let bytes = try reader.next() {
            guard let line = String(validating: bytes, as: UTF8.self) else {
                throw NERError(path: path, line: reader.lineNumber, "not valid UTF-8")
            }
            let entry = line.trimmingSpaces
            if entry.isEmpty || entry.hasPrefix("#") { continue }
            if entry.lowercased().hasPrefix("sha256:") {
                let hex = Array(entry.dropFirst(7).utf8)
                guard hex.count == 64, let digest = Self.bytes(hex: hex) else {
                    throw NERError(path: path, line: reader.lineNumber, "a hashed key is 'sha256:' and 64 hex digits")
                }
                digests.append(digest)
            } else {
                guard entry.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                    throw NERError(path: path, line: reader.lineNumber,
                                   "a key is printable ASCII without spaces (the line is not shown: it may hold a key)")
                }
                guard entry.utf8.count >= 16 else {
                    throw NERError(path: path, line: reader.lineNumber, "a key must be at least 16 characters long")
                }
                digests.append(SHA256.hash(Array(entry.utf8)))
            }
        }
        guard !digests.isEmpty else { throw NERError(path: path, "no API keys in the file") }
        return digests
    }

    private static func bytes(hex: [UInt8]) -> [UInt8]? {
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var out: [UInt8] = []
        for i in stride(from: 0, to: hex.count, by: 2) {
            guard let hi = nibble(hex[i]), let lo = nibble(hex[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
        }
        return out
    }
}

private extension String {
    var trimmingSpaces: Substring {
        var s = self[...]
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return s
    }
}
