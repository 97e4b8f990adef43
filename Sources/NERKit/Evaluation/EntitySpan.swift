/// One entity (a "phrase" in conlleval's words) inside a sentence: its type and the token
/// positions it covers, `start` included and `end` excluded, counted from 0.
public struct EntitySpan: Hashable, Sendable, CustomStringConvertible {
    public var type: String
    public var start: Int
    public var end: Int

    public init(type: String, start: Int, end: Int) {
        self.type = type
        self.start = start
        self.end = end
    }

    /// Number of tokens covered.
    public var length: Int { end - start }

    /// Whether the two spans share at least one token.
    public func overlaps(_ other: EntitySpan) -> Bool {
        start < other.end && other.start < end
    }

    public var description: String { "\(type)[\(start),\(end))" }
}
