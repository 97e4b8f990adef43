import Foundation

/// One element of a token pattern, `{"lower": "acme", "op": "?"}`: the tests one token must pass
/// (all of them; none means any token) and how many tokens it stands for. The attributes are
/// spaCy Matcher's, keys in any case: `ORTH`/`TEXT` (the token as written, NFC), `LOWER`,
/// `SHAPE`, `LENGTH`, and the flags `IS_DIGIT`, `IS_TITLE`, `IS_ALPHA`, `IS_LOWER`, `IS_UPPER`,
/// `IS_PUNCT`. A string attribute's value is a string, or `{"REGEX": "..."}` (searched anywhere
/// in the attribute, as Python's `re.search`), `{"IN": [...]}` or `{"NOT_IN": [...]}`; `LENGTH`
/// takes an integer or `{"==" | ">=" | "<=" | ">" | "<": n}`; a flag takes true or false.
struct TokenSpec: @unchecked Sendable {
    /// How many tokens the element matches.
    enum Op: String, Sendable {
        /// Exactly one (no "op").
        case one = ""
        /// `?`: zero or one.
        case optional = "?"
        /// `*`: zero or more.
        case zeroOrMore = "*"
        /// `+`: one or more.
        case oneOrMore = "+"
        /// `!`: exactly one token that fails the tests.
        case not = "!"
    }

    /// A string-valued attribute.
    enum Attribute: String, Sendable {
        case text, lower, shape
    }

    /// A boolean attribute.
    enum Flag: String, Sendable, CaseIterable {
        case isDigit = "IS_DIGIT", isTitle = "IS_TITLE", isAlpha = "IS_ALPHA", isLower = "IS_LOWER",
             isUpper = "IS_UPPER", isPunct = "IS_PUNCT"

        /// The flag's bit in `SentenceTokens.flags`.
        var bit: UInt8 {
            switch self {
            case .isDigit: return 1
            case .isTitle: return 2
            case .isAlpha: return 4
            case .isLower: return 8
            case .isUpper: return 16
            case .isPunct: return 32
            }
        }

        func holds(for text: String) -> Bool {
            switch self {
            case .isDigit: return TokenAttributes.isDigit(text)
            case .isTitle: return TokenAttributes.isTitle(text)
            case .isAlpha: return TokenAttributes.isAlpha(text)
            case .isLower: return TokenAttributes.isLower(text)
            case .isUpper: return TokenAttributes.isUpper(text)
            case .isPunct: return TokenAttributes.isPunct(text)
            }
        }
    }

    /// One test of a token.
    enum Test {
        case equals(Attribute, String)
        case isIn(Attribute, Set<String>)
        case notIn(Attribute, Set<String>)
        case regex(Attribute, NSRegularExpression)
        case length(Comparison, Int)
        case flag(Flag, Bool)
    }

    /// How `LENGTH` compares.
    enum Comparison: String, Sendable {
        case equal = "==", atLeast = ">=", atMost = "<=", greater = ">", less = "<"

        func holds(_ a: Int, _ b: Int) -> Bool {
            switch self {
            case .equal: return a == b
            case .atLeast: return a >= b
            case .atMost: return a <= b
            case .greater: return a > b
            case .less: return a < b
            }
        }
    }

    var tests: [Test]
    var op: Op

    init(tests: [Test], op: Op = .one) {
        self.tests = tests
        self.op = op
    }

    /// Whether token `j` of `sentence` passes every test (the op aside).
    func passes(_ j: Int, in sentence: SentenceTokens) -> Bool {
        for test in tests {
            switch test {
            case .equals(let a, let v): if value(a, j, sentence) != v { return false }
            case .isIn(let a, let set): if !set.contains(value(a, j, sentence)) { return false }
            case .notIn(let a, let set): if set.contains(value(a, j, sentence)) { return false }
            case .regex(let a, let re):
                let s = value(a, j, sentence)
                if re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) == nil { return false }
            case .length(let c, let n): if !c.holds(sentence.lengths[j], n) { return false }
            case .flag(let f, let wanted): if (sentence.flags[j] & f.bit != 0) != wanted { return false }
            }
        }
        return true
    }

    @inline(__always)
    private func value(_ attribute: Attribute, _ j: Int, _ sentence: SentenceTokens) -> String {
        switch attribute {
        case .text: return sentence.texts[j]
        case .lower: return sentence.lowers[j]
        case .shape: return sentence.shapes[j]
        }
    }

    /// What `passes` reads of a sentence's tokens besides their text.
    var needs: SentenceTokens.Needs {
        var needs: SentenceTokens.Needs = []
        for test in tests {
            switch test {
            case .equals(let a, _), .isIn(let a, _), .notIn(let a, _), .regex(let a, _):
                if a == .lower { needs.insert(.lowers) }
                if a == .shape { needs.insert(.shapes) }
            case .length: needs.insert(.lengths)
            case .flag: needs.insert(.flags)
            }
        }
        return needs
    }

    /// The values the token's text (`.text`) or its lowercase (`.lower`) must take for the
    /// element to match, when the element pins them down: what the matcher indexes patterns by.
    func requiredValues(of attribute: Attribute) -> Set<String>? {
        for test in tests {
            switch test {
            case .equals(let a, let v) where a == attribute: return [v]
            case .isIn(let a, let set) where a == attribute: return set
            default: continue
            }
        }
        return nil
    }
}

