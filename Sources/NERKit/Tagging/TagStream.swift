import Foundation

/// Runs `ner tag`'s loop: a reader thread reads and tokenises the input into a bounded queue
/// while the calling thread tags sentences in batches and writes them in input order. A batch is
/// whatever the reader has ready, up to `maxSentences` sentences or `maxTokens` tokens, so piped
/// input is tagged in efficient batches while interactive input (nothing more ready) is answered
/// sentence by sentence. Output is flushed after every batch, so it starts before the input ends.
package struct TagStream {
    package var maxSentences = 256
    package var maxTokens = 4000
    /// Longer sentences are tagged in pieces of this many tokens (see `Tagger.tagWithBoundedMemory`).
    package var maxSentenceTokens = 1000
    /// How many tokens the reader may read ahead of the tagger (each sentence counts at least 1).
    package var readAheadTokens = 50_000

    package init() {}

    /// What the reader passes on: a sentence, or a warning about the input to give in order.
    private enum Read {
        case sentence(TagInputSentence)
        case warning(NERError)
    }

    /// Reads every input in order (opening each only when its turn comes), tags and formats it.
    /// `write` receives each batch's output (and must flush it); `warn` gets input warnings.
    /// The first input or format error stops the run and is rethrown after the output written so
    /// far is closed off (`formatter.finish()`); an error thrown by `write` (a full disk) stops
    /// it at once.
    package func run(inputs: [() throws -> TagInput], tagger: Tagger, scheme: TagScheme?,
                    formatter: inout TagOutputFormatter, write: (String) throws -> Void, warn: (NERError) -> Void) throws {
        let reader = ReadAhead<Read>(capacity: readAheadTokens) { put in
            for open in inputs {
                let input = try open()
                while let sentence = try input.next() {
                    if let w = input.takeWarning() { guard put(.warning(w), 1) else { return } }
                    guard put(.sentence(sentence), sentence.tokens.count) else { return }
                }
                if let w = input.takeWarning() { guard put(.warning(w), 1) else { return } }
            }
        }

        let scores = formatter.format.showsScores
        var failure: Error?
        var finished = false
        while !finished {
            let read = reader.nextBatch(maxCount: maxSentences, maxTokens: maxTokens) { item in
                if case .sentence(let s) = item { return (1, s.tokens.count) }
                return (0, 0)
            }
            failure = read.failure
            finished = read.ended
            var batch: [TagInputSentence] = []
            for item in read.elements {
                switch item {
                case .sentence(let s): batch.append(s)
                case .warning(let w): warn(w)
                }
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
