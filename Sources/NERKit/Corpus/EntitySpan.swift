/// One entity mention: tokens `start..<end` of a sentence, of one type. Spans are what the tag
/// schemes encode, so converting between schemes is "read spans, write spans".
package struct EntitySpan: Sendable, Hashable {
    package var type: String
    package var start: Int
    /// One past the last token.
    package var end: Int

    package init(type: String, start: Int, end: Int) {
        self.type = type
        self.start = start
        self.end = end
    }

    package var range: Range<Int> { start..<end }

    /// Reads the spans of a tag sequence in any of IOB1, IOB2 or BIOES, the way conlleval does:
    /// `B-` and `S-` always start a span, `I-`/`E-` continue the open span of the same type and
    /// otherwise start a new one (so an `I-` after `O` in IOB2 starts a span), `E-`/`S-` close it.
    /// Strings that are not valid tags are read as `O` (readers reject them before this point).
    package static func spans(in tags: [String]) -> [EntitySpan] {
        spans(in: tags.map { ParsedTag($0) ?? .outside })
    }

    package static func spans(in tags: [ParsedTag]) -> [EntitySpan] {
        var result: [EntitySpan] = []
        var open: EntitySpan?
        func close(at end: Int) {
            if var span = open {
                span.end = end
                result.append(span)
                open = nil
            }
        }
        for (position, tag) in tags.enumerated() {
            switch tag.prefix {
            case .o:
                close(at: position)
            case .b, .s:
                close(at: position)
                open = EntitySpan(type: tag.type, start: position, end: position + 1)
            case .i, .e:
                if open?.type != tag.type {
                    close(at: position)
                    open = EntitySpan(type: tag.type, start: position, end: position + 1)
                }
            }
            if tag.prefix == .e || tag.prefix == .s { close(at: position + 1) }
        }
        close(at: tags.count)
        return result
    }
}

extension EntitySpan: CustomStringConvertible {
    /// Number of tokens covered.
    package var length: Int { end - start }

    /// Whether the two spans share at least one token.
    func overlaps(_ other: EntitySpan) -> Bool {
        start < other.end && other.start < end
    }

    package var description: String { "\(type)[\(start),\(end))" }
}
