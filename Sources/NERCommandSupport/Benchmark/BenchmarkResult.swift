import Foundation
import NERKit

/// Everything `ner bench` measured. Encoded as JSON with snake_case keys; rates are tokens per
/// second, latencies milliseconds, load time seconds, memory megabytes.
package struct BenchmarkResult: Codable, Equatable, Sendable {
    /// Training tokens per second keyed by thread count ("1", "2").
    package var trainTokensPerSecond: [String: Double]
    /// The details behind `trainTokensPerSecond`, in the order measured.
    package var training: [TrainingSpeed]
    /// The first pass of a freshly loaded model over the tagged sentences, without entity scores
    /// (what `ner tag --input tokens --format conll` does): nothing cached per spelling yet, so
    /// this is the rate a user tagging new text gets.
    package var tagColdTokensPerSecond: Double
    /// Batched tagging of tokenised sentences with entity scores (what `ner tag --format json`
    /// does), passes repeated with warm per-spelling caches.
    package var tagTokensPerSecond: Double
    /// The same without entity scores (no forward-backward pass).
    package var tagTokensPerSecondWithoutScores: Double
    /// Raw text: tokenizing, sentence splitting and tagging with scores.
    package var tagTextTokensPerSecond: Double
    /// One sentence per call.
    package var latency: LatencySummary
    /// Median time to load the model file into a ready `Tagger`.
    package var loadSeconds: Double
    package var peakResidentMB: Double
    package var currentResidentMB: Double?
    package var machine: MachineInfo
    package var data: BenchmarkData
    package var settings: BenchmarkSettings

    enum CodingKeys: String, CodingKey {
        case trainTokensPerSecond = "train_tokens_per_s"
        case training
        case tagColdTokensPerSecond = "tag_cold_tokens_per_s"
        case tagTokensPerSecond = "tag_tokens_per_s"
        case tagTokensPerSecondWithoutScores = "tag_tokens_per_s_no_scores"
        case tagTextTokensPerSecond = "tag_text_tokens_per_s"
        case latency = "latency_ms"
        case loadSeconds = "load_s"
        case peakResidentMB = "peak_rss_mb"
        case currentResidentMB = "rss_mb"
        case machine, data, settings
    }

    /// One JSON object, keys sorted, indented.
    package var jsonString: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every number is finite by construction (rates of zero time are 0), so this cannot fail.
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// What the benchmark ran on.
package struct BenchmarkData: Codable, Equatable, Sendable {
    package var trainPath: String
    package var trainSentences: Int
    package var trainTokens: Int
    /// The file whose sentences were tagged (--dev, or the training file).
    package var tagPath: String
    package var tagSentences: Int
    package var tagTokens: Int
    /// Paragraphs of raw text made from the tagged file.
    package var textParagraphs: Int
    /// The model that tagged; nil for the throwaway model trained by the benchmark.
    package var modelPath: String?
    /// The arithmetic of the tagging model's recurrent products on this CPU (float32 or bfloat16).
    package var precision: String
    /// The instructions of the bfloat16 products ("AMX" or "AVX512_BF16"; nil with float32).
    package var precisionInstructions: String?
    /// The instructions of the float32 kernels ("AVX-512", "AVX2" or "portable C"; nil in results
    /// written before it was recorded).
    package var float32Instructions: String?

    enum CodingKeys: String, CodingKey {
        case trainPath = "train_path", trainSentences = "train_sentences", trainTokens = "train_tokens"
        case tagPath = "tag_path", tagSentences = "tag_sentences", tagTokens = "tag_tokens"
        case textParagraphs = "text_paragraphs", modelPath = "model_path", precision
        case precisionInstructions = "precision_instructions", float32Instructions = "float32_instructions"
    }
}

/// How much was measured.
package struct BenchmarkSettings: Codable, Equatable, Sendable {
    package var batches: Int
    package var warmupBatches: Int
    package var batchSize: Int
    package var tagBatchSize: Int
    package var latencySentences: Int
    package var loadRepeats: Int

    enum CodingKeys: String, CodingKey {
        case batches, batchSize = "batch_size", warmupBatches = "warmup_batches", tagBatchSize = "tag_batch_size"
        case latencySentences = "latency_sentences", loadRepeats = "load_repeats"
    }
}
