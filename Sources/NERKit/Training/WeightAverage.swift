import Foundation

/// An exponential moving average of the weights (Polyak averaging): the averaged weights are
/// what gets evaluated and saved, which smooths out the last steps' noise and typically gains a
/// few tenths of F1. Embedding rows are averaged lazily: a row that no batch touched kept its
/// value, so catching up k steps at once is exact: a ← dᵏ·a + (1 − dᵏ)·w.
final class WeightAverage {
    let decay: Float
    private let parameters: [Parameter]
    private var shadow: [[Float]]
    /// For sparse parameters, the step at which each row's average was last brought up to date.
    private var rowStep: [[Int32]]
    package private(set) var steps: Int32 = 0
    private var swapped = false
    private let indexOf: [ObjectIdentifier: Int]

    /// With `warmUp`, the decay at step t is min(decay, (1 + t) / (10 + t)), so that the average
    /// of a short run is not dominated by the initial weights.
    let warmUp: Bool

    init(parameters: [Parameter], decay: Float, warmUp: Bool = true) {
        self.parameters = parameters
        self.decay = decay
        self.warmUp = warmUp
        shadow = parameters.map { $0.values }
        rowStep = parameters.map { $0.sparseRows ? [Int32](repeating: 0, count: $0.rows) : [] }
        indexOf = Dictionary(uniqueKeysWithValues: parameters.enumerated().map { (ObjectIdentifier($1), $0) })
    }

    /// Call once per optimiser step, after the backward pass and before the update: rows about
    /// to change are first brought up to date with the value they held while untouched.
    func beginStep() {
        for (index, p) in parameters.enumerated() where p.sparseRows {
            let r = p.rowSize
            shadow[index].withUnsafeMutableBufferPointer { a in
                for row in p.touchedRows {
                    let k = steps - rowStep[index][Int(row)]
                    if k > 0 { blend(a.baseAddress! + Int(row) * r, p.value + Int(row) * r, r, powf(currentDecay, Float(k))) }
                }
            }
        }
        steps += 1
    }

    /// Folds the parameter's new value into its average (after the optimiser updated it).
    func update(_ p: Parameter) {
        guard let index = indexOf[ObjectIdentifier(p)] else { return }
        shadow[index].withUnsafeMutableBufferPointer { a in
            let a = a.baseAddress!
            if p.sparseRows {
                let r = p.rowSize
                for row in p.touchedRows {
                    rowStep[index][Int(row)] = steps
                    blend(a + Int(row) * r, p.value + Int(row) * r, r, currentDecay)
                }
            } else {
                blend(a, p.value, p.count, currentDecay)
            }
        }
    }

    /// The decay in force at the current step.
    var currentDecay: Float {
        warmUp ? min(decay, Float(1 + steps) / Float(10 + steps)) : decay
    }

    @inline(__always)
    private func blend(_ a: UnsafeMutablePointer<Float>, _ w: UnsafeMutablePointer<Float>, _ n: Int, _ d: Float) {
        for i in 0..<n { a[i] = d * a[i] + (1 - d) * w[i] }
    }

    /// Brings every lazily averaged row up to date.
    private func catchUp() {
        for (index, p) in parameters.enumerated() where p.sparseRows {
            let r = p.rowSize
            shadow[index].withUnsafeMutableBufferPointer { a in
                for row in 0..<p.rows where rowStep[index][row] != steps {
                    let k = steps - rowStep[index][row]
                    rowStep[index][row] = steps
                    blend(a.baseAddress! + row * r, p.value + row * r, r, powf(currentDecay, Float(k)))
                }
            }
        }
    }

    /// Exchanges the live weights and the averages (call again to swap back).
    func swap() {
        if !swapped { catchUp() }
        for (index, p) in parameters.enumerated() {
            shadow[index].withUnsafeMutableBufferPointer { a in
                for i in 0..<p.count { let t = p.value[i]; p.value[i] = a[i]; a[i] = t }
            }
        }
        swapped.toggle()
    }

    /// Runs `body` with the averaged weights in place.
    func withAveragedWeights<T>(_ body: () throws -> T) rethrows -> T {
        swap()
        defer { swap() }
        return try body()
    }

    func state(prefix: String = "average.") -> [(name: String, values: [Float])] {
        var out: [(String, [Float])] = [("\(prefix)steps", StepCounterEncoding.encode([Int(steps)]))]
        for (i, p) in parameters.enumerated() {
            out.append(("\(prefix)\(p.name)", shadow[i]))
            if p.sparseRows { out.append(("\(prefix)rowstep.\(p.name)", StepCounterEncoding.encode(rowStep[i].map(Int.init)))) }
        }
        return out
    }

    func restore(_ tensors: [String: [Float]], prefix: String = "average.") throws {
        guard let s = tensors["\(prefix)steps"].flatMap({ StepCounterEncoding.decode($0, count: 1) }), s[0] <= Int(Int32.max) else {
            throw NERError("checkpoint lacks the weight average")
        }
        steps = Int32(s[0])
        for (i, p) in parameters.enumerated() {
            guard let v = tensors["\(prefix)\(p.name)"], v.count == p.count else { throw NERError("checkpoint lacks the average of \(p.name)") }
            shadow[i] = v
            if p.sparseRows {
                guard let r = tensors["\(prefix)rowstep.\(p.name)"].flatMap({ StepCounterEncoding.decode($0, count: p.rows) }),
                      r.allSatisfy({ $0 <= Int(steps) }) else {
                    throw NERError("checkpoint lacks the average of \(p.name)")
                }
                rowStep[i] = r.map { Int32($0) }
            }
        }
    }
}
