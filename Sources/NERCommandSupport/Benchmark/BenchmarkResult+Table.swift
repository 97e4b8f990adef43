import Foundation
import NERKit

extension BenchmarkResult {
    /// The human-readable report: what ran where, then one aligned line per measurement.
    package var table: String {
        var lines: [String] = []
        let m = machine
        lines.append("ner \(m.nerVersion) benchmark (\(m.build) build)")
        lines.append("")
        let about: [(String, String)] = [
            ("CPU", "\(m.cpu)\(m.cpuKind.isEmpty ? "" : " (\(m.cpuKind))"), \(m.cores) core\(m.cores == 1 ? "" : "s") available"),
            ("OpenBLAS", "\(m.blasKernels) kernels, \(m.blasThreads) thread\(m.blasThreads == 1 ? "" : "s") (training's products)"),
            ("OS", m.os),
            ("training data", "\(data.trainPath) (\(NumberText.grouped(data.trainSentences)) sentences, \(NumberText.grouped(data.trainTokens)) tokens)"),
            ("tagged data", "\(data.tagPath) (\(NumberText.grouped(data.tagSentences)) sentences, \(NumberText.grouped(data.tagTokens)) tokens, \(NumberText.grouped(data.textParagraphs)) paragraphs as text)"),
            ("tagging model", data.modelPath ?? "throwaway model of the default architecture, trained here"),
            ("tagging precision", (data.precision == "bfloat16"
                ? "bfloat16 recurrent products (\(data.precisionInstructions ?? "AVX512_BF16")), float32 elsewhere" : "float32")
                + (data.float32Instructions.map { " (\($0))" } ?? "")),
            ("ner tag, 2 cores", TagStream.parallelism == "batches"
                ? "two batches at once, one copy of the model each (NER_PARALLEL)" : "each batch's two LSTM directions side by side (NER_PARALLEL)"),
            ("training model", "throwaway model of ner train's default architecture, trained here"),
        ]
        lines += Self.aligned(about)
        lines.append("")

        var rows: [(String, String)] = []
        for s in training {
            rows.append(("train, \(s.threads) thread\(s.threads == 1 ? "" : "s")",
                         "\(Self.rate(s.tokensPerSecond))   (\(s.batches) batches of \(settings.batchSize) sentences after \(settings.warmupBatches) warm-up, \(NumberText.grouped(s.tokens)) tokens in \(String(format: "%.1f", s.seconds)) s)"))
        }
        rows.append(("tag, first pass, cold", "\(Self.rate(tagColdTokensPerSecond))   (freshly loaded model, empty caches, no scores, batches of \(settings.tagBatchSize): what tagging new text gets)"))
        rows.append(("tag, batched, with scores, warm", "\(Self.rate(tagTokensPerSecond))   (repeated passes: per-spelling caches full)"))
        rows.append(("tag, batched, without scores, warm", Self.rate(tagTokensPerSecondWithoutScores)))
        rows.append(("tag raw text, warm", "\(Self.rate(tagTextTokensPerSecond))   (tokenize, split sentences, tag with scores)"))
        rows.append(("latency, one sentence", String(format: "p50 %.2f ms   p90 %.2f ms   p99 %.2f ms   mean %.2f ms   (%d sentences)",
                                                      latency.p50, latency.p90, latency.p99, latency.mean, latency.samples)))
        let load = loadSeconds < 1 ? String(format: "%.1f ms", loadSeconds * 1000) : String(format: "%.2f s", loadSeconds)
        rows.append(("model load", "\(load)   (median of \(settings.loadRepeats))"))
        var memory = String(format: "%.0f MB peak resident", peakResidentMB)
        if let now = currentResidentMB { memory += String(format: "   (%.0f MB now)", now) }
        rows.append(("memory", memory))
        lines += Self.aligned(rows)
        return lines.joined(separator: "\n") + "\n"
    }

    private static func aligned(_ rows: [(String, String)]) -> [String] {
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "   " + $0.1 }
    }

    private static func rate(_ tokensPerSecond: Double) -> String {
        NumberText.grouped(Int(tokensPerSecond.rounded())).leftPadded(to: 9) + " tokens/s"
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
