extension Tagger {
    /// The document with its entities replaced by the model's, each with its score: what
    /// `ner tag --format spans|doccano|label-studio|conllu|brat` writes. The document's sentences
    /// are tagged together as one document (for models with document context). With `rules`,
    /// each sentence's entities then go through them (`EntityRules.apply`: a match has score 1);
    /// in their `.only` mode the model is not run.
    package func predict(_ document: AlignedDocument, rules: EntityRules? = nil) -> AlignedDocument {
        let sentences = document.sentences.map { range in range.map { document.tokens[$0].text } }
        guard !sentences.isEmpty else {
            var out = document
            out.entities = []
            return out
        }
        var tagged = rules?.needsModel == false
            ? sentences.map { TaggedSentence(tags: [String](repeating: "O", count: $0.count), entities: []) }
            : tag(sentences, documents: [Int32](repeating: 0, count: sentences.count), scheme: .iob2, scores: true)
        if let rules {
            // The document's tokens are NFC already, as the rules read them.
            tagged = zip(sentences, tagged).map { tokens, result in rules.apply(result, tokens: tokens, scheme: .iob2) }
        }
        return Self.document(document, entitiesFrom: tagged)
    }

    /// The document with its entities replaced by `tagged`'s (the model's results for its
    /// sentences, in order, as `predict` makes them).
    package static func document(_ document: AlignedDocument, entitiesFrom tagged: [TaggedSentence]) -> AlignedDocument {
        var out = document
        out.entities = []
        for (range, result) in zip(document.sentences, tagged) {
            for e in result.entities where e.tokenStart < e.tokenEnd && e.tokenEnd <= range.count {
                let first = range.lowerBound + e.tokenStart, last = range.lowerBound + e.tokenEnd - 1
                out.entities.append(AlignedEntity(start: document.tokens[first].start, end: document.tokens[last].end, label: e.label,
                                                  tokenStart: first, tokenEnd: last + 1, score: e.score))
            }
        }
        return out
    }
}
