import Foundation
import CKernels

/// Converts tensor values between `Float` arrays and their little-endian bytes on disk.
enum TensorCoding {
    /// Why a tensor's values cannot be stored in its dtype.
    struct Unrepresentable: Error {
        var index: Int
        var value: Float
    }

    /// The on-disk bytes of `values` stored as `dtype`. F16 rounds to nearest, ties to even;
    /// a finite value too large for F16, or an I32 value that is not an integer in range, throws.
    static func encode(_ values: [Float], as dtype: TensorDType) throws -> [UInt8] {
        switch dtype {
        case .f32:
            #if _endian(little)
            return values.withUnsafeBytes { Array($0) }
            #else
            return pack(values.map { $0.bitPattern.littleEndian })
            #endif
        case .f16:
            var halves = [UInt16](repeating: 0, count: values.count)
            for (i, v) in values.enumerated() {
                let h = Float16(v)
                if h.isInfinite && v.isFinite { throw Unrepresentable(index: i, value: v) }
                halves[i] = h.bitPattern.littleEndian
            }
            return pack(halves)
        case .i32:
            var ints = [Int32](repeating: 0, count: values.count)
            for (i, v) in values.enumerated() {
                guard let n = Int32(exactly: v) else { throw Unrepresentable(index: i, value: v) }
                ints[i] = n.littleEndian
            }
            return pack(ints)
        }
    }

    private static func pack<T>(_ values: [T]) -> [UInt8] {
        values.withUnsafeBytes { Array($0) }
    }

    /// Decodes `count` values of `dtype` from `bytes`, which must hold exactly `count * dtype.byteSize` bytes.
    static func decode(_ bytes: UnsafeRawBufferPointer, as dtype: TensorDType, count: Int) -> [Float] {
        precondition(bytes.count == count * dtype.byteSize)
        guard count > 0, let base = bytes.baseAddress else { return [] }
        switch dtype {
        case .f32:
            #if _endian(little)
            return [Float](unsafeUninitializedCapacity: count) { out, n in
                memcpy(out.baseAddress!, base, count * 4)
                n = count
            }
            #else
            return (0..<count).map {
                Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
            }
            #endif
        case .f16:
            return [Float](unsafeUninitializedCapacity: count) { out, n in
                #if _endian(little)
                // F16C, eight at a time (every half converts exactly): a model's word vectors
                // are millions of halves, and `Float(Float16)` is a library call each on x86.
                // (The C side reads with unaligned loads.)
                ner_floats_from_halves(base.assumingMemoryBound(to: UInt16.self), out.baseAddress!, count)
                #else
                for i in 0..<count {
                    let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
                    out[i] = Float(Float16(bitPattern: bits))
                }
                #endif
                n = count
            }
        case .i32:
            return [Float](unsafeUninitializedCapacity: count) { out, n in
                for i in 0..<count {
                    out[i] = Float(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)))
                }
                n = count
            }
        }
    }
}
