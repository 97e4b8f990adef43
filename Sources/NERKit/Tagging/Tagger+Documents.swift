extension Tagger {
    /// The document with its entities replaced by the model's, each with its score: what
    /// `ner tag --format spans|doccano|label-studio|conllu|brat` writes. The document's sentences
    /// are tagged together as one document (for models with document context).
    package func predict(_ document: AlignedDocument) -> AlignedDocument {
        var out = document
        out.entities = []
        let sentences = document.sentences.map { range in range.map { document.tokens[$0].text } }
        guard !sentences.isEmpty else { return out }
        let tagged = tag(sentences, documents: [Int32](repeating: 0, count: sentences.count), scheme: .iob2, scores: true)
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
