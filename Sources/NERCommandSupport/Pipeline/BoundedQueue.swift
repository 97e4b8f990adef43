import Foundation
import NERKit

/// A first-in first-out queue between one producer thread and one consumer, holding items of at
/// most `capacity` total weight (e.g. tokens) so a fast reader cannot fill memory while the
/// tagger catches up. An item heavier than `capacity` is still accepted when the queue is empty.
/// Unchecked: all state is touched only under `condition`.
final class BoundedQueue<Element>: @unchecked Sendable {
    private var items: [(element: Element, weight: Int)?] = []
    private var head = 0
    private var weight = 0
    private let capacity: Int
    private let condition = NSCondition()
    private var closed = false

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Adds an item, waiting while it does not fit. Returns false (dropping the item) once the
    /// consumer has closed the queue.
    @discardableResult
    func put(_ item: Element, weight itemWeight: Int = 1) -> Bool {
        let w = max(1, itemWeight)
        condition.lock()
        defer { condition.unlock() }
        while !closed && items.count > head && weight + w > capacity { condition.wait() }
        if closed { return false }
        items.append((item, w))
        weight += w
        condition.broadcast()
        return true
    }

    /// The oldest item, waiting for one if the queue is empty.
    func take() -> Element {
        condition.lock()
        defer { condition.unlock() }
        while items.count == head { condition.wait() }
        return removeFirst()
    }

    /// The oldest item if there is one now, without waiting.
    func poll() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        return items.count == head ? nil : removeFirst()
    }

    /// Stops the producer: pending and future `put`s return false.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func removeFirst() -> Element {
        let (item, w) = items[head]!
        items[head] = nil
        weight -= w
        head += 1
        if head >= 1024 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return item
    }
}
