/// Finds the entities in one sentence's tags with conlleval's rules, so that the spans we
/// report are the ones conlleval counts: an `I-` after `O` or after another type opens an
/// entity, a change of type closes one, `B-` after `B-` gives two entities. Sequences using
/// `E-`/`S-` (BIOES, IOE) are first rewritten as IOB2, as `ConllEvaluator` scores them.
package enum ChunkExtractor {
    package static func spans(_ tags: [String]) -> [EntitySpan] {
        var table = TagTable()
        let ids = tags.map { table.id(of: $0) }
        let parsed = ids.map { table.tags[Int($0)] }
        let names = table.typeNames
        return parsed.withUnsafeBufferPointer { buffer in
            var converted: [ConllTag] = []
            if BIOESToIOB2.needsConversion(buffer) {
                BIOESToIOB2.convert(buffer, into: &converted)
                return converted.withUnsafeBufferPointer { typedSpans($0) }
            }
            return typedSpans(buffer)
        }.map { EntitySpan(type: names[Int($0.type)], start: $0.start, end: $0.end) }
    }

    /// A span with its type as a `TagTable` type id.
    struct TypedSpan: Equatable {
        var type: Int32
        var start: Int
        var end: Int
    }

    /// Spans of an already parsed (and, if needed, converted) sentence. A span opens where
    /// conlleval's `startOfChunk` holds and closes at the first later position where
    /// `endOfChunk` (or a new start) holds, or at the end of the sentence.
    static func typedSpans(_ tags: UnsafeBufferPointer<ConllTag>) -> [TypedSpan] {
        var spans: [TypedSpan] = []
        var open: TypedSpan? = nil
        var previous = ConllTag.boundary
        for i in 0...tags.count {
            let current = i < tags.count ? tags[i] : ConllTag.boundary
            let starts = ConllTag.chunkStarts(previous, current)
            if var span = open, starts || ConllTag.chunkEnds(previous, current) || i == tags.count {
                span.end = i
                spans.append(span)
                open = nil
            }
            if starts && i < tags.count {
                open = TypedSpan(type: current.type, start: i, end: i + 1)
            }
            previous = current
        }
        return spans
    }
}
