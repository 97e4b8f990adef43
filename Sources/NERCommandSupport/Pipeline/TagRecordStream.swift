import Foundation
import NERKit

/// Runs `ner tag --input jsonl`/`lines`: like `TagStream`, a reader thread parses and tokenises
/// records into a bounded queue while the calling thread tags and writes them, but the unit is a
/// record (one input line) and exactly one line is written per record, in input order. The
/// sentences of many records go into one tagger batch (up to `maxSentences` sentences or
/// `maxTokens` tokens of whatever records are ready), so short documents are tagged as fast as
/// running text; output is flushed after every batch, so it starts before the input ends. A
/// huge record comes in parts (a paragraph at a time) and only its output so far is kept.
package struct TagRecordStream {
    package var maxSentences = 256
    package var maxTokens = 4000
    /// Longer sentences are tagged in pieces of this many tokens (see `Tagger.tagWithBoundedMemory`).
    package var maxSentenceTokens = 1000
    /// How much the reader may read ahead of the tagger, in tokens (see `TagRecordPart.weight`).
    package var readAheadTokens = 50_000

    package init() {}

    /// What a run saw: records (non-blank lines), how many failed, and the first failure as
    /// `path:line: message`.
    package struct Summary: Equatable, Sendable {
        package var records = 0
        package var failed = 0
        package var firstFailure: String?
    }

    /// Reads every path in order (nil: standard input), tags and writes every record. `write`
    /// gets each batch's lines (and must flush them); an error it throws (a full disk) stops the
    /// run at once. Bad records become error lines and are counted in the summary; an input that
    /// cannot be read stops the run with its error, after the lines before it are written.
    /// `rules` (patterns files) combine with the model's entities.
    package func run(paths: [String?], options: TagRecordOptions, tagger: Tagger, scheme: TagScheme?, rules: EntityRules? = nil,
                    write: (String) throws -> Void) throws -> Summary {
        let reader = ReadAhead<TagRecordPart>(capacity: readAheadTokens) { put in
            for path in paths {
                let input = try TagRecordReader(path: path, options: options)
                var accepted = true
                while try input.next({ part in
                    var part = part
                    // The rules run here, beside the model's passes on the tagging thread.
                    if let rules {
                        for k in part.sentences.indices {
                            part.sentences[k].ruleMatches = rules.patterns.matches(in: part.sentences[k].modelTokens)
                        }
                    }
                    accepted = put(part, part.weight)
                    return accepted
                }) {}
                guard accepted else { return }
            }
        }

        var summary = Summary()
        var failure: Error?
        var finished = false
        var current: TagRecordOutput?
        while !finished {
            let read = reader.nextBatch(maxCount: maxSentences, maxTokens: maxTokens) { part in
                (part.sentences.count, part.sentences.reduce(0) { $0 + $1.tokens.count })
            }
            failure = read.failure
            finished = read.ended
            let batch = read.elements
            let all = batch.flatMap(\.sentences)
            // Each record (each part of a long one) is a document for a model with document context.
            let documents = batch.enumerated().flatMap { k, part in [Int32](repeating: Int32(k), count: part.sentences.count) }
            let results = all.isEmpty ? [] : tagger.tagWithBoundedMemory(
                all.map(\.modelTokens), documents: documents, scheme: scheme, scores: true, maxPieceTokens: maxSentenceTokens, rules: rules,
                ruleMatches: all.map(\.ruleMatches))
            var out = ""
            var k = 0
            for part in batch {
                var record = current ?? TagRecordOutput(record: part.record, options: options)
                record.add(part.sentences, results[k..<(k + part.sentences.count)])
                k += part.sentences.count
                guard part.isLast else {
                    out += record.takeReady()
                    current = record
                    continue
                }
                current = nil
                out += record.finish()
                switch part.record.content {
                case .blank: break
                case .document: summary.records += 1
                case .failed(let message, _):
                    summary.records += 1
                    summary.failed += 1
                    if summary.firstFailure == nil { summary.firstFailure = "\(part.record.source):\(part.record.line): \(message)" }
                }
            }
            if !out.isEmpty { try write(out) }
        }
        if let failure { throw failure }
        return summary
    }
}
