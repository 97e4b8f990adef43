/// Turns the characters of each distinct word of a batch into one vector, so that the tagger
/// sees prefixes, suffixes and shapes of words it has no embedding for.
protocol CharEncoder: AnyObject {
    var outputSize: Int { get }
    var parameters: [Parameter] { get }
    func initialize(_ rng: inout SeededRandom)
    /// Encodes each word (a list of character ids) into a row of the returned [words × outputSize] buffer.
    func forward(_ words: [[Int32]]) -> UnsafeMutablePointer<Float>
    /// Back-propagates the gradient of the last forward's output into the parameters.
    func backward(_ dOutput: UnsafePointer<Float>)
}

/// A character CNN with max pooling over positions (Ma and Hovy 2016): each window of `width`
/// characters (zero-padded at the word's edges) is projected to `filters` features, and each
/// feature keeps its maximum over the word. All windows of a batch go through one GEMM.
final class CharCNN: CharEncoder {
    let embedding: Embedding
    let weight: Parameter   // [filters × width·charDim]
    let bias: Parameter     // [filters]
    let width: Int
    var outputSize: Int { weight.shape[0] }

    private let windows = FloatBuffer()   // im2col: [positions × width·charDim]
    private let conv = FloatBuffer()      // [positions × filters]
    private let packedWeight = PackedMatrix()  // the filters packed for RowsProduct
    private let dConv = FloatBuffer()
    private let dWindows = FloatBuffer()
    let output = FloatBuffer()
    private var argmax: [Int32] = []      // [words × filters] position row of the maximum
    private var windowChars: [Int32] = [] // [positions × width] char id per window slot, -1 = padding
    private var wordCount = 0

    init(charCount: Int, charDim: Int, filters: Int, width: Int = 3) {
        self.width = width
        embedding = Embedding(name: "char.embedding", count: charCount, dimension: charDim)
        weight = Parameter("char.cnn.weight", shape: [filters, width * charDim])
        bias = Parameter("char.cnn.bias", shape: [filters])
    }

    var parameters: [Parameter] { [embedding.table, weight, bias] }

    func initialize(_ rng: inout SeededRandom) {
        embedding.initialize(&rng)
        weight.initUniform((6 / Float(weight.shape[1] + weight.shape[0])).squareRoot(), &rng)
        bias.fill(0)
    }

    func forward(_ words: [[Int32]]) -> UnsafeMutablePointer<Float> {
        let d = embedding.dimension, K = width * d, F = outputSize, half = width / 2
        let positions = words.reduce(0) { $0 + max($1.count, 1) }
        wordCount = words.count
        windowChars.removeAll(keepingCapacity: true)
        windowChars.reserveCapacity(positions * width)
        for w in words {
            let n = max(w.count, 1)
            for p in 0..<n {
                for k in 0..<width {
                    let q = p + k - half
                    windowChars.append(q >= 0 && q < w.count ? w[q] : -1)
                }
            }
        }
        let im = windows.reserve(positions * K)
        windowChars.withUnsafeBufferPointer { ids in
            // A window row is `width` embedding rows side by side.
            embedding.gather(ids.baseAddress!, count: positions * width, into: im, stride: d)
        }
        let y = conv.reserve(positions * F)
        for r in 0..<positions { (y + r * F).update(from: bias.value, count: F) }
        packedWeight.pack(transposeOf: weight.value, rows: K, columns: F)
        RowsProduct.multiply(m: positions, im, packedWeight, accumulate: true, y)
        let out = output.reserve(words.count * F)
        if argmax.count < words.count * F { argmax = [Int32](repeating: 0, count: words.count * F) }
        var row = 0
        for (u, w) in words.enumerated() {
            let n = max(w.count, 1)
            let o = out + u * F
            for f in 0..<F { o[f] = y[row * F + f]; argmax[u * F + f] = Int32(row) }
            for p in 1..<max(n, 1) where n > 1 {
                let yr = y + (row + p) * F
                for f in 0..<F where yr[f] > o[f] {
                    o[f] = yr[f]
                    argmax[u * F + f] = Int32(row + p)
                }
            }
            row += n
        }
        return out
    }

