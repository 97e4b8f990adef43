import Foundation

/// What a parent model contributes to the training data of a model trained from it: its
/// predictions of the types a file does not annotate (keeping those types), and which tags a
/// token left O by such a file may really carry (partial annotation).
enum ParentAnnotation {
    /// The parent's predicted tags (BIOES) for each sentence, documents read whole when the
    /// parent reads documents.
    static func predict(_ parent: TaggerModel, _ sentences: [CoNLLSentence]) -> [[String]] {
        var surfaces = SurfaceTable()
        var encoded = sentences.map { parent.encoder.encode($0.tokens, surfaces: &surfaces)! }
        if parent.readsDocuments {
            let ids = Documents.ids(sentences)
            for i in encoded.indices { encoded[i].document = ids[i] }
        }
        let tags = parent.encoder.tags
        return parent.predictAll(encoded, surfaces: surfaces).map { $0.map { tags[$0] } }
    }

    /// `gold` (BIOES) with the entities of `predicted` (BIOES) whose type is in `types` added
    /// wherever every gold tag of the entity's tokens is O; and how many were added.
    static func merge(gold: [String], predicted: [String], types: Set<String>) -> (tags: [String], added: Int) {
        precondition(gold.count == predicted.count, "merge: sentence lengths differ")
        var out = gold, added = 0
        for span in EntitySpan.spans(in: predicted) where types.contains(span.type) {
            guard gold[span.start..<span.end].allSatisfy({ $0 == "O" }) else { continue }
            let written = TagScheme.bioes.tags(for: [EntitySpan(type: span.type, start: 0, end: span.end - span.start)], count: span.end - span.start)
            for (k, t) in written.enumerated() { out[span.start + k] = t }
            added += 1
        }
        return (out, added)
    }

    /// The tags a token that a file leaves O may carry when the file annotates only
    /// `annotated` of the model's types: O and the B/I/E/S tags of every other type (nil when
    /// the file annotates every type, so its O tokens are O).
    static func openTags(_ tags: Vocabulary, annotated: Set<String>) -> [Bool]? {
        var open = [Bool](repeating: false, count: tags.count), any = false
        for (k, t) in tags.items.enumerated() {
            guard let p = ParsedTag(t) else { continue }
            if p.isOutside { open[k] = true } else if !annotated.contains(p.type) { open[k] = true; any = true }
        }
        return any ? open : nil
    }
}
