import CKernels

/// The arithmetic of a loaded model's recurrent products when it tags: the products of each
/// LSTM step's hidden state with the recurrent weights, half of the work of tagging.
///
/// `float32` gives the scores of training's forward pass. `bfloat16` rounds those weights and
/// states to bfloat16 (8 significant bits) and sums the products in float32, with AVX512_BF16's
/// dot-product instruction: twice the multiply-adds per instruction and half the weight bytes
/// to read. Tags and entity scores change very little (measured on CoNLL-2003: docs/benchmarks.md, "bfloat16"); a
/// sentence's result still does not depend on the sentences tagged beside it.
public enum InferencePrecision: String, Sendable, CaseIterable {
    /// Single precision throughout: the scores of training's forward pass.
    case float32
    /// bfloat16 where the CPU has AVX512_BF16; elsewhere the same as `float32`.
    case bfloat16

    /// bfloat16 where the CPU has AVX512_BF16, else float32: what `Tagger` uses unless told.
    public static var fastest: InferencePrecision { cpuHasBFloat16 ? .bfloat16 : .float32 }

    /// Whether this CPU runs `bfloat16` (AVX512_BF16); without it `bfloat16` is `float32`.
    public static var cpuHasBFloat16: Bool { ner_has_bf16() != 0 }

    /// What the products actually use on this CPU.
    public var effective: InferencePrecision { self == .bfloat16 && Self.cpuHasBFloat16 ? .bfloat16 : .float32 }
}
