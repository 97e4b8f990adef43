import Foundation
import Logging
import NERKit
import ServiceLifecycle

/// The one batching worker. It owns the `Tagger` (which is not thread-safe) on a thread of its
/// own and, each time it is free, tags everything waiting in one call: requests that arrive
/// while a batch is being tagged share the next forward pass, so throughput grows with load
/// while a request that arrives alone is tagged at once. The model's two LSTM directions run on
/// two threads when a batch is big enough (`Tagger`).
///
/// Handlers tokenise on their own threads and hand over only the model's spellings, so the
/// worker does nothing but tag. The queue is bounded (`maxQueue`, then 503) and every request
/// has a deadline (504, checked by a sweep a few times per timeout rather than by a timer per
/// request), so neither memory nor waiting grows without bound.
///
/// As a `Service` it loads the model when started (`readiness` turns `.ready`; a model that cannot
/// be loaded stops the server with the loader's error) and, on graceful shutdown, which comes
/// after the HTTP server has answered everything in flight, tags what is left and stops.
// Unchecked: every mutable property is guarded by `condition` (the worker thread runs the model).
final class TagBatcher: Service, @unchecked Sendable {
    private let configuration: ServeConfiguration
    private let metrics: ServerMetrics
    private let logger: Logger

    private enum State { case loading, ready, stopping, stopped }

    private let condition = NSCondition()
    // Everything below is guarded by `condition`.
    private var state = State.loading
    private var queue: [TagJob?] = []
    private var head = 0
    private var queued = 0
    /// The jobs of the batch being tagged (the deadline sweep answers them too).
    private var inProgress: [TagJob] = []
    /// Requests whose handler has started but not yet handed its sentences over: the worker may
    /// wait a little (`batchWaitSeconds`) for them when they are about to make its batch bigger.
    private var arriving = 0
    private var info: ModelInfo?
    /// The rules of the patterns files, as last loaded (replaced whole by `reloadPatterns`).
    private var rules: EntityRules?
    /// Set when graceful shutdown begins: `/ready` says 503 while requests in flight finish.
    private var draining = false

    init(configuration: ServeConfiguration, metrics: ServerMetrics, logger: Logger) {
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
    }

    /// What `/ready` reports.
    enum Readiness { case loading, ready, stopping }

    var readiness: Readiness {
        condition.lock()
        defer { condition.unlock() }
        switch state {
        case .loading: return draining ? .stopping : .loading
        case .ready: return draining ? .stopping : .ready
        case .stopping, .stopped: return .stopping
        }
    }

    /// Graceful shutdown has begun: report not ready, but keep tagging (requests in flight, and
    /// requests still arriving on open connections, are answered).
    func beginDraining() {
        condition.lock()
        draining = true
        condition.unlock()
    }

    /// What the loaded model is, once it is loaded.
    var modelInfo: ModelInfo? {
        condition.lock()
        defer { condition.unlock() }
        return info?.with(rules)
    }

    /// Reads the patterns files again (on SIGHUP) on the calling thread while the worker goes on
    /// tagging with the old rules, then swaps them in between two batches: no request waits
    /// for the load or is dropped. A file that cannot be read keeps the old rules (logged).
    func reloadPatterns() {
        guard !configuration.patternFiles.isEmpty else { return }
        let started = DispatchTime.now()
        do {
            let loaded = EntityRules(patterns: try PatternSet.load(configuration.patternFiles), mode: configuration.patternsMode)
            condition.lock()
            rules = loaded
            condition.unlock()
            logger.info("patterns reloaded", metadata: patternMetadata(loaded, since: started))
        } catch {
            logger.error("cannot reload the patterns; keeping the ones loaded before", metadata: ["error": "\(error)"])
        }
    }

    private func patternMetadata(_ rules: EntityRules, since started: DispatchTime) -> Logger.Metadata {
        let ms = Int((Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6).rounded())
        return ["patterns": .stringConvertible(rules.patterns.count), "files": .string(configuration.patternFiles.joined(separator: ",")),
                "mode": .string(rules.mode.rawValue), "load_ms": .stringConvertible(ms)]
    }

    // MARK: - Handlers' side

    /// A handler starts receiving a request that will be tagged (see `arriving`). Every call is
    /// matched by `tag(_:deadline:)` or `withdraw()`.
    func announce() {
        condition.lock()
        arriving += 1
        condition.unlock()
    }

