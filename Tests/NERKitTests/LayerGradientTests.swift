import XCTest
@testable import NERKit

/// Finite-difference checks of every layer's backward pass on tiny shapes.
final class LayerGradientTests: XCTestCase {
    let layout = SequenceLayout(lengths: [4, 3, 3, 1])

    func testSequenceLayoutIsPacked() {
        XCTAssertEqual(layout.steps, 4)
        XCTAssertEqual(layout.active, [4, 3, 3, 1])
        let rev = layout.reversedRows()
        // Sequence 1 (length 3) at reversed step 0 reads its original step 2.
        XCTAssertEqual(rev[0 * 4 + 1], Int32(2 * 4 + 1))
        XCTAssertEqual(rev[3 * 4 + 1], -1)
    }

    /// The LSTM alone (left to right), including the gradient with respect to its input.
    func testLSTMGradients() {
        var rng = SeededRandom(seed: 1)
        let lstm = LSTMLayer(name: "l", inputSize: 3, hiddenSize: 4)
        lstm.initialize(&rng)
        for p in lstm.parameters { p.initUniform(0.8, &rng) }
        var input = randomArray(layout.rows * 3, &rng)
        for b in 0..<layout.batch { for t in layout.lengths[b]..<layout.steps { for j in 0..<3 { input[(t * 4 + b) * 3 + j] = 0 } } }
        let weights = randomArray(layout.rows * 4, &rng)
        let inputParam = Parameter("input", shape: [layout.rows, 3])
        inputParam.setValues(input)
        checkGradients("lstm", parameters: lstm.parameters + [inputParam]) {
            let h = lstm.forward(inputParam.value, layout: layout)
            let loss = weightedSum(h, weights)
            var d = weights
            let dx = UnsafeMutablePointer<Float>.allocate(capacity: layout.rows * 3)
            defer { dx.deallocate() }
            d.withUnsafeMutableBufferPointer { lstm.backward($0.baseAddress!, dInput: dx) }
            for i in 0..<(layout.rows * 3) { inputParam.grad[i] += dx[i] }
            return loss
        }
    }

    /// Both directions: the right-to-left LSTM reads each sequence reversed within its length.
    func testBiLSTMGradientsBothDirections() {
        for parallel in [false, true] {
            var rng = SeededRandom(seed: 2)
            let bi = BiLSTM(name: "bi", inputSize: 3, hiddenSize: 3)
            bi.parallel = parallel
            bi.initialize(&rng)
            let inputParam = Parameter("input", shape: [layout.rows, 3])
            inputParam.initUniform(1, &rng)
            let weights = randomArray(layout.rows * 6, &rng)
            checkGradients("bilstm", parameters: bi.parameters + [inputParam]) {
                let h = bi.forward(inputParam.value, layout: layout)
                let loss = weightedSum(h, weights)
                let dx = UnsafeMutablePointer<Float>.allocate(capacity: layout.rows * 3)
                defer { dx.deallocate() }
                weights.withUnsafeBufferPointer { bi.backward($0.baseAddress!, dInput: dx) }
                for i in 0..<(layout.rows * 3) { inputParam.grad[i] += dx[i] }
                return loss
            }
        }
    }

    /// The backward direction really is reversed: its state at the first token has read the
    /// whole sentence, so changing the last token changes it.
    func testBackwardDirectionSeesTheFuture() {
        var rng = SeededRandom(seed: 3)
        let bi = BiLSTM(name: "bi", inputSize: 2, hiddenSize: 2)
        bi.initialize(&rng)
        let l = SequenceLayout(lengths: [3])
        var x: [Float] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
        let first = x.withUnsafeBufferPointer { Array(UnsafeBufferPointer(start: bi.forward($0.baseAddress!, layout: l), count: 4)) }
        x[4] = -2
        let second = x.withUnsafeBufferPointer { Array(UnsafeBufferPointer(start: bi.forward($0.baseAddress!, layout: l), count: 4)) }
        XCTAssertEqual(first[0], second[0], "forward state at t=0 must not depend on t=2")
        XCTAssertNotEqual(first[2], second[2], "backward state at t=0 must depend on t=2")
    }

    func testCharEncoderGradients() {
        let words: [[Int32]] = [[2, 3, 4, 5], [3], [5, 4], [2, 2, 3]]
        let encoders: [CharEncoder] = [CharCNN(charCount: 6, charDim: 3, filters: 4), CharBiLSTM(charCount: 6, charDim: 3, hidden: 2)]
        for enc in encoders {
            var rng = SeededRandom(seed: 4)
            enc.initialize(&rng)
            let weights = randomArray(words.count * enc.outputSize, &rng)
            checkGradients("\(type(of: enc))", parameters: enc.parameters) {
                let out = enc.forward(words)
                let loss = weightedSum(out, weights)
                weights.withUnsafeBufferPointer { enc.backward($0.baseAddress!) }
                return loss
            }
            for p in enc.parameters where p.sparseRows { p.zeroGrad() }
        }
    }

