/// One named tensor as kept in a model file. Values are always handed around as `Float`;
/// `dtype` only decides how they are stored on disk (F16 halves the size, I32 holds integers).
package struct StoredTensor: Sendable, Equatable {
    var name: String
    var dtype: TensorDType
    /// Dimensions, outermost first; `[]` is a scalar holding one value.
    var shape: [Int]
    /// The values in row-major order: F16 decoded to `Float`, I32 converted to `Float`.
    var floats: [Float]

    init(name: String, dtype: TensorDType = .f32, shape: [Int], floats: [Float]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.floats = floats
    }

    /// The number of values `shape` calls for, or nil if a dimension is negative or the product overflows.
    static func elementCount(of shape: [Int]) -> Int? {
        var count = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            count = p
        }
        return count
    }
}
