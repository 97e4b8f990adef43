import Foundation

/// Runs `ner tag`'s loop: a reader thread reads and tokenises the input into a bounded queue
/// while the calling thread tags sentences in batches and writes them in input order. A batch is
/// whatever the reader has ready, up to `maxSentences` sentences or `maxTokens` tokens, so piped
/// input is tagged in efficient batches while interactive input (nothing more ready) is answered
/// sentence by sentence. Output is flushed after every batch, so it starts before the input ends.
public struct TagStream {
    public var maxSentences = 256
    public var maxTokens = 4000
    /// Longer sentences are tagged in pieces of this many tokens (see `Tagger.tagWithBoundedMemory`).
    public var maxSentenceTokens = 1000
    /// How many tokens the reader may read ahead of the tagger (each sentence counts at least 1).
    public var readAheadTokens = 50_000

    public init() {}

    private enum Item {
        case sentence(TagInputSentence)
        case warning(NERError)
        case failure(Error)
        case end
    }

    /// Reads every input in order (opening each only when its turn comes), tags and formats it.
    /// `write` receives each batch's output (and must flush it); `warn` gets input warnings.
    /// The first input or format error stops the run and is rethrown after the output written so
    /// far is closed off (`formatter.finish()`); an error thrown by `write` (a full disk) stops
    /// it at once.
    public func run(inputs: [() throws -> TagInput], tagger: Tagger, scheme: TagScheme?,
                    formatter: inout TagOutputFormatter, write: (String) throws -> Void, warn: (NERError) -> Void) throws {
        let queue = BoundedQueue<Item>(capacity: readAheadTokens)
        let reader = Thread {
            for open in inputs {
                do {
                    let input = try open()
                    while let sentence = try input.next() {
                        if let w = input.takeWarning() { guard queue.put(.warning(w)) else { return } }
                        guard queue.put(.sentence(sentence), weight: sentence.tokens.count) else { return }
                    }
                    if let w = input.takeWarning() { guard queue.put(.warning(w)) else { return } }
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

        let scores = formatter.format.showsScores
        var failure: Error?
        var finished = false
        while !finished {
            var batch: [TagInputSentence] = []
            var tokens = 0
            var item: Item? = queue.take()
            while let current = item {
                switch current {
                case .sentence(let s):
                    batch.append(s)
                    tokens += s.tokens.count
                case .warning(let w):
                    warn(w)
                case .failure(let e):
                    failure = e
                    finished = true
                case .end:
                    finished = true
                }
                if finished || batch.count >= maxSentences || tokens >= maxTokens { break }
                item = queue.poll()
            }
            if batch.isEmpty { continue }
            let results = tagger.tagWithBoundedMemory(batch.map(\.modelTokens), scheme: scheme, scores: scores,
                                                      maxPieceTokens: maxSentenceTokens)
            var out = ""
            do {
                for (sentence, result) in zip(batch, results) { out += try formatter.format(sentence, result) }
            } catch {
                failure = failure ?? error
                finished = true
            }
            try write(out)
        }
        try write(formatter.finish())
        if let failure { throw failure }
    }
}