    func backward(_ dOutput: UnsafePointer<Float>) {
        let d = embedding.dimension, K = width * d, F = outputSize
        let positions = windowChars.count / width
        let dy = dConv.zeroed(positions * F)
        for u in 0..<wordCount {
            for f in 0..<F {
                let g = dOutput[u * F + f]
                dy[Int(argmax[u * F + f]) * F + f] += g
                bias.grad[f] += g
            }
        }
        BLAS.gemm(transA: true, m: F, n: K, k: positions, dy, windows.pointer, beta: 1, weight.grad)
        let dIm = dWindows.reserve(positions * K)
        BLAS.gemm(m: positions, n: K, k: F, dy, weight.value, beta: 0, dIm)
        windowChars.withUnsafeBufferPointer { ids in
            embedding.scatter(ids.baseAddress!, count: positions * width, from: dIm, stride: d)
        }
    }
}

/// A character BiLSTM (Lample et al. 2016): the final state of a left-to-right LSTM over the
/// word's characters next to the final state of a right-to-left one.
final class CharBiLSTM: CharEncoder {
    let embedding: Embedding
    let lstm: BiLSTM
    var outputSize: Int { lstm.outputSize }

    private let inputs = FloatBuffer()
    private let dInputs = FloatBuffer()
    private let dStates = FloatBuffer()
    let output = FloatBuffer()
    private var layout = SequenceLayout(lengths: [])
    private var order: [Int] = []    // layout column → word index
    private var charIds: [Int32] = []

    init(charCount: Int, charDim: Int, hidden: Int) {
        embedding = Embedding(name: "char.embedding", count: charCount, dimension: charDim)
        lstm = BiLSTM(name: "char.lstm", inputSize: charDim, hiddenSize: hidden)
    }

    var parameters: [Parameter] { [embedding.table] + lstm.parameters }

    func initialize(_ rng: inout SeededRandom) {
        embedding.initialize(&rng)
        lstm.initialize(&rng)
    }

    func forward(_ words: [[Int32]]) -> UnsafeMutablePointer<Float> {
        order = words.indices.sorted { a, b in
            let la = max(words[a].count, 1), lb = max(words[b].count, 1)
            return la != lb ? la > lb : a < b
        }
        layout = SequenceLayout(lengths: order.map { max(words[$0].count, 1) })
        let U = layout.batch, d = embedding.dimension, H = lstm.hiddenSize
        charIds = [Int32](repeating: -1, count: layout.rows)
        for (col, w) in order.enumerated() {
            for (t, c) in words[w].enumerated() { charIds[t * U + col] = c }
        }
        let x = inputs.reserve(layout.rows * d)
        charIds.withUnsafeBufferPointer { embedding.gather($0.baseAddress!, count: layout.rows, into: x, stride: d) }
        let states = lstm.forward(x, layout: layout)
        let O = 2 * H
        let out = output.reserve(U * O)
        for (col, w) in order.enumerated() {
            let last = (layout.lengths[col] - 1) * U + col
            (out + w * O).update(from: states + last * O, count: H)
            (out + w * O + H).update(from: states + col * O + H, count: H)
        }
        return out
    }

    func backward(_ dOutput: UnsafePointer<Float>) {
        let U = layout.batch, d = embedding.dimension, H = lstm.hiddenSize, O = 2 * H
        let ds = dStates.zeroed(layout.rows * O)
        for (col, w) in order.enumerated() {
            let last = (layout.lengths[col] - 1) * U + col
            (ds + last * O).update(from: dOutput + w * O, count: H)
            (ds + col * O + H).update(from: dOutput + w * O + H, count: H)
        }
        let dx = dInputs.reserve(layout.rows * d)
        lstm.backward(ds, dInput: dx)
        charIds.withUnsafeBufferPointer { embedding.scatter($0.baseAddress!, count: layout.rows, from: dx, stride: d) }
    }
}
