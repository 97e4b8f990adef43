import Foundation
import XCTest
@testable import NERCommandSupport
@testable import NERKit

/// `TagStream`: batching must not change results or their order, with one tagger or with two
/// tagging batches at once (`replica`); errors stop the stream after what was already read has
/// been written; a warning comes before the output of the sentences read after it.
final class TagOutputStreamTests: XCTestCase {
    private func tagger() -> Tagger {
        TestData.tinyTagger()
    }

    /// A `TagInput` over fixed sentences, optionally failing at the end.
    final class ListInput: TagInput {
        var sentences: [[String]]
        let failure: NERError?
        init(_ sentences: [[String]], failure: NERError? = nil) {
            self.sentences = sentences
            self.failure = failure
        }
        func next() throws -> TagInputSentence? {
            if sentences.isEmpty {
                if let failure { throw failure }
                return nil
            }
            return .joining(sentences.removeFirst())
        }
    }

    private func sentences(_ count: Int) -> [[String]] {
        let words = ["Teddy", "Roosevelt", "was", "here", "Paris", "is", "big", "ACME", "Corp", "sells", "bears", "Hi"]
        return (0..<count).map { i in (0...(i % 7)).map { words[(i * 5 + $0 * 3) % words.count] } + ["s\(i)"] }
    }

    private func run(_ inputs: [() throws -> TagInput], stream: TagStream, format: TagOutputFormat = .conll,
                     tagger: Tagger, replica: (@Sendable () throws -> Tagger)? = nil) -> (output: String, writes: Int, error: Error?) {
        var formatter = TagOutputFormatter(format: format)
        var output = "", writes = 0
        do {
            try stream.run(inputs: inputs, tagger: tagger, replica: replica, scheme: nil, formatter: &formatter,
                           write: { output += $0; writes += 1 }, warn: { _ in })
            return (output, writes, nil)
        } catch {
            return (output, writes, error)
        }
    }

    func testBatchingKeepsOrderAndResults() {
        let tagger = self.tagger()
        let input = sentences(50)
        var expected = ""
        var formatter = TagOutputFormatter(format: .conll)
        for s in input {
            let one = TagInputSentence.joining(s)
            expected += try! formatter.format(one, tagger.tag([one.modelTokens])[0])
        }
        for replica in [nil, { TestData.tinyTagger() }] as [(@Sendable () throws -> Tagger)?] {
            for (maxSentences, maxTokens) in [(1, 4000), (3, 4000), (64, 10), (64, 4000)] {
                var stream = TagStream()
                stream.maxSentences = maxSentences
                stream.maxTokens = maxTokens
                stream.readAheadTokens = 7
                let first = Array(input[..<20]), second = Array(input[20...])
                let result = run([{ ListInput(first) }, { ListInput([]) }, { ListInput(second) }], stream: stream, tagger: tagger, replica: replica)
                XCTAssertNil(result.error)
                XCTAssertEqual(result.output, expected, "maxSentences \(maxSentences), maxTokens \(maxTokens), replica \(replica != nil)")
                if maxSentences == 1 { XCTAssertGreaterThanOrEqual(result.writes, 50, "one write per sentence") }
            }
        }
    }

    /// An input that warns with every fifth sentence, naming it (the warning is given before it).
    final class WarningInput: TagInput {
        var sentences: [[String]]
        private var given = 0, warning: NERError?
        init(_ sentences: [[String]]) { self.sentences = sentences }
        func next() throws -> TagInputSentence? {
            guard !sentences.isEmpty else { return nil }
            given += 1
            if given % 5 == 0 { warning = NERError("before s\(given - 1)") }
            return .joining(sentences.removeFirst())
        }
        func takeWarning() -> NERError? { defer { warning = nil }; return warning }
    }

    func testAWarningComesBeforeTheOutputOfTheSentencesReadAfterIt() {
        let input = sentences(40)
        for replica in [nil, { TestData.tinyTagger() }] as [(@Sendable () throws -> Tagger)?] {
            for maxSentences in [1, 4, 64] {
                var stream = TagStream()
                stream.maxSentences = maxSentences
                stream.readAheadTokens = 7
                var formatter = TagOutputFormatter(format: .conll)
                var output = "", warnings: [(message: String, outputBefore: String)] = []
                XCTAssertNoThrow(try stream.run(inputs: [{ WarningInput(input) }], tagger: tagger(), replica: replica, scheme: nil,
                                                formatter: &formatter, write: { output += $0 },
                                                warn: { warnings.append(($0.message, output)) }))
                XCTAssertEqual(warnings.map(\.message), (1...8).map { "before s\($0 * 5 - 1)" })
                for w in warnings {
                    // The sentence it comes with is written after it.
                    let k = Int(w.message.dropFirst("before s".count))!
                    XCTAssertFalse(w.outputBefore.contains("s\(k)\t"), "\(w.message), maxSentences \(maxSentences), replica \(replica != nil)")
                }
                XCTAssertTrue(output.contains("s39\t"), output)
            }
        }
    }

    func testAnInputErrorStopsAfterEarlierSentencesAreWritten() {
        let failure = NERError(path: "in.txt", line: 9, "broken")
        for replica in [nil, { TestData.tinyTagger() }] as [(@Sendable () throws -> Tagger)?] {
            var stream = TagStream()
            stream.maxSentences = 1
            let result = run([{ ListInput([["a"], ["b"]], failure: failure) }, { ListInput([["never"]]) }],
                             stream: stream, format: .html, tagger: tagger(), replica: replica)
            XCTAssertEqual(result.error as? NERError, failure)
            XCTAssertTrue(result.output.contains("never") == false)
            XCTAssertTrue(result.output.hasSuffix("</html>\n"), "the page is closed even after an error")
        }
    }

