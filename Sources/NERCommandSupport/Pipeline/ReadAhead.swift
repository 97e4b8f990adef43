import Foundation
import NERKit

/// The reading half of `ner tag`'s loops (`TagStream`, `TagRecordStream`): a reader thread runs
/// `produce`, which reads and tokenises input ahead of the tagger into a queue bounded by weight
/// (tokens), while the calling thread takes batches of whatever is ready. The first element of a
/// batch is waited for; the rest are only those already read, so piped input is tagged in full
/// batches while interactive input is answered at once.
package final class ReadAhead<Element: Sendable> {
    private enum Item {
        case element(Element)
        case failure(Error)
        case end
    }

    /// A batch: its elements, and whether reading stopped after them (at the end of the input, or
    /// at `failure`, the error the reader stopped with).
    package struct Batch {
        package var elements: [Element] = []
        package var failure: Error?
        package var ended = false
    }

    private let queue: BoundedQueue<Item>

    /// `produce`, handed to the reader thread. Unchecked: the reader thread is the only one that
    /// ever calls it or touches what it captures (the caller hands those over and only takes
    /// elements from the queue).
    private struct ReaderWork: @unchecked Sendable {
        let produce: (_ put: (Element, Int) -> Bool) throws -> Void
    }

    /// Starts the reader thread. `produce` gets a `put(element, weight)` that waits while the
    /// queue is full and returns false once the consumer has gone (then `produce` should return).
    package init(capacity: Int, produce: @escaping (_ put: (Element, Int) -> Bool) throws -> Void) {
        let queue = BoundedQueue<Item>(capacity: capacity)
        self.queue = queue
        let produce = ReaderWork(produce: produce)
        let reader = Thread {
            do {
                var open = true
                try produce.produce { element, weight in
                    open = open && queue.put(.element(element), weight: weight)
                    return open
                }
                if open { queue.put(.end) }
            } catch {
                queue.put(.failure(error))
            }
        }
        // Tokenising a deeply nested or very long input recurses and allocates on this stack.
        reader.stackSize = 8 << 20
        reader.start()
    }

    /// Stops the reader (its next `put` returns false) when the consumer is done, early or not.
    deinit { queue.close() }

    /// The next batch: elements until `size` of them adds up to `maxCount` items or `maxTokens`
    /// tokens, the end of the input or a failure. Waits only for the first, and with `wait`
    /// false not even for it: nothing ready gives an empty batch that has not ended.
    package func nextBatch(maxCount: Int, maxTokens: Int, wait: Bool = true, size: (Element) -> (count: Int, tokens: Int)) -> Batch {
        var batch = Batch()
        var count = 0, tokens = 0
        var item: Item? = wait ? queue.take() : queue.poll()
        while let next = item {
            switch next {
            case .element(let element):
                batch.elements.append(element)
                let s = size(element)
                count += s.count
                tokens += s.tokens
            case .failure(let error):
                batch.failure = error
                batch.ended = true
            case .end:
                batch.ended = true
            }
            if batch.ended || count >= maxCount || tokens >= maxTokens { break }
            item = queue.poll()
        }
        return batch
    }
}
