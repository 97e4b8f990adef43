import CUTF8Proc
import Foundation

/// Unicode normalisation through utf8proc, so that "Mu\u{308}ller" and "Müller" reach the model
/// as the same string.
enum UnicodeNormalization {
    /// The NFC (canonical composition) form of `text`.
    static func nfc(_ text: String) -> String {
        var copy = text
        return copy.withUTF8 { nfc(utf8: $0) }
    }

    /// NFC of valid UTF-8 bytes. Text made only of scalars below U+0300 is already NFC and is
    /// returned without calling utf8proc.
    static func nfc(utf8 bytes: UnsafeBufferPointer<UInt8>) -> String {
        if !bytes.contains(where: { $0 >= 0xCC }) {
            // Lead bytes below 0xCC encode scalars below U+0300, all NFC-stable and never
            // composed with what precedes them.
            return String(decoding: bytes, as: UTF8.self)
        }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return "" }
        var output: UnsafeMutablePointer<UInt8>? = nil
        let options = utf8proc_option_t(rawValue: UTF8PROC_COMPOSE.rawValue | UTF8PROC_STABLE.rawValue)
        let count = utf8proc_map(base, bytes.count, &output, options)
        defer { free(output) }
        guard count >= 0, let result = output else {
            return String(decoding: bytes, as: UTF8.self)
        }
        return String(decoding: UnsafeBufferPointer(start: result, count: count), as: UTF8.self)
    }
}
