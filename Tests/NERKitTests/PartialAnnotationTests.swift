import XCTest
@testable import NERKit

/// The CRF loss of partially annotated sentences (tokens whose tag is any of a set): its value
/// against brute force over every path, its gradients against finite differences, and its
/// agreement with the ordinary loss when every token is annotated.
final class PartialAnnotationTests: XCTestCase {
    private func randomCRF(_ tags: [String], seed: UInt64) -> CRF {
        let crf = CRF(tags: tags)
        var rng = SeededRandom(seed: seed)
        for i in 0..<crf.transitions.count { crf.transitions.value[i] = rng.uniform(1) }
        for i in 0..<tags.count { crf.start.value[i] = rng.uniform(1); crf.end.value[i] = rng.uniform(1) }
        crf.applyConstraints()
        return crf
    }

    /// −log Σ_{allowed paths} p(path), computed by enumerating all Kⁿ paths in Double.
    private func bruteForce(_ crf: CRF, _ e: [Float], n: Int, allowed: [Bool]) -> Double {
        let K = crf.tagCount
        func score(_ y: [Int]) -> Double {
            var s = Double(crf.start.value[y[0]] + crf.end.value[y[n - 1]])
            for t in 0..<n { s += Double(e[t * K + y[t]]) }
            for t in 1..<n { s += Double(crf.transitions.value[y[t - 1] * K + y[t]]) }
            return s
        }
        var all = 0.0, agreeing = 0.0
        var total = 1
        for _ in 0..<n { total *= K }
        for code in 0..<total {
            var y: [Int] = [], c = code
            for _ in 0..<n { y.append(c % K); c /= K }
            let w = exp(score(y))
            all += w
            if (0..<n).allSatisfy({ allowed[$0 * K + y[$0]] }) { agreeing += w }
        }
        return log(all) - log(agreeing)
    }

    func testPartialLossIsMinusLogProbabilityOfTheAgreeingPathsByBruteForce() {
        let tags = ["O", "B-X", "E-X", "S-X", "S-Y"]
        let crf = randomCRF(tags, seed: 11)
        var rng = SeededRandom(seed: 12)
        let K = tags.count
        for n in 1...4 {
            let e = randomArray(n * K, &rng, scale: 2)
            // Token 0 annotated S-Y when n > 1 … the rest open among O and the X tags.
            var allowed = [Bool](repeating: false, count: n * K)
            for t in 0..<n {
                if t == 0 && n > 1 { allowed[t * K + 4] = true } else { for k in 0..<4 { allowed[t * K + k] = true } }
            }
            let d = UnsafeMutablePointer<Float>.allocate(capacity: n * K)
            defer { d.deallocate() }
            let loss = e.withUnsafeBufferPointer {
                crf.partialLoss(emissions: $0.baseAddress!, count: n, stride: K, allowed: allowed, dEmissions: d, scale: 1)
            }
            XCTAssertEqual(Double(loss), bruteForce(crf, e, n: n, allowed: allowed), accuracy: 1e-3, "n = \(n)")
            // Every tag allowed everywhere: probability 1, loss 0.
            let free = e.withUnsafeBufferPointer {
                crf.partialLoss(emissions: $0.baseAddress!, count: n, stride: K, allowed: [Bool](repeating: true, count: n * K), dEmissions: d, scale: 1)
            }
            XCTAssertEqual(free, 0, accuracy: 1e-4)
            for i in 0..<(n * K) { XCTAssertEqual(d[i], 0, accuracy: 1e-5) }
        }
    }

    func testOneAllowedTagPerTokenGivesTheOrdinaryLossAndGradients() {
        let tags = ["O", "B-PER", "I-PER", "E-PER", "S-PER", "S-LOC"]
        let n = 5, K = tags.count
        let gold: [Int32] = [1, 3, 0, 5, 4]
        var rng = SeededRandom(seed: 13)
        let e = randomArray(n * K, &rng, scale: 2)
        var allowed = [Bool](repeating: false, count: n * K)
        for t in 0..<n { allowed[t * K + Int(gold[t])] = true }
        let a = randomCRF(tags, seed: 14), b = randomCRF(tags, seed: 14)
        let da = UnsafeMutablePointer<Float>.allocate(capacity: n * K), db = UnsafeMutablePointer<Float>.allocate(capacity: n * K)
        defer { da.deallocate(); db.deallocate() }
        let full = e.withUnsafeBufferPointer { a.loss(emissions: $0.baseAddress!, count: n, stride: K, gold: gold, dEmissions: da, scale: 0.5) }
        let partial = e.withUnsafeBufferPointer { b.partialLoss(emissions: $0.baseAddress!, count: n, stride: K, allowed: allowed, dEmissions: db, scale: 0.5) }
        XCTAssertEqual(full, partial, accuracy: 1e-3)
        for i in 0..<(n * K) { XCTAssertEqual(da[i], db[i], accuracy: 1e-4) }
        for (p, q) in zip(a.parameters, b.parameters) {
            for i in 0..<p.count { XCTAssertEqual(p.grad[i], q.grad[i], accuracy: 1e-4, "\(p.name)[\(i)]") }
        }
    }

