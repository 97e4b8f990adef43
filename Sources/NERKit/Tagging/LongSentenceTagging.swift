extension Tagger {
    /// Like `tag`, but sentences longer than `maxPieceTokens` are tagged in consecutive pieces
    /// and the results joined, so one endless "sentence" (text without sentence breaks) cannot
    /// take unbounded memory. An entity crossing a piece boundary comes out as two entities.
    /// Tags are joined in BIOES, where a boundary cannot merge two entities, then converted.
    public func tagInPieces(_ sentences: [[String]], scheme: TagScheme? = nil, scores: Bool = true,
                            maxPieceTokens: Int = 1000) -> [TaggedSentence] {
        let limit = max(1, maxPieceTokens)
        guard sentences.contains(where: { $0.count > limit }) else {
            return tag(sentences, scheme: scheme, scores: scores)
        }
        var pieces: [[String]] = []
        var owner: [(sentence: Int, offset: Int)] = []
        for (i, tokens) in sentences.enumerated() {
            var start = 0
            repeat {
                let end = min(start + limit, tokens.count)
                pieces.append(Array(tokens[start..<end]))
                owner.append((i, start))
                start = end
            } while start < tokens.count
        }
        let tagged = tag(pieces, scheme: .bioes, scores: scores)
        var joined = [TaggedSentence](repeating: TaggedSentence(tags: [], entities: []), count: sentences.count)
        for (piece, result) in zip(owner, tagged) {
            joined[piece.sentence].tags += result.tags
            for var e in result.entities {
                e.tokenStart += piece.offset
                e.tokenEnd += piece.offset
                joined[piece.sentence].entities.append(e)
            }
        }
        let target = scheme ?? self.scheme
        if target != .bioes {
            for i in joined.indices { joined[i].tags = TagScheme.bioes.convert(joined[i].tags, to: target) }
        }
        return joined
    }
}
