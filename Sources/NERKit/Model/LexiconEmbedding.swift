/// The lexicon input of a token: for each lexicon category, a learned vector of the token's
/// state in that category (O, B, I, E, S; `LexiconMatcher`), the categories' vectors side by
/// side. Row c·5 + s of `table` is category c's vector of state s.
final class LexiconEmbedding {
    let table: Parameter
    let categories: Int
    /// Floats per category.
    let dimension: Int
    var outputSize: Int { categories * dimension }

    init(categories: Int, dimension: Int) {
        self.categories = categories
        self.dimension = dimension
        table = Parameter("lexicon.embedding", shape: [categories * LexiconMatcher.states, dimension], sparseRows: true)
    }

    func initialize(_ rng: inout SeededRandom) {
        table.initUniform((3 / Float(dimension)).squareRoot(), &rng)
    }

    /// Writes the input of packed lexicon id `id` to `dst` (`outputSize` floats), zeros for a
    /// negative id (padding).
    @inline(__always)
    func copyRow(_ id: Int32, into dst: UnsafeMutablePointer<Float>) {
        if id < 0 { dst.update(repeating: 0, count: outputSize); return }
        var v = Int(id)
        let d = dimension
        for c in 0..<categories {
            let row = c * LexiconMatcher.states + v % LexiconMatcher.states
            (dst + c * d).update(from: table.value + row * d, count: d)
            v /= LexiconMatcher.states
        }
    }

    /// Adds `src` (`outputSize` floats, the gradient of one token's input) to the rows that
    /// packed id `id` read.
    @inline(__always)
    func scatter(_ id: Int32, from src: UnsafePointer<Float>) {
        if id < 0 || table.frozen { return }
        var v = Int(id)
        let d = dimension
        for c in 0..<categories {
            let row = c * LexiconMatcher.states + v % LexiconMatcher.states
            table.touch(Int32(row))
            let g = table.grad + row * d, s = src + c * d
            for j in 0..<d { g[j] += s[j] }
            v /= LexiconMatcher.states
        }
    }
}