    func testPartialLossGradientsAgainstFiniteDifferences() {
        let tags = ["O", "B-PER", "I-PER", "E-PER", "S-PER", "B-MISC", "I-MISC", "E-MISC", "S-MISC"]
        let crf = randomCRF(tags, seed: 15)
        var rng = SeededRandom(seed: 16)
        let n = 6, K = tags.count
        let em = Parameter("emissions", shape: [n, K])
        em.initUniform(2, &rng)
        // Tokens 1-2 annotated B-MISC E-MISC; the others open among O and the PER tags.
        var allowed = [Bool](repeating: false, count: n * K)
        for t in 0..<n {
            switch t {
            case 1: allowed[t * K + 5] = true
            case 2: allowed[t * K + 7] = true
            default: for k in 0...4 { allowed[t * K + k] = true }
            }
        }
        checkGradients("partial crf", parameters: crf.parameters + [em]) {
            let d = UnsafeMutablePointer<Float>.allocate(capacity: n * K)
            defer { d.deallocate() }
            let loss = crf.partialLoss(emissions: em.value, count: n, stride: K, allowed: allowed, dEmissions: d, scale: 1)
            for i in 0..<(n * K) { em.grad[i] += d[i] }
            return loss
        }
    }

    /// The whole model with partially annotated sentences (gold -1 where open), CRF and softmax.
    func testWholeModelGradientsWithUnknownTokens() {
        for crf in [true, false] {
            var config = ModelConfig()
            config.wordDim = 4; config.casingDim = 2; config.charDim = 3; config.charHidden = 3; config.hidden = 3
            config.dropout = 0; config.crf = crf
            var words = Vocabulary(specials: true), chars = Vocabulary(specials: true)
            for w in ["john", "lives", "in", "paris", "."] { words.add(w) }
            for c in "JohnlivesinParis.".unicodeScalars { chars.add(String(c)) }
            let tags = ModelBuilder.tagVocabulary(types: ["PER", "MISC"])
            let model = TaggerModel(config: config, encoder: FeatureEncoder(words: words, chars: chars, tags: tags))
            model.initialize(seed: 3)
            var surfaces = SurfaceTable()
            var s = model.encoder.encode(["John", "lives", "in", "Paris", "."], tags: ["S-MISC", "O", "O", "O", "O"], surfaces: &surfaces)!
            s.openTags = ParentAnnotation.openTags(tags, annotated: ["MISC"])!
            for t in 1..<5 { s.tags[t] = -1 }
            let batch = Batch([s], indices: [0], surfaces: surfaces)
            checkGradients("model crf=\(crf)", parameters: model.parameters.filter { !$0.name.hasPrefix("crf") || crf }) {
                var rng = SeededRandom(seed: 1)
                return model.loss(batch, rng: &rng)
            }
        }
    }

    func testOpenTagsAreOAndTheTypesAFileDoesNotAnnotate() {
        let tags = ModelBuilder.tagVocabulary(types: ["LOC", "MISC", "PER"])
        let open = ParentAnnotation.openTags(tags, annotated: ["MISC"])!
        XCTAssertEqual(tags.items.enumerated().filter { open[$0.offset] }.map(\.element),
                       ["O", "B-LOC", "I-LOC", "E-LOC", "S-LOC", "B-PER", "I-PER", "E-PER", "S-PER"])
        XCTAssertNil(ParentAnnotation.openTags(tags, annotated: ["LOC", "MISC", "PER"]))
    }

    func testMergeAddsParentEntitiesOnlyWhereTheGoldHasNothing() {
        let gold = ["B-MISC", "E-MISC", "O", "O", "O", "O"]
        let predicted = ["B-PER", "E-PER", "S-LOC", "O", "B-ORG", "E-ORG"]
        let merged = ParentAnnotation.merge(gold: gold, predicted: predicted, types: ["PER", "LOC"])
        // PER overlaps the gold MISC: left out; LOC added; ORG is not a type to keep.
        XCTAssertEqual(merged.tags, ["B-MISC", "E-MISC", "S-LOC", "O", "O", "O"])
        XCTAssertEqual(merged.added, 1)
        let partly = ParentAnnotation.merge(gold: ["O", "S-MISC", "O"], predicted: ["B-ORG", "I-ORG", "E-ORG"], types: ["ORG"])
        XCTAssertEqual(partly.tags, ["O", "S-MISC", "O"])
        XCTAssertEqual(partly.added, 0)
    }
}
