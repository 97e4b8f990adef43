/// The element types a model file stores, named as in the safetensors format.
enum TensorDType: String, Sendable, CaseIterable {
    case f32 = "F32"
    case f16 = "F16"
    case i32 = "I32"

    /// Bytes per element on disk.
    var byteSize: Int {
        switch self {
        case .f32, .i32: return 4
        case .f16: return 2
        }
    }
}
