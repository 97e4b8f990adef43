/// What a document is in a labelled corpus: the sentences from one `-DOCSTART-` line to the
/// next, cut into pieces of at most `maxSentences` so that a file without document marks (or
/// one endless document) is still read in bounded pieces. Document context
/// (`ModelConfig.documentContext`) looks across the sentences of one document.
package enum Documents {
    /// The longest CoNLL-2003 document has 197 sentences.
    package static let defaultMaxSentences = 256

    /// The document number of each sentence, counting from 0 in order.
    package static func ids(_ sentences: [CoNLLSentence], maxSentences: Int = defaultMaxSentences) -> [Int32] {
        ids(startingDocuments: sentences.map(\.startsDocument), maxSentences: maxSentences)
    }

    /// The document number of each sentence, given which sentences start a document.
    package static func ids(startingDocuments starts: [Bool], maxSentences: Int = defaultMaxSentences) -> [Int32] {
        var ids: [Int32] = []
        ids.reserveCapacity(starts.count)
        var current: Int32 = -1, inCurrent = 0
        for startsDocument in starts {
            if current < 0 || startsDocument || inCurrent >= maxSentences {
                current += 1
                inCurrent = 0
            }
            ids.append(current)
            inCurrent += 1
        }
        return ids
    }

    /// Batches of whole documents in input order: the sentences of consecutive documents that
    /// `isIncluded` keeps, until a batch holds at least `batchSize` of them.
    package static func batches(_ ids: [Int32], batchSize: Int, isIncluded: (Int) -> Bool = { _ in true }) -> [[Int]] {
        var batches: [[Int]] = []
        var batch: [Int] = []
        for run in runs(ids) {
            batch += run.filter(isIncluded)
            if batch.count >= batchSize {
                batches.append(batch)
                batch = []
            }
        }
        if !batch.isEmpty { batches.append(batch) }
        return batches
    }

    /// Consecutive runs of equal ids as index ranges; a negative id (a sentence alone) is a run
    /// by itself.
    static func runs(_ ids: [Int32]) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        guard !ids.isEmpty else { return runs }
        var start = 0
        for i in 1...ids.count where i == ids.count || ids[i] != ids[start] || ids[i] < 0 {
            if i > start { runs.append(start..<i) }
            start = i
        }
        return runs
    }
}
