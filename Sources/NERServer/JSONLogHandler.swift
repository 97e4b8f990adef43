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
        var line = JSONLogLine(level: event.level, message: event.message.description)
        var entries = Array(metadata)
        if let provided = metadataProvider?.get() { entries += provided }
        if let extra = event.metadata { entries += extra }
        entries.sort { $0.key < $1.key }
        for (i, entry) in entries.enumerated() where i + 1 == entries.count || entries[i + 1].key != entry.key {
            line.appendKey(entry.key)
            Self.appendJSON(entry.value, to: &line)
        }
        line.write()
    }

    private static func appendJSON(_ value: Logger.Metadata.Value, to line: inout JSONLogLine) {
        switch value {
        case .string(let s):
            line.appendQuoted(s)
        case .stringConvertible(let v):
            if let n = v as? Int {
                line.appendRaw(String(n))
            } else if let d = v as? Double, d.isFinite {
                line.appendRaw(d.description)
            } else if v is any BinaryInteger {
                line.appendRaw(v.description)
            } else {
                line.appendQuoted(v.description)
            }
        case .array(let items):
            line.appendRaw("[")
            for (i, item) in items.enumerated() {
                if i > 0 { line.appendRaw(", ") }
                appendJSON(item, to: &line)
            }
            line.appendRaw("]")
        case .dictionary(let entries):
            line.appendRaw("{")
            for (i, entry) in entries.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { line.appendRaw(", ") }
                line.appendQuoted(entry.key)
                line.appendRaw(": ")
                appendJSON(entry.value, to: &line)
            }
            line.appendRaw("}")
        }
    }
}

/// `--log-level` names: swift-log's own.
enum LogLevelName {
    static func parse(_ name: String) -> Logger.Level? {
        Logger.Level(rawValue: name.lowercased())
    }
}
