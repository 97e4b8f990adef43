import Foundation

/// Orders documents by how unsure a model is of them, so that a user annotates the most useful
/// ones next (uncertainty sampling, Lewis and Gale 1994; for sequence taggers the least
/// confident token or entity, Settles and Craven 2008). A document's confidence is the lowest
/// of its entities' scores and its tokens' probabilities of their tags (CRF marginals); the least
/// confident documents come first.
public struct UncertainDocument: Sendable, Equatable {
    /// The document's position in the input (0-based).
    public var index: Int
    /// The lowest entity score or token probability in the document (1 for an empty one).
    public var confidence: Double
    /// What it is: the entity (`[tokens]LABEL`) or the token with its tag.
    public var weakest: String

    /// A ranked document: its position, its confidence and its least confident item.
    public init(index: Int, confidence: Double, weakest: String) {
        self.index = index
        self.confidence = confidence
        self.weakest = weakest
    }
}

extension Tagger {
    /// Tags `documents` (each a list of tokenised sentences) and returns them least confident
    /// first (ties in input order).
    public func rankByUncertainty(_ documents: [[[String]]]) -> [UncertainDocument] {
        rankByUncertaintyWithResults(documents).ranking
    }

    /// `rankByUncertainty`, with the model's results for every document's sentences (indexed as
    /// the input), so that a caller writing the documents out need not tag them again.
    package func rankByUncertaintyWithResults(_ documents: [[[String]]]) -> (ranking: [UncertainDocument], tagged: [[TaggedSentence]]) {
        let sentences = documents.flatMap { $0 }
        var ids: [Int32] = []
        for (d, doc) in documents.enumerated() { ids += [Int32](repeating: Int32(d), count: doc.count) }
        let tagged = tag(sentences, documents: ids, scores: true, tokenScores: true)
        var result: [UncertainDocument] = documents.indices.map { UncertainDocument(index: $0, confidence: 1, weakest: "") }
        for (i, (tokens, t)) in zip(sentences, tagged).enumerated() {
            let d = Int(ids[i])
            for e in t.entities where e.score < result[d].confidence {
                result[d].confidence = e.score
                result[d].weakest = "[" + tokens[e.tokenStart..<e.tokenEnd].joined(separator: " ") + "]" + e.label
            }
            for (k, p) in t.tokenScores.enumerated() where p < result[d].confidence {
                result[d].confidence = p
                result[d].weakest = tokens[k] + "/" + t.tags[k]
            }
        }
        var perDocument: [[TaggedSentence]] = Array(repeating: [], count: documents.count)
        for (i, t) in tagged.enumerated() { perDocument[Int(ids[i])].append(t) }
        return (result.sorted { $0.confidence != $1.confidence ? $0.confidence < $1.confidence : $0.index < $1.index }, perDocument)
    }
}

extension Tagger {
    /// The sentences of `text` as the model reads them (paragraphs, sentences and tokens as
    /// ``tag(text:)`` finds them).
    public func tokenize(_ text: String) -> [[String]] {
        TextSentences.of(text).map(\.modelTokens)
    }
}
