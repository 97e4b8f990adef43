import CZlib

/// Running CRC-32 (zlib's polynomial, as in gzip and PNG) over byte ranges fed in order.
/// CRC-32 catches every error burst up to 32 bits long, so any single damaged byte is detected.
struct FileChecksum {
    private(set) var value: UInt32 = 0

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var crc = uLong(value)
        var left = bytes.count
        while left > 0 {
            let chunk = min(left, 1 << 30)
            crc = crc32(crc, p, uInt(chunk))
            p += chunk
            left -= chunk
        }
        value = UInt32(truncatingIfNeeded: crc)
    }

    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Eight lowercase hex digits, the form stored in model metadata.
    static func hex(_ crc: UInt32) -> String {
        let digits = String(crc, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