    func testCRFGradientsForEmissionsAndTransitions() {
        let tags = ["O", "B-PER", "I-PER", "E-PER", "S-PER", "S-LOC"]
        let crf = CRF(tags: tags)
        var rng = SeededRandom(seed: 5)
        for i in 0..<crf.transitions.count { crf.transitions.value[i] = rng.uniform(1) }
        for i in 0..<6 { crf.start.value[i] = rng.uniform(1); crf.end.value[i] = rng.uniform(1) }
        crf.applyConstraints()
        let n = 5
        let em = Parameter("emissions", shape: [n, 6])
        em.initUniform(2, &rng)
        let gold: [Int32] = [1, 3, 0, 5, 4]
        checkGradients("crf", parameters: crf.parameters + [em]) {
            let d = UnsafeMutablePointer<Float>.allocate(capacity: n * 6)
            defer { d.deallocate() }
            let loss = crf.loss(emissions: em.value, count: n, stride: 6, gold: gold, dEmissions: d, scale: 1)
            for i in 0..<(n * 6) { em.grad[i] += d[i] }
            return loss
        }
    }

    /// The CRF's log-partition equals brute force over all sequences, and Viterbi finds the best.
    func testCRFAgainstBruteForce() {
        let tags = ["O", "B-X", "E-X", "S-X"]
        let crf = CRF(tags: tags)
        var rng = SeededRandom(seed: 6)
        for i in 0..<16 { crf.transitions.value[i] = rng.uniform(1) }
        for i in 0..<4 { crf.start.value[i] = rng.uniform(1); crf.end.value[i] = rng.uniform(1) }
        crf.applyConstraints()
        let n = 4
        let e = randomArray(n * 4, &rng, scale: 2)
        func score(_ y: [Int]) -> Float {
            var s = crf.start.value[y[0]] + crf.end.value[y[n - 1]]
            for t in 0..<n { s += e[t * 4 + y[t]] }
            for t in 1..<n { s += crf.transitions.value[y[t - 1] * 4 + y[t]] }
            return s
        }
        var logZ: Double = 0, best: Float = -.infinity, bestPath: [Int] = []
        var sumExp: Double = 0
        for code in 0..<256 {
            let y = (0..<n).map { (code >> (2 * $0)) & 3 }
            let s = score(y)
            sumExp += exp(Double(s))
            if s > best { best = s; bestPath = y }
        }
        logZ = log(sumExp)
        let gold: [Int32] = [0, 0, 0, 0]
        let d = UnsafeMutablePointer<Float>.allocate(capacity: n * 4)
        defer { d.deallocate() }
        let loss = e.withUnsafeBufferPointer { crf.loss(emissions: $0.baseAddress!, count: n, stride: 4, gold: gold, dEmissions: d, scale: 1) }
        XCTAssertEqual(Double(loss), logZ - Double(score([0, 0, 0, 0])), accuracy: 1e-3)
        let path = e.withUnsafeBufferPointer { crf.decode(emissions: $0.baseAddress!, count: n, stride: 4) }
        XCTAssertEqual(path.map(Int.init), bestPath)
        // Viterbi never emits a forbidden transition such as O → E-X.
        XCTAssertFalse(zip(path, path.dropFirst()).contains { $0 == 0 && $1 == 2 })
    }

    /// An entity's score is the exact probability of its tags, summed over all other positions.
    func testSpanProbabilityMatchesBruteForce() {
        let crf = CRF(tags: ["O", "B-X", "E-X", "S-X"])
        var rng = SeededRandom(seed: 8)
        for i in 0..<16 { crf.transitions.value[i] = rng.uniform(1) }
        for i in 0..<4 { crf.start.value[i] = rng.uniform(1); crf.end.value[i] = rng.uniform(1) }
        crf.applyConstraints()
        let n = 5
        let e = randomArray(n * 4, &rng, scale: 2)
        var total = 0.0
        var weights: [([Int], Double)] = []
        for code in 0..<(1 << (2 * n)) {
            let y = (0..<n).map { (code >> (2 * $0)) & 3 }
            var s = crf.start.value[y[0]] + crf.end.value[y[n - 1]]
            for t in 0..<n { s += e[t * 4 + y[t]] }
            for t in 1..<n { s += crf.transitions.value[y[t - 1] * 4 + y[t]] }
            let w = exp(Double(s))
            total += w
            weights.append((y, w))
        }
        let path: [Int32] = [0, 1, 2, 3, 0]
        let spans = [(1, 3), (3, 4), (0, 5)]
        let got = e.withUnsafeBufferPointer { crf.spanProbabilities(emissions: $0.baseAddress!, count: n, stride: 4, path: path, spans: spans) }
        for (k, span) in spans.enumerated() {
            let expected = weights.filter { entry in (span.0..<span.1).allSatisfy { entry.0[$0] == Int(path[$0]) } }.reduce(0) { $0 + $1.1 } / total
            XCTAssertEqual(got[k], expected, accuracy: 1e-4, "span \(span)")
        }
    }
}
