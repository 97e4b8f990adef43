extension Tagger {
    /// Like `tag`, but with memory bounded whatever the sentence lengths: sentences longer than
    /// `maxPieceTokens` are tagged in consecutive pieces whose results are joined (an entity
    /// crossing a piece boundary comes out as two entities), and sentences are grouped by length
    /// so that no model batch holds more than `maxPaddedTokens` positions including padding
    /// (one long sentence among short ones would otherwise pad 31 others to its length).
    /// Pieces are joined in BIOES, where a boundary cannot merge two entities, then converted.
    ///
    /// With `documents` (each sentence's document number, as for `tag`) and a model with
    /// document context, batches hold whole documents instead, a document being cut only where
    /// it alone would pad more than `maxDocumentPositions` positions.
    ///
    /// With `rules`, every sentence's entities then go through them (`EntityRules.apply`); in
    /// their `.only` mode the model is not run at all. `ruleMatches`, when given, holds per
    /// sentence the rules' matches found already (nil where they are still to be found).
    package func tagWithBoundedMemory(_ sentences: [[String]], documents: [Int32]? = nil, scheme: TagScheme? = nil, scores: Bool = true,
                                     maxPieceTokens: Int = 1000, maxPaddedTokens: Int = 4096, maxDocumentPositions: Int = 16384,
                                     maxBatch: Int = Tagger.defaultBatchSentences, rules: EntityRules? = nil,
                                     ruleMatches: [[PatternMatch]?]? = nil) -> [TaggedSentence] {
        if let rules {
            let target = scheme ?? self.scheme
            let model = rules.needsModel
                ? tagWithBoundedMemory(sentences, documents: documents, scheme: target, scores: scores, maxPieceTokens: maxPieceTokens,
                                       maxPaddedTokens: maxPaddedTokens, maxDocumentPositions: maxDocumentPositions, maxBatch: maxBatch)
                : sentences.map { TaggedSentence(tags: [String](repeating: "O", count: $0.count), entities: []) }
            let known = ruleMatches?.count == sentences.count ? ruleMatches : nil
            return zip(sentences, model).enumerated().map { k, pair in
                rules.apply(pair.1, tokens: pair.0, matches: known?[k] ?? rules.patterns.matches(in: pair.0), scheme: target)
            }
        }
        let limit = max(1, maxPieceTokens)
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

        var tagged = [TaggedSentence](repeating: TaggedSentence(tags: [], entities: []), count: pieces.count)
        if model.readsDocuments, let documents, documents.count == sentences.count {
            // Consecutive pieces, whole documents, until the batch is full.
            var start = 0, longest = 0
            let pieceDocuments = owner.map { documents[$0.sentence] }
            func flush(_ end: Int) {
                guard end > start else { return }
                let range = start..<end
                let results = tag(Array(pieces[range]), documents: Array(pieceDocuments[range]), scheme: .bioes, scores: scores, batchSize: end - start)
                for (k, result) in zip(range, results) { tagged[k] = result }
                start = end
                longest = 0
            }
            for k in pieces.indices {
                let startsDocument = k == 0 || pieceDocuments[k] != pieceDocuments[k - 1] || pieceDocuments[k] < 0
                let fullByPositions = max(longest, pieces[k].count, 1) * (k - start + 1) > maxDocumentPositions
                if k > start && (fullByPositions || (startsDocument && k - start >= maxBatch)) { flush(k) }
                longest = max(longest, pieces[k].count)
            }
            flush(pieces.count)
        }
        // Longest first; each group is padded to its first (longest) piece.
        let order = model.readsDocuments && documents != nil ? [] : pieces.indices.sorted { pieces[$0].count > pieces[$1].count }
        var g = 0
        while g < order.count {
            let width = max(1, pieces[order[g]].count)
            let size = max(1, min(max(1, maxBatch), maxPaddedTokens / width, order.count - g))
            let group = Array(order[g..<(g + size)])
            let results = tag(group.map { pieces[$0] }, scheme: .bioes, scores: scores, batchSize: size)
            for (k, result) in zip(group, results) { tagged[k] = result }
            g += size
        }

        let target = scheme ?? self.scheme
        var joined = [TaggedSentence](repeating: TaggedSentence(tags: [], entities: []), count: sentences.count)
        for (piece, result) in zip(owner, tagged) {
            joined[piece.sentence].tags += result.tags
            for var e in result.entities {
                e.tokenStart += piece.offset
                e.tokenEnd += piece.offset
                joined[piece.sentence].entities.append(e)
            }
        }
        if target != .bioes {
            for i in joined.indices { joined[i].tags = TagScheme.bioes.convert(joined[i].tags, to: target) }
        }
        return joined
    }
}
