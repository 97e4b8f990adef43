import Foundation
import NERKit

/// Runs `ner tag`'s loop: a reader thread reads and tokenises the input into a bounded queue
/// while the calling thread tags sentences in batches and writes them in input order. A batch is
/// whatever the reader has ready, up to `maxSentences` sentences or `maxTokens` tokens, so piped
/// input is tagged in efficient batches while interactive input (nothing more ready) is answered
/// sentence by sentence. Output is flushed after every batch, so it starts before the input ends.
///
/// Given a way to make a second tagger of the same model (`replica`), two batches are tagged at
/// once, each by one tagger on a thread of its own, while the calling thread formats and writes
/// the older one and reads the next: nothing waits for the work between the two LSTM
/// directions' passes (encoding, the output layer, the CRF, formatting) as when one tagger
/// splits its directions between two threads. The second tagger is made (on a thread of its
/// own) once the first batch is handed over and more input may come, so input of one batch
/// costs no second model. The output is the same, in the same order.
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

    /// How `ner tag` uses two cores on this machine: "batches" (two taggers of the model, two
    /// batches at once: `run`'s `replica`) or "directions" (one tagger, each batch's two LSTM
    /// directions on two threads). Batches on a CPU without AVX-512: on an AMD EPYC Zen 3 (AVX2)
    /// all of CoNLL-2003 as tokens took 3.2-3.6 s against 4.0-4.6 s, the same output, about 85 MB more at
    /// the peak (docs/benchmarks.md). Directions on CPUs with AVX-512 (Zen 4, Intel Xeon), where
    /// they were measured and batches not yet. The environment variable NER_PARALLEL (batches or
    /// directions) overrides the choice, to measure either anywhere.
    package static var parallelism: String {
        if let forced = ProcessInfo.processInfo.environment["NER_PARALLEL"], ["batches", "directions"].contains(forced) { return forced }
        return InferencePrecision.float32Instructions == "AVX-512" ? "directions" : "batches"
    }

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
    package func run(inputs: [() throws -> TagInput], tagger: Tagger, replica: (@Sendable () throws -> Tagger)? = nil, scheme: TagScheme?, rules: EntityRules? = nil,
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

        let work = TaggingWork(scheme: scheme, scores: formatter.format.showsScores, maxPieceTokens: maxSentenceTokens, rules: rules)
        // With `replica`: the taggers' workers (the second once it is needed) and its loading.
        var workers = replica == nil ? [] : [TaggingWorker(tagger, work)]
        var replicaLoad: OnAThread<Tagger>?
        var failure: Error?
        var finished = false
        var documents = DocumentGrouping(readsDocuments: tagger.readsDocuments, maxTokens: maxTokens)
        // With two workers: the batches being tagged, oldest first, and the input warnings read
        // since the last batch was handed over (given just before that batch's output, where
        // one tagger would have given them).
        var inFlight: [TaggingJob] = [], warnings: [NERError] = [], handedOver = 0
        var formatFailed = false
        defer { for job in inFlight { job.done.wait() } }  // no worker outlives the run
        // Formats and writes a tagged batch; a format error ends the run after what came before.
        func output(_ batch: [TagInputSentence], _ results: [TaggedSentence]) throws {
            var out = ""
            do {
                for (sentence, result) in zip(batch, results) { out += try formatter.format(sentence, result) }
            } catch {
                failure = failure ?? error
                finished = true
                formatFailed = true
            }
            try write(out)
        }
        // The oldest batch being tagged, written once done; after a format error, dropped (one
        // tagger would not have read it).
        func finishOldest() throws {
            let job = inFlight.removeFirst()
            job.done.wait()
            if formatFailed { return }
            for w in job.warnings { warn(w) }
            try output(job.batch, job.results)
        }
        while !finished {
            let read = reader.nextBatch(maxCount: maxSentences, maxTokens: maxTokens, wait: inFlight.isEmpty) { item in
                if case .sentence(let s) = item { return (1, s.tokens.count) }
                return (0, 0)
            }
            if read.elements.isEmpty && !read.ended {
                // Nothing ready (interactive input, or a slow reader): answer what is being tagged.
                try finishOldest()
                continue
            }
            failure = read.failure
            finished = read.ended
            for item in read.elements {
                switch item {
                case .sentence(let s): documents.add(s)
                case .warning(let w): if replica == nil { warn(w) } else { warnings.append(w) }
                }
            }
            let (batch, ids) = documents.take(inputEnded: finished)
            if batch.isEmpty { continue }
            guard let replica else {
                try output(batch, work.tag(batch, documents: ids, with: tagger))
                continue
            }
            if let load = replicaLoad, inFlight.count == 1 {
                // A batch is being tagged and another is ready: the second tagger takes it.
                workers.append(TaggingWorker(try load.wait(), work))
                replicaLoad = nil
            }
            // Alone, a tagger keeps its own way of using the cores; two use one each.
            let job = TaggingJob(batch: batch, documents: ids, warnings: warnings, shared: workers.count > 1)
            warnings = []
            workers[handedOver % workers.count].start(job)
            handedOver += 1
            inFlight.append(job)
            if workers.count == 1 && replicaLoad == nil && !finished { replicaLoad = OnAThread(replica) }
            if inFlight.count == 2 || workers.count == 1 && replicaLoad == nil { try finishOldest() }
        }
        while !inFlight.isEmpty { try finishOldest() }
        if !formatFailed { for w in warnings { warn(w) } }
        try write(formatter.finish())
        if let failure { throw failure }
    }
}

/// What every batch of a run is tagged with.
private struct TaggingWork: Sendable {
    let scheme: TagScheme?
    let scores: Bool
    let maxPieceTokens: Int
    let rules: EntityRules?

    func tag(_ batch: [TagInputSentence], documents: [Int32], with tagger: Tagger) -> [TaggedSentence] {
        tagger.tagWithBoundedMemory(batch.map(\.modelTokens), documents: documents, scheme: scheme, scores: scores,
                                    maxPieceTokens: maxPieceTokens, rules: rules, ruleMatches: batch.map(\.ruleMatches))
    }
}

/// A batch handed to a `TaggingWorker`, and its results once `done` is signalled. Unchecked:
/// the worker writes `results` before signalling, and the run reads them only after waiting.
private final class TaggingJob: @unchecked Sendable {
    let batch: [TagInputSentence]
    let documents: [Int32]
    let warnings: [NERError]
    /// Tagged while another tagger tags too: on one thread.
    let shared: Bool
    var results: [TaggedSentence] = []
    let done = DispatchSemaphore(value: 0)

    init(batch: [TagInputSentence], documents: [Int32], warnings: [NERError], shared: Bool) {
        self.batch = batch
        self.documents = documents
        self.warnings = warnings
        self.shared = shared
    }
}

/// One tagger on a serial queue of its own. Unchecked: the tagger is used only on that queue,
/// one job at a time, once handed over.
private final class TaggingWorker: @unchecked Sendable {
    private let tagger: Tagger
    private let work: TaggingWork
    /// Whether the tagger runs its LSTM directions on two threads when it tags alone.
    private let parallelAlone: Bool
    private let queue = DispatchQueue(label: "ner-tag-worker")

    init(_ tagger: Tagger, _ work: TaggingWork) {
        self.tagger = tagger
        self.work = work
        parallelAlone = tagger.model.parallel
    }

    func start(_ job: TaggingJob) {
        queue.async { [self] in
            tagger.model.parallel = job.shared ? false : parallelAlone
            job.results = work.tag(job.batch, documents: job.documents, with: tagger)
            job.done.signal()
        }
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
