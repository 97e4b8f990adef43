import Foundation

/// A corpus read whole for training or evaluation, with the tag scheme its tags use.
package struct LabeledCorpus: Sendable {
    package var path: String
    package var sentences: [CoNLLSentence]
    package var scheme: TagScheme

    /// What was changed to put an annotation export's spans on tokens (empty for column files).
    package var adjustments = AlignmentLog()

    package static func load(_ path: String, columns: CoNLLColumns = .init()) throws -> LabeledCorpus {
        try load(path, options: CorpusReadOptions(columns: columns))
    }

    /// Reads a corpus in any format `CorpusReader` reads (detected unless `options` names one).
    package static func load(_ path: String, options: CorpusReadOptions) throws -> LabeledCorpus {
        let (all, adjustments) = try CorpusReader.readAll(path: path, options: options)
        let sentences = all.filter { !$0.tokens.isEmpty }
        if sentences.isEmpty { throw NERError(path: path, "no sentences found") }
        var corpus = LabeledCorpus(path: path, sentences: sentences, scheme: TagScheme.detect(sentences.map(\.tags)))
        corpus.adjustments = adjustments
        return corpus
    }

    /// The tags of each sentence in BIOES, the scheme the model is trained in.
    package var bioesTags: [[String]] { sentences.map { scheme.convert($0.tags, to: .bioes) } }

    package var tokenCount: Int { sentences.reduce(0) { $0 + $1.tokens.count } }

    /// CRC-32 of the file's bytes, as provenance.
    package static func checksum(_ path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "unreadable" }
        var checksum = FileChecksum()
        data.withUnsafeBytes { checksum.update($0) }
        return FileChecksum.hex(checksum.value)
    }
}
