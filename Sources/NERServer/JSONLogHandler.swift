import Foundation
import Logging

/// A swift-log handler writing one JSON object per line to standard error, so access logs and
/// everything else the server (and Hummingbird) logs can be read by machines:
///
///     {"time": "2025-01-31T12:00:00.123Z", "level": "info", "message": "request", "method": "POST",
///      "path": "/v1/tag", "status": 200, "ms": 0.84, "texts": 1, "tokens": 9, "hb.request.id": "..."}
///
/// Metadata values that are numbers are written as JSON numbers. Lines are written whole with
/// one `write` each, so lines from different threads never interleave.
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
        var line = "{\"time\": \"" + Self.timestamp() + "\", \"level\": \"" + event.level.rawValue + "\", \"message\": "
        line += Self.quoted(event.message.description)
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let extra = event.metadata { all.merge(extra) { $1 } }
        for (key, value) in all.sorted(by: { $0.key < $1.key }) {
            line += ", " + Self.quoted(key) + ": " + Self.json(value)
        }
        line += "}\n"
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { buffer in
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

    private static func json(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let s):
            return quoted(s)
        case .stringConvertible(let v):
            if v is any BinaryInteger { return v.description }
            if let d = v as? Double { return d.isFinite ? d.description : quoted(d.description) }
            return quoted(v.description)
        case .array(let items):
            return "[" + items.map(json).joined(separator: ", ") + "]"
        case .dictionary(let entries):
            return "{" + entries.sorted(by: { $0.key < $1.key }).map { quoted($0.key) + ": " + json($0.value) }
                .joined(separator: ", ") + "}"
        }
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// UTC, milliseconds: "2025-01-31T12:00:00.123Z".
    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let ms = Int(now.tv_nsec / 1_000_000)
        let millis = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(millis)Z"
    }
}

/// `--log-level` names: swift-log's own.
enum LogLevelName {
    static func parse(_ name: String) -> Logger.Level? {
        Logger.Level(rawValue: name.lowercased())
    }
}
