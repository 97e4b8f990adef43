import Foundation
import Logging
import NERKit
import ServiceLifecycle
import XCTest

@testable import NERServer

/// The batching worker on its own, run as the service it is: requests that arrive together are
/// tagged in one batch with the tags each would get alone, and graceful shutdown answers every
/// request already handed over before the worker stops, then refuses new ones.
final class TagBatcherTests: XCTestCase {
    static let sentences: [[String]] = [
        ["Teddy", "Roosevelt", "visited", "Paris", "."],
        ["The", "bank", "in", "Zurich", "is", "closed", "."],
        ["Angela", "Merkel", "met", "Emmanuel", "Macron", "in", "Berlin", "."],
        ["No", "names", "here", "."],
    ]

    /// The answers of the requests, by index, as the batcher gives them (on its threads).
    final class Answers: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [Int: Result<[TaggedSentence], TagJobFailure>] = [:]
        private var expected = 0

        func expect() {
            lock.lock()
            expected += 1
            lock.unlock()
        }

        func record(_ index: Int, _ result: Result<[TaggedSentence], TagJobFailure>) {
            lock.lock()
            results[index] = result
            lock.unlock()
        }

        /// The answers once every expected request has one (or after `seconds`).
        func wait(seconds: Double = 30) async throws -> [Int: Result<[TaggedSentence], TagJobFailure>] {
            let end = Date(timeIntervalSinceNow: seconds)
            while Date() < end, !lock.withLock({ self.results.count >= self.expected }) {
                try await Task.sleep(for: .milliseconds(10))
            }
            let (answered, expected) = lock.withLock { (self.results, self.expected) }
            XCTAssertEqual(answered.count, expected, "every request is answered")
            return answered
        }
    }

    /// Starts `batcher` in a service group, waits for its model, runs `body`, and returns once
    /// the group has ended.
    func run(_ batcher: TagBatcher, _ body: @escaping @Sendable (ServiceGroup) async throws -> Void) async throws {
        let group = ServiceGroup(configuration: .init(services: [batcher], logger: TagServerTests.quiet))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for _ in 0..<400 where batcher.readiness != .ready { try await Task.sleep(for: .milliseconds(25)) }
            XCTAssertEqual(batcher.readiness, .ready, "the model loads")
            try await body(group)
            try await tasks.waitForAll()
        }
    }

    static func submitAll(_ batcher: TagBatcher, _ answers: Answers) {
        for _ in Self.sentences { batcher.announce() }
        for (i, sentence) in Self.sentences.enumerated() {
            answers.expect()
            _ = batcher.submit([sentence], deadline: DispatchTime.now().uptimeNanoseconds + 30_000_000_000) { answers.record(i, $0) }
        }
    }

    func testRequestsArrivingTogetherShareABatchAndGetTheirOwnTags() async throws {
        var configuration = TagServerTests.configuration()
        configuration.batchWaitSeconds = 5  // announced requests are waited for (they all come at once)
        let metrics = ServerMetrics()
        let batcher = TagBatcher(configuration: configuration, metrics: metrics, logger: TagServerTests.quiet)
        let answers = Answers()
        try await run(batcher) { group in
            Self.submitAll(batcher, answers)
            _ = try await answers.wait()
            await group.triggerGracefulShutdown()
        }
        let tagger = try Tagger(path: configuration.modelPath)
        let results = try await answers.wait()
        for (i, sentence) in Self.sentences.enumerated() {
            let alone = tagger.tag([sentence], scheme: .bioes, scores: true)
            guard case .success(let tags) = results[i] else { return XCTFail("request \(i): \(String(describing: results[i]))") }
            XCTAssertEqual(tags.map(\.tags), alone.map(\.tags), "request \(i) gets the tags it gets alone")
        }
        XCTAssertTrue(results.values.contains { (try? $0.get())?.first?.entities.isEmpty == false }, "the model finds names")
        let text = String(decoding: metrics.render(), as: UTF8.self)
        let batches = text.split(separator: "\n").first { $0.hasPrefix("ner_batch_sentences_count") }
        XCTAssertEqual(batches.map { String($0.split(separator: " ").last ?? "") }, "1", "one batch for the four requests:\n\(text)")
    }

    func testGracefulShutdownAnswersWhatWasHandedOverThenRefuses() async throws {
        let batcher = TagBatcher(configuration: TagServerTests.configuration(), metrics: ServerMetrics(), logger: TagServerTests.quiet)
        let answers = Answers()
        try await run(batcher) { group in
            Self.submitAll(batcher, answers)
            await group.triggerGracefulShutdown()
        }
        let results = try await answers.wait()
        XCTAssertEqual(results.count, Self.sentences.count)
        for (i, result) in results {
            guard case .success(let tags) = result else { return XCTFail("request \(i): \(result)") }
            XCTAssertEqual(tags.first?.tags.count, Self.sentences[i].count)
        }
        XCTAssertEqual(batcher.readiness, .stopping)
        let late = Answers()
        late.expect()
        batcher.announce()
        _ = batcher.submit([["Paris"]], deadline: DispatchTime.now().uptimeNanoseconds + 1_000_000_000) { late.record(0, $0) }
        guard case .failure(.shuttingDown) = try await late.wait()[0] else { return XCTFail("a request after shutdown is refused") }
    }
}
