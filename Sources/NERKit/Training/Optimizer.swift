import CKernels
import Foundation

/// Updates parameters from their gradients. Sparse parameters (embedding tables) are updated
/// only in the rows the batch touched ("lazy" momentum and Adam), which keeps a step's cost
/// independent of the vocabulary size.
final class Optimizer {
    let kind: OptimizerKind
    var learningRate: Float
    let momentum: Float
    let beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8
    /// Adam's step count.
    package private(set) var steps = 0
    /// First moments (momentum velocity for SGD), second moments (Adam only), per parameter.
    private var first: [[Float]]
    private var second: [[Float]]
    private let parameters: [Parameter]

    init(_ kind: OptimizerKind, parameters: [Parameter], learningRate: Float, momentum: Float = 0.9) {
        self.kind = kind
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        first = parameters.map { [Float](repeating: 0, count: $0.count) }
        second = kind == .adam ? parameters.map { [Float](repeating: 0, count: $0.count) } : parameters.map { _ in [] }
    }

    /// Scales all gradients so that their global L2 norm is at most `maxNorm`; returns the norm before.
    @discardableResult
    static func clipGradients(_ parameters: [Parameter], maxNorm: Float) -> Float {
        let norm = Float(parameters.reduce(0) { $0 + $1.gradSquaredNorm() }.squareRoot())
        if maxNorm > 0 && norm > maxNorm {
            let f = maxNorm / norm
            for p in parameters { p.scaleGrad(f) }
        }
        return norm
    }

    /// Applies one update and clears the gradients (`afterUpdate` sees each parameter after its
    /// update, while its touched rows are still known).
    func step(afterUpdate: ((Parameter) -> Void)? = nil) {
        steps += 1
        for (pi, p) in parameters.enumerated() {
            if p.frozen { afterUpdate?(p); p.zeroGrad(); continue }
            first[pi].withUnsafeMutableBufferPointer { m in
                second[pi].withUnsafeMutableBufferPointer { v in
                    if p.sparseRows {
                        let r = p.rowSize
                        for row in p.touchedRows { update(p, m.baseAddress!, v.baseAddress, start: Int(row) * r, count: r) }
                    } else {
                        update(p, m.baseAddress!, v.baseAddress, start: 0, count: p.count)
                    }
                }
            }
            afterUpdate?(p)
            p.zeroGrad()
        }
    }

    @inline(__always)
    private func update(_ p: Parameter, _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>?, start: Int, count: Int) {
        let w = p.value + start, g = p.grad + start, mm = m + start, lr = learningRate
        if kind == .sgd {
            let mu = momentum
            for i in 0..<count {
                mm[i] = mu * mm[i] + g[i]
                w[i] -= lr * mm[i]
            }
        } else if let v {
            let bc1 = 1 - powf(beta1, Float(steps)), bc2 = 1 - powf(beta2, Float(steps))
            let stepSize = lr * bc2.squareRoot() / bc1
            // m = β1·m + (1−β1)·g, v = β2·v + (1−β2)·g·g, w −= stepSize·m / (√v + ε), 16 or 8
            // lanes at a time (CKernels' adam_update.c), the same bits as one value at a time.
            ner_adam_update(w, g, mm, v + start, count, beta1, beta2, stepSize, epsilon)
        }
    }

    /// The optimiser's state as named tensors, for checkpoints.
    func state() -> [(name: String, values: [Float])] {
        var out: [(String, [Float])] = [("optimizer.steps", StepCounterEncoding.encode([steps]))]
        for (i, p) in parameters.enumerated() {
            out.append(("optimizer.first.\(p.name)", first[i]))
            if kind == .adam { out.append(("optimizer.second.\(p.name)", second[i])) }
        }
        return out
    }

    func restore(_ tensors: [String: [Float]]) throws {
        guard let s = tensors["optimizer.steps"].flatMap({ StepCounterEncoding.decode($0, count: 1) }) else {
            throw NERError("checkpoint lacks the optimiser state")
        }
        steps = s[0]
        for (i, p) in parameters.enumerated() {
            guard let m = tensors["optimizer.first.\(p.name)"], m.count == p.count else {
                throw NERError("checkpoint lacks optimiser state for \(p.name)")
            }
            first[i] = m
            if kind == .adam {
                guard let v = tensors["optimizer.second.\(p.name)"], v.count == p.count else {
                    throw NERError("checkpoint lacks optimiser state for \(p.name)")
                }
                second[i] = v
            }
        }
    }
}
