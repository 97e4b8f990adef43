import NERKit

/// Writes bytes through a pointer into memory sized beforehand, for output written in many small
/// pieces (a JSON record of a few thousand tokens), where each `Array.append(contentsOf:)` costs
/// its own capacity and uniqueness checks: `[UInt8].append(atMost:_:)` sizes the memory once from
/// an upper bound the caller computes, and every write checks that bound.
///
/// It lives in the module of the writers that use it, not in NERKit: Swift does not inline a
/// `package` function into another module (`@inlinable` or not, its body is not serialized),
/// and a call per piece cost as much as the `Array` appends it replaces.
struct ByteCursor {
    private(set) var at: UnsafeMutablePointer<UInt8>
    let end: UnsafeMutablePointer<UInt8>

    init(_ memory: UnsafeMutableBufferPointer<UInt8>) {
        at = memory.baseAddress!
        end = at + memory.count
    }

    @inline(__always)
    mutating func write(_ byte: UInt8) {
        precondition(at < end, "ByteCursor: more bytes than its bound")
        at.pointee = byte
        at += 1
    }

    @inline(__always)
    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        precondition(end - at >= bytes.count, "ByteCursor: more bytes than its bound")
        if let base = bytes.baseAddress { at.update(from: base, count: bytes.count) }
        at += bytes.count
    }

    @inline(__always)
    mutating func write(_ text: StaticString) {
        let count = text.utf8CodeUnitCount
        precondition(end - at >= count, "ByteCursor: more bytes than its bound")
        at.update(from: text.utf8Start, count: count)
        at += count
    }

    /// The decimal digits of `n`, at most `JSONText.maxIntegerBytes` bytes.
    @inline(__always)
    mutating func writeInteger(_ n: Int) {
        precondition(end - at >= JSONText.maxIntegerBytes, "ByteCursor: more bytes than its bound")
        at += JSONText.writeInteger(n, to: at)
    }

    /// The JSON string literal of `text`, at most `JSONText.quotedBound(text.count)` bytes.
    @inline(__always)
    mutating func writeQuoted(_ text: UnsafeBufferPointer<UInt8>) {
        precondition(end - at >= JSONText.quotedBound(text.count), "ByteCursor: more bytes than its bound")
        at += JSONText.writeQuoted(text, to: at)
    }
}

extension Array where Element == UInt8 {
    /// Appends what `body` writes through a cursor into memory of `bound` bytes (made once, then
    /// copied here once); writing past `bound` stops the program rather than the memory.
    mutating func append(atMost bound: Int, _ body: (inout ByteCursor) -> Void) {
        let piece = [UInt8](unsafeUninitializedCapacity: Swift.max(bound, 1)) { memory, count in
            var cursor = ByteCursor(memory)
            body(&cursor)
            count = cursor.at - memory.baseAddress!
        }
        append(contentsOf: piece)
    }
}
