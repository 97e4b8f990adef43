/// How training recases its sentences so that the model does not decide by capital letters
/// alone (Mayhew, Tsygankova and Roth, EMNLP 2019, trained on cased data plus a lowercased
/// copy; this generalises it).
///
/// Two ways, which combine:
/// - `probabilities`: each epoch, every training sentence is independently recased with these
///   probabilities (lower, upper, title) and kept as written otherwise. The data does not grow,
///   so an epoch costs what it did; every sentence is seen in several casings over the run.
/// - `copies`: fixed recased copies of the whole training set are added to it (the paper's
///   recipe), which multiplies the cost of an epoch.
/// - `drawnCopy`: the per-sentence draws are made on an added copy of the training data rather
///   than on the original sentences, which are then always seen as written.
///
/// With any recasing, dev is scored as written and in every recasing, and the model kept is
/// the one with the best mean of those F1 scores.
public struct CaseAugmentation: Codable, Equatable, Sendable {
    /// The probability that a training sentence is lowercased in an epoch.
    public var lower: Float = 0
    /// The probability that a training sentence is uppercased in an epoch.
    public var upper: Float = 0
    /// The probability that a training sentence is title-cased in an epoch.
    public var title: Float = 0
    /// Fixed recased copies of the training set added to it, one per recasing listed.
    public var copies: [Recasing] = []
    /// The draws are made on an added copy of the training data, so every original sentence is
    /// still seen as written in every epoch (twice the cost of an epoch).
    public var drawnCopy = false

    /// Recasing with these probabilities per epoch and these fixed copies (none by default).
    public init(lower: Float = 0, upper: Float = 0, title: Float = 0, copies: [Recasing] = [], drawnCopy: Bool = false) {
        self.lower = lower
        self.upper = upper
        self.title = title
        self.copies = copies
        self.drawnCopy = drawnCopy
    }

    enum CodingKeys: String, CodingKey { case lower, upper, title, copies, drawnCopy }

    /// Reads the settings as model files and checkpoints store them (`drawnCopy` defaults to
    /// false when absent, as in files written before it existed).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        lower = try c.decode(Float.self, forKey: .lower)
        upper = try c.decode(Float.self, forKey: .upper)
        title = try c.decode(Float.self, forKey: .title)
        copies = try c.decode([Recasing].self, forKey: .copies)
        drawnCopy = try c.decodeIfPresent(Bool.self, forKey: .drawnCopy) ?? false
    }

    /// No recasing: every sentence is trained as written.
    public static let none = CaseAugmentation()

    /// Throws a ``ConfigurationError`` unless every probability is in [0, 1], they add up to 1
    /// at most, and `drawnCopy` has draws to make.
    public func validate() throws {
        for r in Recasing.allCases { try ConfigurationError.check(r.rawValue, probability(r), in: 0...1) }
        guard lower + upper + title <= 1.0001 else {
            throw ConfigurationError([.text("the probabilities "), .setting("lower"), .text(" + "), .setting("upper"), .text(" + "),
                                      .setting("title"), .text(" add up to more than 1 (\(lower + upper + title))")])
        }
        if drawnCopy && !sampling {
            throw ConfigurationError([.setting("drawnCopy"), .text(" needs a probability above 0 in "), .anyOf(["lower", "upper", "title"])])
        }
    }

    /// Whether training recases anything (a probability above 0 or a copy).
    public var isEnabled: Bool { sampling || !copies.isEmpty }
    var sampling: Bool { lower + upper + title > 0 }

    func probability(_ r: Recasing) -> Float {
        switch r {
        case .lower: return lower
        case .upper: return upper
        case .title: return title
        }
    }

    /// Parses `lower=0.3,upper=0.2,title=0.1` (any subset; `none` for no sampling).
    package static func parseProbabilities(_ text: String) throws -> CaseAugmentation {
        var a = CaseAugmentation()
        if text == "none" || text.isEmpty { return a }
        for part in text.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, let r = Recasing(rawValue: kv[0]) else {
                throw NERError("'\(part)': expected lower=P, upper=P or title=P")
            }
            guard let p = Float(kv[1]), p.isFinite, p >= 0, p <= 1 else {
                throw NERError("'\(part)': the probability must be a number in [0, 1]")
            }
            switch r {
            case .lower: a.lower = p
            case .upper: a.upper = p
            case .title: a.title = p
            }
        }
        guard a.lower + a.upper + a.title <= 1.0001 else {
            throw NERError("'\(text)': the probabilities add up to more than 1")
        }
        return a
    }

    /// Parses `lower,upper` (or `none`).
    package static func parseCopies(_ text: String) throws -> [Recasing] {
        if text == "none" || text.isEmpty { return [] }
        var out: [Recasing] = []
        for part in text.split(separator: ",") {
            guard let r = Recasing(rawValue: String(part)) else {
                throw NERError("'\(part)': expected lower, upper or title")
            }
            if !out.contains(r) { out.append(r) }
        }
        return out
    }

    package var description: String {
        var parts: [String] = []
        if sampling {
            parts.append((drawnCopy ? "a copy drawn with " : "") + Recasing.allCases.filter { probability($0) > 0 }
                .map { "\($0.rawValue)=\(probability($0))" }.joined(separator: ","))
        }
        if !copies.isEmpty { parts.append("copies " + copies.map(\.rawValue).joined(separator: ",")) }
        return parts.isEmpty ? "none" : parts.joined(separator: "; ")
    }

    /// The casing of sentence `index` in `epoch`: nil for as written. A hash of seed, epoch and
    /// index, so the draw needs no state and a resumed run draws what an uninterrupted one would.
    func draw(seed: UInt64, epoch: Int, index: Int) -> Recasing? {
        guard sampling else { return nil }
        var z = seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(epoch) &* 0xBF58_476D_1CE4_E5B9 &+ UInt64(index) &* 0x94D0_49BB_1331_11EB
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let u = Float(z >> 40) / Float(1 << 24)
        var cumulative: Float = 0
        for r in Recasing.allCases {
            cumulative += probability(r)
            if u < cumulative { return r }
        }
        return nil
    }
}