    func testAnInputThatCannotBeOpenedIsReported() {
        let failure = NERError(path: "gone.txt", "no such file")
        let result = run([{ ListInput([["a"]]) }, { throw failure }], stream: TagStream(), tagger: tagger())
        XCTAssertEqual(result.error as? NERError, failure)
        XCTAssertTrue(result.output.hasPrefix("a\t"))
    }

    func testNoInputNoOutput() {
        for format in TagOutputFormat.allCases {
            let result = run([{ ListInput([]) }], stream: TagStream(), format: format, tagger: tagger())
            XCTAssertNil(result.error)
            XCTAssertEqual(result.output, "", "\(format)")
        }
    }

    func testLongSentencesAreTaggedInPiecesAndJoined() {
        let tagger = self.tagger()
        let words = ["Teddy", "Roosevelt", "was", "here", "Paris", "is", "big", "ACME", "Corp", "sells"]
        let long = (0..<23).map { words[($0 * 7) % words.count] }
        let short = ["Paris", "is", "big"]
        for scheme in TagScheme.allCases {
            let joined = tagger.tagWithBoundedMemory([short, long], scheme: scheme, maxPieceTokens: 5, maxPaddedTokens: 8)
            // (Scores can differ in the last float digits between batch shapes.)
            func same(_ a: [TaggedEntity], _ b: [TaggedEntity]) {
                XCTAssertEqual(a.map { [$0.tokenStart, $0.tokenEnd] }, b.map { [$0.tokenStart, $0.tokenEnd] })
                XCTAssertEqual(a.map(\.label), b.map(\.label))
                for (x, y) in zip(a, b) { XCTAssertEqual(x.score, y.score, accuracy: 1e-4) }
            }
            let alone = tagger.tag([short], scheme: scheme)[0]
            XCTAssertEqual(joined[0].tags, alone.tags, "short sentences are untouched")
            same(joined[0].entities, alone.entities)
            var expectedEntities: [TaggedEntity] = []
            var expectedBIOES: [String] = []
            for start in stride(from: 0, to: long.count, by: 5) {
                let piece = tagger.tag([Array(long[start..<min(start + 5, long.count)])], scheme: .bioes)[0]
                expectedBIOES += piece.tags
                expectedEntities += piece.entities.map {
                    TaggedEntity(label: $0.label, tokenStart: $0.tokenStart + start, tokenEnd: $0.tokenEnd + start, score: $0.score)
                }
            }
            XCTAssertEqual(joined[1].tags, TagScheme.bioes.convert(expectedBIOES, to: scheme), "\(scheme)")
            same(joined[1].entities, expectedEntities)
            // The tags spell out exactly the listed entities, whatever the scheme.
            XCTAssertEqual(EntitySpan.spans(in: joined[1].tags).map { [$0.start, $0.end] },
                           expectedEntities.map { [$0.tokenStart, $0.tokenEnd] })
        }
    }

    func testGroupingByLengthGivesTheSameTagsAsPlainTagging() {
        let tagger = self.tagger()
        let input = sentences(40) + [Array(repeating: "Paris", count: 30)] + sentences(9)
        for scheme in TagScheme.allCases {
            let plain = tagger.tag(input, scheme: scheme)
            let grouped = tagger.tagWithBoundedMemory(input, scheme: scheme, maxPaddedTokens: 40, maxBatch: 5)
            XCTAssertEqual(grouped.map(\.tags), plain.map(\.tags), "\(scheme)")
            XCTAssertEqual(grouped.map { $0.entities.map { [$0.tokenStart, $0.tokenEnd] } },
                           plain.map { $0.entities.map { [$0.tokenStart, $0.tokenEnd] } })
        }
        let withEmpty = tagger.tagWithBoundedMemory([[], ["x"], []])
        XCTAssertEqual(withEmpty.map(\.tags.count), [0, 1, 0], "empty sentences give empty results")
    }

    func testReadAheadQueueBoundsTheWeightItHolds() {
        let queue = BoundedQueue<Int>(capacity: 10)
        XCTAssertTrue(queue.put(1, weight: 25), "an item heavier than the capacity fits an empty queue")
        let log = OutputLog()
        let producerDone = expectation(description: "producer finished")
        Thread {
            log.add("put 2: \(queue.put(2, weight: 4))")  // waits: 25 + 4 > 10
            log.add("put 3: \(queue.put(3, weight: 4))")
            log.add("put 4: \(queue.put(4, weight: 9))")  // waits: 4 + 4 + 9 > 10, until closed
            producerDone.fulfill()
        }.start()
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertEqual(log.entries, [], "the producer waits while the queue is over capacity")
        XCTAssertEqual(queue.take(), 1)
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertEqual(log.entries, ["put 2: true", "put 3: true"])
        XCTAssertEqual(queue.poll(), 2)
        queue.close()
        wait(for: [producerDone], timeout: 5)
        XCTAssertEqual(log.entries, ["put 2: true", "put 3: true", "put 4: false"], "close releases a waiting producer")
        XCTAssertEqual(queue.poll(), 3, "items already queued can still be taken, in order")
        XCTAssertNil(queue.poll())
        XCTAssertFalse(queue.put(5), "nothing is accepted after close")
    }
}

/// Strings appended from several threads.
final class OutputLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ s: String) { lock.lock(); list.append(s); lock.unlock() }
    var entries: [String] { lock.lock(); defer { lock.unlock() }; return list }
}
