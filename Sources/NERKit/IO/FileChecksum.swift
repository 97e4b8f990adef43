import CKernels
import CZlib

/// Running CRC-32 (zlib's polynomial, as in gzip and PNG) over byte ranges fed in order.
/// CRC-32 catches every error burst up to 32 bits long, so any single damaged byte is detected.
/// Long ranges are folded 16 bytes at a time with carry-less multiplies where the CPU has them
/// (`ner_crc32_fold`, a tenth of zlib's instructions: every model and compiled patterns file is
/// checked when it loads), and zlib does the rest.
struct FileChecksum {
    private(set) var value: UInt32 = 0

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var crc = uLong(value)
        var left = bytes.count
        if left >= 64 {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { residue in
                let folded = ner_crc32_fold(p, left, UInt32(truncatingIfNeeded: crc), residue.baseAddress!)
                if folded > 0 {
                    crc = crc32(0xFFFF_FFFF, residue.baseAddress!, 16)
                    p += folded
                    left -= folded
                }
            }
        }
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