    /// A request announced will not be tagged after all (bad input, nothing to tag).
    func withdraw() {
        condition.lock()
        arriving -= 1
        if arriving == 0 { condition.broadcast() }
        condition.unlock()
    }

    /// Tags the sentences of one announced request in the next batch; `deadline` is in
    /// `DispatchTime` uptime nanoseconds. Throws `TagJobFailure`.
    func tag(_ sentences: [[String]], deadline: UInt64) async throws -> [TaggedSentence] {
        let job = TagJob(sentences: sentences, deadline: deadline)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[TaggedSentence], Error>) in
                enqueue(job) { continuation.resume(with: $0.mapError { $0 as Error }) }
            }
        } onCancel: {
            cancel(job)
        }
    }

    /// Hands the sentences of one announced request to the worker without a task: `completion`
    /// is called exactly once, with the tags or a `TagJobFailure`, on the worker's thread, the
    /// deadline sweep's, or the caller's (refused at once). The job can be `cancel`led.
    func submit(_ sentences: [[String]], deadline: UInt64, completion: @escaping TagJob.Completion) -> TagJob {
        let job = TagJob(sentences: sentences, deadline: deadline)
        enqueue(job, completion: completion)
        return job
    }

    /// The client went away: answers `job` with `.cancelled` unless it has been answered.
    func cancel(_ job: TagJob) {
        fail(job, .cancelled)
    }

    private func enqueue(_ job: TagJob, completion: @escaping TagJob.Completion) {
        condition.lock()
        arriving -= 1
        let refusal: TagJobFailure? = switch state {
        case .loading: .notReady
        case .stopping, .stopped: .shuttingDown
        case .ready: queued >= configuration.maxQueue ? .queueFull : nil
        }
        if let refusal {
            if arriving == 0 { condition.broadcast() }
            condition.unlock()
            completion(.failure(refusal))
            return
        }
        job.completion = completion
        queue.append(job)
        queued += 1
        metrics.queueDepth.record(queued)
        condition.broadcast()
        condition.unlock()
    }

    /// Answers a job that has not been answered yet with `failure`, taking it out of the queue
    /// if it is still there (a job already being tagged is answered now; its tags are dropped).
    private func fail(_ job: TagJob, _ failure: TagJobFailure) {
        condition.lock()
        let completion = take(job)
        condition.unlock()
        completion?(.failure(failure))
    }

    /// The job's completion if it has not been answered, removing the job from the queue.
    /// Call with the lock held.
    private func take(_ job: TagJob) -> TagJob.Completion? {
        guard let completion = job.completion else { return nil }
        job.completion = nil
        if let index = queue[head...].firstIndex(where: { $0 === job }) {
            queue[index] = nil
            queued -= 1
            metrics.queueDepth.record(queued)
        }
        return completion
    }

    /// Answers every job whose deadline has passed with `.timedOut`, waiting or being tagged.
    private func expireOverdueJobs() {
        let now = DispatchTime.now().uptimeNanoseconds
        var overdue: [TagJob.Completion] = []
        condition.lock()
        for job in inProgress + queue[head...].compactMap({ $0 }) where job.deadline <= now {
            if let completion = take(job) { overdue.append(completion) }
        }
        condition.unlock()
        for completion in overdue { completion(.failure(.timedOut)) }
    }

    private var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return state == .stopped
    }

    /// Sweeps for overdue jobs until the worker has stopped, a few times per timeout.
    private func sweepDeadlines() async {
        let interval = UInt64(min(0.05, configuration.requestTimeoutSeconds / 4) * 1e9)
        while !isStopped {
            do {
                try await Task.sleep(nanoseconds: interval)
            } catch {
                return  // cancelled: the group is going down; the worker answers what it has
            }
            expireOverdueJobs()
        }
    }

    // MARK: - Service

    func run() async throws {
        // Cancelled (another service failed, say the server could not bind) or shut down: tag
        // what is queued, then stop.
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await self.sweepDeadlines() }
                try await withCheckedThrowingContinuation { (finished: CheckedContinuation<Void, Error>) in
                    let thread = Thread { [self] in
                        do {
                            let tagger = try load()
                            work(tagger)
                            finished.resume()
                        } catch {
                            finished.resume(throwing: error)
                        }
                    }
                    thread.name = "ner-tagger"
                    thread.stackSize = 8 << 20
                    thread.start()
                }
                try await group.waitForAll()
            }
        } onCancelOrGracefulShutdown: { [self] in
            condition.lock()
            if state != .stopped { state = .stopping }
            condition.broadcast()
            condition.unlock()
        }
    }

    private func load() throws -> Tagger {
        let started = DispatchTime.now()
        let tagger: Tagger
        var loadedRules: EntityRules?
        do {
            tagger = try Tagger(path: configuration.modelPath, precision: configuration.precision)
            if !configuration.patternFiles.isEmpty {
                let rulesStarted = DispatchTime.now()
                loadedRules = EntityRules(patterns: try PatternSet.load(configuration.patternFiles), mode: configuration.patternsMode)
                logger.info("patterns loaded", metadata: patternMetadata(loadedRules!, since: rulesStarted))
            }
        } catch {
            condition.lock()
            state = .stopped
            condition.unlock()
            logger.error("cannot load the model", metadata: ["model": "\(configuration.modelPath)", "error": "\(error)"])
            throw error
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        condition.lock()
        info = ModelInfo(tagger)
        rules = loadedRules
        // A shutdown that came during the load wins.
        if state == .loading { state = .ready }
        condition.unlock()
        logger.info("model loaded", metadata: [
            "model": .string(configuration.modelPath), "load_ms": .stringConvertible(Int((seconds * 1000).rounded())),
            "precision": .string(tagger.precision.rawValue),
            "labels": .string(tagger.entityTypes.joined(separator: ",")),
        ])
        return tagger
    }

    /// The worker loop: take a batch, tag it, answer it, until stopped with nothing left.
    private func work(_ tagger: Tagger) {
        while let batch = nextBatch() {
            let sentences = batch.flatMap(\.sentences)
            let tokens = batch.reduce(0) { $0 + $1.tokens }
            let started = DispatchTime.now()
            // BIOES: every handler converts to the scheme its client asked for.
            // Each request's text is a document for a model with document context.
            let documents = batch.enumerated().flatMap { k, job in [Int32](repeating: Int32(k), count: job.sentences.count) }
            condition.lock()
            let rules = self.rules  // the rules as they are now; a reload takes effect from the next batch
            condition.unlock()
            let results = tagger.tagWithBoundedMemory(sentences, documents: documents, scheme: .bioes, scores: true, maxBatch: 64,
                                                      rules: rules)
            metrics.batchDuration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds))
            metrics.batchSentences.record(sentences.count)
            metrics.batchTokens.record(tokens)
            metrics.tokensTagged.increment(by: sentences.reduce(0) { $0 + $1.count })

            var answers: [(TagJob.Completion, [TaggedSentence])] = []
            var offset = 0
            condition.lock()
            for job in batch {
                let range = offset..<(offset + job.sentences.count)
                offset = range.upperBound
                if let completion = job.completion {
                    job.completion = nil
                    answers.append((completion, Array(results[range])))
                }
            }
            inProgress = []
            condition.unlock()
            for (completion, tags) in answers { completion(.success(tags)) }
        }
        condition.lock()
        state = .stopped
        condition.unlock()
    }

    /// Waits for work and takes the jobs of the next batch: everything waiting, up to
    /// `batchTokens` (at least one job), and — when that leaves room and requests are being
    /// received right now — what arrives within `batchWaitSeconds`. Nil once stopping with
    /// nothing left.
    private func nextBatch() -> [TagJob]? {
        condition.lock()
        defer { condition.unlock() }
        while queued == 0 {
            if state == .stopping { return nil }
            condition.wait()
        }
        var batch: [TagJob] = []
        var tokens = 0
        let waitUntil = Date(timeIntervalSinceNow: configuration.batchWaitSeconds)
        var waited = false
        while true {
            while head < queue.count {
                guard let job = queue[head] else {
                    head += 1
                    continue
                }
                if !batch.isEmpty && tokens + job.tokens > configuration.batchTokens { break }
                batch.append(job)
                tokens += job.tokens
                queue[head] = nil
                head += 1
                queued -= 1
            }
            let full = queued > 0 || tokens >= configuration.batchTokens
            if full || waited || arriving == 0 || state != .ready || configuration.batchWaitSeconds <= 0 { break }
            // Woken by a new job or by the last arrival giving up; after the time is up, take
            // what came and go.
            if !condition.wait(until: waitUntil) { waited = true }
        }
        inProgress = batch
        if head >= 1024 && head * 2 >= queue.count {
            queue.removeFirst(head)
            head = 0
        }
        metrics.queueDepth.record(queued)
        return batch
    }
}
