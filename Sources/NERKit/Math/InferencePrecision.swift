import CKernels

/// The arithmetic of a loaded model's recurrent products when it tags: the products of each
/// LSTM step's hidden state with the recurrent weights, half of the work of tagging.
///
/// `float32` gives the scores of training's forward pass. `bfloat16` rounds those weights and
/// states to bfloat16 (8 significant bits) and sums the products in float32, with AVX512_BF16's
/// dot-product instruction (or, where the CPU has AMX, its tiles: 256 times the multiply-adds
/// per instruction): twice the multiply-adds per instruction and half the weight bytes to read. Tags and entity scores change very little (measured on CoNLL-2003: docs/benchmarks.md, "bfloat16"); a
/// sentence's result still does not depend on the sentences tagged beside it.
public enum InferencePrecision: String, Sendable, CaseIterable {
    /// Single precision throughout: the scores of training's forward pass.
    case float32
    /// bfloat16 where the CPU has AVX512_BF16; elsewhere the same as `float32`.
    case bfloat16

    /// bfloat16 where it is the faster on this CPU, else float32: what `Tagger` uses unless told.
    /// bfloat16 with AMX tiles, and with AVX512_BF16 alone on AMD (Zen 4); float32 on Intel CPUs
    /// without AMX (or with NER_NO_AMX set), where vdpbf16ps is no faster than float32's fused
    /// multiply-adds and the conversions make it slower (measured: docs/benchmarks.md).
    public static var fastest: InferencePrecision { ner_bf16_fastest() != 0 ? .bfloat16 : .float32 }

    /// Whether this CPU runs `bfloat16` (AVX512_BF16); without it `bfloat16` is `float32`.
    public static var cpuHasBFloat16: Bool { ner_has_bf16() != 0 }

    /// The instructions `bfloat16` products use on this CPU: "AMX" (AMX-BF16 tiles, where the OS
    /// grants them; the environment variable NER_NO_AMX turns them off), "AVX512_BF16"
    /// (vdpbf16ps), or nil without AVX512_BF16. They differ in the low bits of some sums (AMX's
    /// are the more precise), not in what a row's result depends on.
    public static var bfloat16Instructions: String? {
        switch ner_rows_product_bf16_path() {
        case 1: return "AMX"
        case 0: return "AVX512_BF16"
        default: return nil
        }
    }

    /// The instructions of the float32 kernels on this CPU (the recurrent products in `float32`,
    /// the other products and the gate step always): "AVX-512", "AVX2" or "portable C".
    package static var float32Instructions: String {
        switch ner_float32_path() {
        case 2: return "AVX-512"
        case 1: return "AVX2"
        default: return "portable C"
        }
    }

    /// What the products actually use on this CPU.
    public var effective: InferencePrecision { self == .bfloat16 && Self.cpuHasBFloat16 ? .bfloat16 : .float32 }
}
