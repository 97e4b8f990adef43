/// A token pattern compiled for matching: its elements in order, `+` written out as one element
/// followed by `*`, run as a small nondeterministic automaton (a bit set of positions in the
/// pattern), so that every way the operators can match is tried at once, without backtracking.
struct TokenPattern: Sendable {
    /// At most this many elements once `+` is written out (the state set is one 64-bit word).
    static let maxSteps = 62

    let steps: [TokenSpec]

    /// Fails when the pattern is empty, too long, or can only ever match no tokens at all.
    init(_ elements: [TokenSpec]) throws {
        guard !elements.isEmpty else { throw PatternProblem("the token pattern is empty") }
        var steps: [TokenSpec] = []
        for e in elements {
            if e.op == .oneOrMore {
                steps.append(TokenSpec(tests: e.tests, op: .one))
                steps.append(TokenSpec(tests: e.tests, op: .zeroOrMore))
            } else {
                steps.append(e)
            }
        }
        guard steps.count <= Self.maxSteps else {
            throw PatternProblem("the token pattern is too long (\(steps.count) elements, counting each \"+\" as two; at most \(Self.maxSteps))")
        }
        guard steps.contains(where: { $0.op == .one || $0.op == .not }) else {
            throw PatternProblem("every element of the token pattern is optional (\"?\" or \"*\"): it would match nothing")
        }
        self.steps = steps
    }

    /// The first element when it must match a token (not optional): what indexes the pattern.
    var firstRequired: TokenSpec? {
        steps[0].op == .one ? steps[0] : nil
    }

    /// Adds to `state` every position reachable by skipping optional elements.
    private func closure(_ state: UInt64) -> UInt64 {
        var s = state
        for k in steps.indices where s & (1 << UInt64(k)) != 0 {
            if steps[k].op == .optional || steps[k].op == .zeroOrMore { s |= 1 << UInt64(k + 1) }
        }
        return s
    }

    /// Calls `found` with the end (exclusive) of every match that starts at token `start`, in
    /// increasing order.
    func forEachEnd(from start: Int, in sentence: SentenceTokens, _ found: (Int) -> Void) {
        let accept = UInt64(1) << UInt64(steps.count)
        var state = closure(1)
        var j = start
        while state != 0 && j < sentence.count {
            var next: UInt64 = 0
            var rest = state & ~accept
            while rest != 0 {
                let k = rest.trailingZeroBitCount
                rest &= rest - 1
                let step = steps[k]
                let passes = step.passes(j, in: sentence)
                switch step.op {
                case .one, .optional: if passes { next |= 1 << UInt64(k + 1) }
                case .not: if !passes { next |= 1 << UInt64(k + 1) }
                case .zeroOrMore: if passes { next |= 1 << UInt64(k) }
                case .oneOrMore: break  // written out as .one then .zeroOrMore
                }
            }
            state = closure(next)
            j += 1
            if state & accept != 0 { found(j) }
        }
    }
}
