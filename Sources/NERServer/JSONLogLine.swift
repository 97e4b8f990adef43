import Foundation
import Logging

/// One line of the server's log, built byte by byte:
///
///     {"time": "2025-01-31T12:00:00.123Z", "level": "info", "message": "request", "key": value, ...}
///
/// shared by `JSONLogHandler` (every log event) and `RequestRecord` (the access log, written
/// without a swift-log event: one per request, so it skips building and sorting metadata).
struct JSONLogLine {
    private var bytes: [UInt8] = []

    init(level: Logger.Level, message: String) {
        bytes.reserveCapacity(320)
        appendRaw("{\"time\": \"")
        appendTimestamp()
        appendRaw("\", \"level\": \"")
        appendRaw(level.rawValue)
        appendRaw("\", \"message\": ")
        appendQuoted(message)
    }

    /// `, "key": ` — the value comes next.
    mutating func appendKey(_ key: String) {
        appendRaw(", ")
        appendQuoted(key)
        appendRaw(": ")
    }

    /// Text copied as it is (JSON punctuation, numbers).
    mutating func appendRaw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// `text` as a JSON string literal; most texts need no escape and are copied as they are.
    mutating func appendQuoted(_ text: String) {
        bytes.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: bytes += [0x5C, 0x22]
            case 0x5C: bytes += [0x5C, 0x5C]
            case 0x0A: bytes += [0x5C, 0x6E]
            case 0x0D: bytes += [0x5C, 0x72]
            case 0x09: bytes += [0x5C, 0x74]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }

    /// Ends the line and writes it to standard error whole, with one `write`, so lines from
    /// different threads never interleave.
    consuming func write() {
        bytes += [0x7D, 0x0A]  // "}\n"
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(2, base + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }

    /// UTC, milliseconds: "2025-01-31T12:00:00.123Z".
    private mutating func appendTimestamp() {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        appendDigits(Int(parts.tm_year) + 1900, 4); bytes.append(0x2D)
        appendDigits(Int(parts.tm_mon) + 1, 2); bytes.append(0x2D)
        appendDigits(Int(parts.tm_mday), 2); bytes.append(0x54)
        appendDigits(Int(parts.tm_hour), 2); bytes.append(0x3A)
        appendDigits(Int(parts.tm_min), 2); bytes.append(0x3A)
        appendDigits(Int(parts.tm_sec), 2); bytes.append(0x2E)
        appendDigits(Int(now.tv_nsec / 1_000_000), 3); bytes.append(0x5A)
    }

    private mutating func appendDigits(_ n: Int, _ count: Int) {
        var divisor = 1
        for _ in 1..<count { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(0x30 + n / divisor % 10))
            divisor /= 10
        }
    }
}
