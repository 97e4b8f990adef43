import Foundation

/// A first-in first-out queue between one producer thread and one consumer, holding at most
/// `capacity` items so a fast reader cannot fill memory while the tagger catches up.
final class BoundedQueue<Element>: @unchecked Sendable {
    private var items: [Element?] = []
    private var head = 0
    private let capacity: Int
    private let condition = NSCondition()
    private var closed = false

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Adds an item, waiting while the queue is full. Returns false (dropping the item) once the
    /// consumer has closed the queue.
    @discardableResult
    func put(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !closed && items.count - head >= capacity { condition.wait() }
        if closed { return false }
        items.append(item)
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
        let item = items[head]!
        items[head] = nil
        head += 1
        if head >= 1024 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return item
    }
}
