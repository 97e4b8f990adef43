/// Which words of a pretrained-vectors file a model keeps: the `top` most frequent words of the
/// file (everyday words the training data lacks) and every word of the given data, compared by
/// word key (case-folded, digits as 0). One rule for reading the file (only those vectors are
/// kept in memory) and for building the vocabulary from what was read.
package struct PretrainedWordSelection: Sendable {
    package let top: Int
    private var keys: Set<String> = []

    package init(top: Int) {
        self.top = top
    }

    /// Adds the words of these sentences (any spelling: they are normalised here).
    package mutating func add<S: Sequence>(_ sentences: S) where S.Element == [String] {
        for sentence in sentences { for token in sentence { keys.insert(WordKey.normalize(token)) } }
    }

    /// Adds words that are already word keys (a vocabulary's items).
    package mutating func add(keys more: [String]) {
        keys.formUnion(more)
    }

    /// Whether the file's word at frequency rank `rank` (0 the most frequent) is kept.
    package func keeps(_ word: String, rank: Int) -> Bool {
        rank < top || keys.contains(WordKey.normalize(word))
    }
}