extension TokenSpec {
    /// Reads one element of a token pattern from its JSON object. Throws a message (without
    /// file and line, which the caller adds) naming what is wrong.
    static func parse(_ json: HeaderJSON) throws -> TokenSpec {
        guard case .object(let members) = json else {
            throw PatternProblem("is \(json.kind), not an object such as {\"lower\": \"acme\"}")
        }
        var spec = TokenSpec(tests: [])
        for (key, value) in members {
            let name = key.uppercased()
            switch name {
            case "OP":
                guard case .string(let s) = value, let op = Op(rawValue: s), op != .one else {
                    throw PatternProblem("\"\(key)\" must be one of \"?\", \"*\", \"+\", \"!\"")
                }
                spec.op = op
            case "ORTH", "TEXT", "LOWER", "SHAPE":
                let attribute: Attribute = name == "LOWER" ? .lower : name == "SHAPE" ? .shape : .text
                spec.tests.append(try stringTest(key, attribute, value))
            case "LENGTH":
                spec.tests.append(try lengthTest(key, value))
            default:
                if let flag = Flag(rawValue: name) {
                    guard case .bool(let b) = value else { throw PatternProblem("\"\(key)\" must be true or false, not \(value.kind)") }
                    spec.tests.append(.flag(flag, b))
                } else {
                    throw PatternProblem("unsupported token attribute \"\(key)\" (supported: ORTH, TEXT, LOWER, SHAPE, LENGTH, "
                                         + Flag.allCases.map(\.rawValue).joined(separator: ", ") + ", OP)")
                }
            }
        }
        return spec
    }

    private static func stringTest(_ key: String, _ attribute: Attribute, _ value: HeaderJSON) throws -> Test {
        switch value {
        case .string(let s):
            return .equals(attribute, attribute == .shape ? s : UnicodeNormalization.nfc(s))
        case .object(let members) where members.count == 1:
            let (operator_, operand) = members[0]
            switch operator_.uppercased() {
            case "REGEX":
                guard case .string(let pattern) = operand else { throw PatternProblem("\"\(key)\": REGEX needs a string") }
                do {
                    return .regex(attribute, try NSRegularExpression(pattern: pattern))
                } catch {
                    throw PatternProblem("\"\(key)\": invalid regular expression \(JSONText.quoted(pattern))")
                }
            case "IN", "NOT_IN":
                guard case .array(let items) = operand else { throw PatternProblem("\"\(key)\": \(operator_) needs an array of strings") }
                var set = Set<String>()
                for item in items {
                    guard case .string(let s) = item else { throw PatternProblem("\"\(key)\": \(operator_) needs an array of strings") }
                    set.insert(attribute == .shape ? s : UnicodeNormalization.nfc(s))
                }
                return operator_.uppercased() == "IN" ? .isIn(attribute, set) : .notIn(attribute, set)
            default:
                throw PatternProblem("\"\(key)\": unsupported operator \"\(operator_)\" (supported: REGEX, IN, NOT_IN)")
            }
        default:
            throw PatternProblem("\"\(key)\" must be a string or {\"REGEX\" | \"IN\" | \"NOT_IN\": ...}, not \(value.kind)")
        }
    }

    private static func lengthTest(_ key: String, _ value: HeaderJSON) throws -> Test {
        if let n = value.nonNegativeInt { return .length(.equal, n) }
        if case .object(let members) = value, members.count == 1, let c = Comparison(rawValue: members[0].key),
           let n = members[0].value.nonNegativeInt {
            return .length(c, n)
        }
        throw PatternProblem("\"\(key)\" must be a non-negative integer or {\"==\" | \">=\" | \"<=\" | \">\" | \"<\": n}")
    }
}

/// What is wrong with one line of a patterns file; the reader adds the file and line.
struct PatternProblem: Error, Equatable {
    var message: String

    init(_ message: String) {
        self.message = message
    }
}
