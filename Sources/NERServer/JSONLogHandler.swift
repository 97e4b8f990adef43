import Foundation
import Logging

/// A swift-log handler writing one JSON object per line to standard error, so access logs and
/// everything else the server (and Hummingbird) logs can be read by machines:
///
///     {"time": "2025-01-31T12:00:00.123Z", "level": "info", "message": "request", "method": "POST",
///      "path": "/v1/tag", "status": 200, "ms": 0.84, "texts": 1, "tokens": 9, "hb.request.id": "..."}
///
/// Metadata values that are numbers are written as JSON numbers; a key given twice (handler and
/// event) is written once, the event's value winning. Lines are written whole with one `write`
/// each, so lines from different threads never interleave.
struct JSONLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level

    init(level: Logger.Level) {
        logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        // Written byte by byte into one buffer: this runs once per request.
        var out: [UInt8] = []
        out.reserveCapacity(320)
        out += Array("{\"time\": \"".utf8)
        Self.appendTimestamp(&out)
        out += Array("\", \"level\": \"".utf8)
        out += Array(event.level.rawValue.utf8)
        out += Array("\", \"message\": ".utf8)
        Self.appendQuoted(event.message.description, to: &out)
        var entries = Array(metadata)
        if let provided = metadataProvider?.get() { entries += provided }
        if let extra = event.metadata { entries += extra }
        entries.sort { $0.key < $1.key }
        for (i, entry) in entries.enumerated() where i + 1 == entries.count || entries[i + 1].key != entry.key {
            out += [0x2C, 0x20]  // ", "
            Self.appendQuoted(entry.key, to: &out)
            out += [0x3A, 0x20]  // ": "
            Self.appendJSON(entry.value, to: &out)
        }
        out += [0x7D, 0x0A]  // "}\n"
        out.withUnsafeBytes { buffer in
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

    private static func appendJSON(_ value: Logger.Metadata.Value, to out: inout [UInt8]) {
        switch value {
        case .string(let s):
            appendQuoted(s, to: &out)
        case .stringConvertible(let v):
            if let n = v as? Int {
                out += Array(String(n).utf8)
            } else if let d = v as? Double, d.isFinite {
                out += Array(d.description.utf8)
            } else if v is any BinaryInteger {
                out += Array(v.description.utf8)
            } else {
                appendQuoted(v.description, to: &out)
            }
        case .array(let items):
            out.append(0x5B)
            for (i, item) in items.enumerated() {
                if i > 0 { out += [0x2C, 0x20] }
                appendJSON(item, to: &out)
            }
            out.append(0x5D)
        case .dictionary(let entries):
            out.append(0x7B)
            for (i, entry) in entries.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { out += [0x2C, 0x20] }
                appendQuoted(entry.key, to: &out)
                out += [0x3A, 0x20]
                appendJSON(entry.value, to: &out)
            }
            out.append(0x7D)
        }
    }

    /// `text` as a JSON string literal; most texts need no escape and are copied as they are.
    private static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            case 0x09: out += [0x5C, 0x74]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(0x22)
    }

    /// UTC, milliseconds: "2025-01-31T12:00:00.123Z".
    private static func appendTimestamp(_ out: inout [UInt8]) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ n: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = n
            while divisor > 0 {
                out.append(UInt8(0x30 + rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4); out.append(0x2D)
        digits(Int(parts.tm_mon) + 1, 2); out.append(0x2D)
        digits(Int(parts.tm_mday), 2); out.append(0x54)
        digits(Int(parts.tm_hour), 2); out.append(0x3A)
        digits(Int(parts.tm_min), 2); out.append(0x3A)
        digits(Int(parts.tm_sec), 2); out.append(0x2E)
        digits(Int(now.tv_nsec / 1_000_000), 3); out.append(0x5A)
    }
}

/// `--log-level` names: swift-log's own.
enum LogLevelName {
    static func parse(_ name: String) -> Logger.Level? {
        Logger.Level(rawValue: name.lowercased())
    }
}
