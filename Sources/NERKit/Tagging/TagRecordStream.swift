import Foundation

/// Runs `ner tag --input jsonl`/`lines`: like `TagStream`, a reader thread parses and tokenises
/// records into a bounded queue while the calling thread tags and writes them, but the unit is a
/// record (one input line) and exactly one line is written per record, in input order. The
/// sentences of many records go into one tagger batch (up to `maxSentences` sentences or
/// `maxTokens` tokens of whatever records are ready), so short documents are tagged as fast as
/// running text; output is flushed after every batch, so it starts before the input ends. A
/// huge record comes in parts (a paragraph at a time) and only its output so far is kept.
public struct TagRecordStream {
    public var maxSentences = 256
    public var maxTokens = 4000
    /// Longer sentences are tagged in pieces of this many tokens (see `Tagger.tagWithBoundedMemory`).
    public var maxSentenceTokens = 1000
    /// How much the reader may read ahead of the tagger, in tokens (see `TagRecordPart.weight`).
    public var readAheadTokens = 50_000

    public init() {}

    /// What a run saw: records (non-blank lines), how many failed, and the first failure as
    /// `path:line: message`.
    public struct Summary: Equatable, Sendable {
        public var records = 0
        public var failed = 0
        public var firstFailure: String?
    }

    private enum Item {
        case part(TagRecordPart)
        case failure(Error)
        case end
    }

    /// Reads every path in order (nil: standard input), tags and writes every record. `write`
    /// gets each batch's lines (and must flush them); an error it throws (a full disk) stops the
    /// run at once. Bad records become error lines and are counted in the summary; an input that
    /// cannot be read stops the run with its error, after the lines before it are written.
    public func run(paths: [String?], options: TagRecordOptions, tagger: Tagger, scheme: TagScheme?,
                    write: (String) throws -> Void) throws -> Summary {
        let queue = BoundedQueue<Item>(capacity: readAheadTokens)
        let reader = Thread {
            for path in paths {
                do {
                    let input = try TagRecordReader(path: path, options: options)
                    var accepted = true
                    while try input.next({ part in
                        accepted = queue.put(.part(part), weight: part.weight)
                        return accepted
                    }) {}
                    guard accepted else { return }
                } catch {
                    queue.put(.failure(error))
                    return
                }
            }
            queue.put(.end)
        }
        reader.stackSize = 8 << 20
        reader.start()
        defer { queue.close() }

        var summary = Summary()
        var failure: Error?
        var finished = false
        var current: TagRecordOutput?
        while !finished {
            var batch: [TagRecordPart] = []
            var sentences = 0, tokens = 0
            var item: Item? = queue.take()
            while let next = item {
                switch next {
                case .part(let part):
                    batch.append(part)
                    sentences += part.sentences.count
                    for s in part.sentences { tokens += s.tokens.count }
                case .failure(let e):
                    failure = e
                    finished = true
                case .end:
                    finished = true
                }
                if finished || sentences >= maxSentences || tokens >= maxTokens { break }
                item = queue.poll()
            }
            let all = batch.flatMap(\.sentences)
            let results = all.isEmpty ? [] : tagger.tagWithBoundedMemory(
                all.map(\.modelTokens), scheme: scheme, scores: true, maxPieceTokens: maxSentenceTokens)
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
