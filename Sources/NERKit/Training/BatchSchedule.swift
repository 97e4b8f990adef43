/// The order in which an epoch visits the training data: sentences are grouped into batches of
/// similar length (little padding, one GEMM size per step), and the batches are shuffled. The
/// schedule is a pure function of the seed and the epoch, so a resumed run replays it exactly.
enum BatchSchedule {
    static func batches(lengths: [Int], batchSize: Int, seed: UInt64, epoch: Int) -> [[Int]] {
        var rng = SeededRandom(seed: seed &* 0x2545_F491_4F6C_DD1D &+ UInt64(epoch))
        // Shuffle first so that sentences of equal length land in different batches each epoch.
        var indices = Array(lengths.indices)
        indices.shuffle(using: &rng)
        let rank = Dictionary(uniqueKeysWithValues: indices.enumerated().map { ($1, $0) })
        indices.sort { lengths[$0] != lengths[$1] ? lengths[$0] < lengths[$1] : rank[$0]! < rank[$1]! }
        var batches: [[Int]] = []
        var i = 0
        while i < indices.count {
            batches.append(Array(indices[i..<min(i + batchSize, indices.count)]))
            i += batchSize
        }
        batches.shuffle(using: &rng)
        return batches
    }

    /// For document context: whole documents (consecutive sentences with the same id), shuffled,
    /// each batch one or more documents until it holds at least `batchSize` sentences; a
    /// document is never split, so every sentence sees all of its document.
    static func documentBatches(documents: [Int32], batchSize: Int, seed: UInt64, epoch: Int) -> [[Int]] {
        var rng = SeededRandom(seed: seed &* 0x2545_F491_4F6C_DD1D &+ UInt64(epoch))
        var runs = Documents.runs(documents)
        runs.shuffle(using: &rng)
        var batches: [[Int]] = []
        var current: [Int] = []
        for run in runs {
            current += run
            if current.count >= batchSize {
                batches.append(current)
                current = []
            }
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }
}
