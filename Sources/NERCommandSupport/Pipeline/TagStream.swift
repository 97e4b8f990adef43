import Foundation
import NERKit

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
    /// How many tokens the reader may read ahead of the tagger (each sentence counts at least 1):
    /// two and a half batches of `maxTokens`. 50,000 before; 10,000 took 5 MB off the peak of
    /// tagging all of CoNLL-2003 as tokens (108 to 102 MB) at the same speed.
    package var readAheadTokens = 10_000

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
    /// it at once. `rules` (patterns files) combine with the model's entities.
    package func run(inputs: [() throws -> TagInput], tagger: Tagger, scheme: TagScheme?, rules: EntityRules? = nil,
                    formatter: inout TagOutputFormatter, write: (String) throws -> Void, warn: (NERError) -> Void) throws {
        let reader = ReadAhead<Read>(capacity: readAheadTokens) { put in
            for open in inputs {
                let input = try open()
                var first = true
                while var sentence = try input.next() {
                    if let w = input.takeWarning() { guard put(.warning(w), 1) else { return } }
                    // The rules run here, beside the model's passes on the tagging thread.
                    if let rules { sentence.ruleMatches = rules.patterns.matches(in: sentence.modelTokens) }
                    if first { sentence.startsDocument = true; first = false }  // every input is a document of its own
                    guard put(.sentence(sentence), sentence.tokens.count) else { return }
                }
                if let w = input.takeWarning() { guard put(.warning(w), 1) else { return } }
            }
        }

        let scores = formatter.format.showsScores
        var failure: Error?
        var finished = false
        var documents = DocumentGrouping(readsDocuments: tagger.readsDocuments, maxTokens: maxTokens)
        while !finished {
            let read = reader.nextBatch(maxCount: maxSentences, maxTokens: maxTokens) { item in
                if case .sentence(let s) = item { return (1, s.tokens.count) }
                return (0, 0)
            }
            failure = read.failure
            finished = read.ended
            for item in read.elements {
                switch item {
                case .sentence(let s): documents.add(s)
                case .warning(let w): warn(w)
                }
            }
            let (batch, ids) = documents.take(inputEnded: finished)
            if batch.isEmpty { continue }
            let results = tagger.tagWithBoundedMemory(batch.map(\.modelTokens), documents: ids, scheme: scheme, scores: scores,
                                                      maxPieceTokens: maxSentenceTokens, rules: rules,
                                                      ruleMatches: batch.map(\.ruleMatches))
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

/// Numbers the sentences of `ner tag`'s stream by document and, for a model with document
/// context, holds back a document that may not be complete yet, so that a document is tagged
/// in one batch. A document is complete when the next one starts, when its input says so
/// (`TagInputSentence.endsDocument`) or when the input ends; one that reaches
/// `Documents.defaultMaxSentences` sentences or `maxTokens` tokens is tagged in parts, so that
/// memory stays bounded. For a model without document context nothing is held back.
struct DocumentGrouping {
    let readsDocuments: Bool
    let maxTokens: Int
    private var pending: [TagInputSentence] = []
    private var ids: [Int32] = []
    private var current: Int32 = -1
    private var inCurrent = 0, tokensInCurrent = 0
    /// Where the last document of `pending` starts.
    private var lastStart = 0

    init(readsDocuments: Bool, maxTokens: Int) {
        self.readsDocuments = readsDocuments
        self.maxTokens = maxTokens
    }

    mutating func add(_ sentence: TagInputSentence) {
        if current < 0 || sentence.startsDocument || inCurrent >= Documents.defaultMaxSentences {
            current = current == Int32.max ? 0 : current + 1
            inCurrent = 0
            tokensInCurrent = 0
            lastStart = pending.count
        }
        pending.append(sentence)
        ids.append(current)
        inCurrent += 1
        tokensInCurrent += sentence.tokens.count
    }

    /// The sentences to tag now, with their document numbers.
    mutating func take(inputEnded: Bool) -> ([TagInputSentence], [Int32]) {
        var cut = pending.count
        if readsDocuments && !inputEnded && !(pending.last?.endsDocument ?? true) && tokensInCurrent < maxTokens
            && inCurrent < Documents.defaultMaxSentences {
            cut = lastStart  // the last document may go on
        }
        let batch = Array(pending[..<cut]), batchIds = Array(ids[..<cut])
        pending.removeFirst(cut)
        ids.removeFirst(cut)
        lastStart -= cut
        if lastStart < 0 { lastStart = 0 }
        return (batch, batchIds)
    }
}
