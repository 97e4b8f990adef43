import Foundation

/// Rules loaded from patterns files, compiled for one pass over a sentence's tokens:
///
/// - phrases go into a token trie (each token interned as an integer, each edge one entry of a
///   hash table keyed by node and token), one trie keyed by the tokens as written and one by
///   their lowercase, so a sentence is matched by walking the tries from every token, whatever
///   the number of phrases;
/// - token patterns are indexed by what their first element requires of the token's text or
///   lowercase, so only the patterns that can start at a token are tried there (a pattern whose
///   first element is optional, a regular expression or a flag is tried everywhere).
///
/// Rules are numbered in the order read, across files: overlapping matches are resolved by
/// ``matches(in:)``, the longest first, then the first rule. Immutable once built, so one set
/// is shared by threads.
package struct PatternSet: @unchecked Sendable {
    /// A patterns file and how many rules it held.
    package struct File: Sendable, Equatable {
        package var path: String
        package var patterns: Int
    }

    package private(set) var files: [File] = []
    /// The entity types of the rules, in order of first appearance.
    package private(set) var labels: [String] = []
    private var labelIndex: [String: UInt16] = [:]
    /// Per rule: its label (an index into `labels`).
    private var ruleLabels: [UInt16] = []
    /// The ids of the rules that have one.
    private var ids: [Int32: String] = [:]

    private var vocabulary: [String: Int32] = [:]
    /// Trie edges: (node << 32 | token) → child node.
    private var edges: [UInt64: Int32] = [:]
    /// Per trie node: the first rule whose phrase ends there, or -1.
    private var terminal: [Int32] = [-1, -1]
    private static let exactRoot: Int32 = 0, lowerRoot: Int32 = 1
    private var hasLowerPhrases = false

    private var tokenPatterns: [(rule: Int32, pattern: TokenPattern)] = []
    /// Token patterns (indices into `tokenPatterns`) by the text or lowercase their first token must have.
    private var byText: [String: [Int32]] = [:], byLower: [String: [Int32]] = [:]
    private var everywhere: [Int32] = []

    package init() {}

    /// How many rules there are.
    package var count: Int { ruleLabels.count }

    /// Reads the patterns files in order (each may be gzip; see `EntityPattern.parse` for the
    /// lines). Throws `NERError` naming the file and line of the first bad line.
    package static func load(_ paths: [String]) throws -> PatternSet {
        var set = PatternSet()
        let tokenizer = Tokenizer()
        for path in paths {
            let reader = try LineReader(path: path)
            let before = set.count
            // Room for what a plain file of this size holds (about one trie edge per 24 bytes,
            // one new token per 48), so the tables are not rehashed again and again as they grow.
            if let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil, size > 1 << 20 {
                set.reserve(edges: size / 24, tokens: size / 48)
            }
            while let line = try reader.next() {
                if let pattern = try EntityPattern.parse(line: line, path: path, line: reader.lineNumber, tokenizer: tokenizer) {
                    set.add(pattern)
                }
            }
            set.files.append(File(path: path, patterns: set.count - before))
        }
        return set
    }

    private mutating func reserve(edges count: Int, tokens: Int) {
        edges.reserveCapacity(edges.count + count)
        terminal.reserveCapacity(terminal.count + count)
        vocabulary.reserveCapacity(vocabulary.count + tokens)
    }

    /// Adds a rule after the others.
    mutating func add(_ pattern: EntityPattern) {
        let rule = Int32(ruleLabels.count)
        let label: UInt16
        if let known = labelIndex[pattern.label] {
            label = known
        } else {
            label = UInt16(truncatingIfNeeded: labels.count)
            labelIndex[pattern.label] = label
            labels.append(pattern.label)
        }
        ruleLabels.append(label)
        if let id = pattern.id { ids[rule] = id }
        switch pattern.body {
        case .phrase(let tokens, let lower):
            if lower { hasLowerPhrases = true }
            var node = lower ? Self.lowerRoot : Self.exactRoot
            for token in tokens {
                let t = intern(token)
                let key = UInt64(UInt32(bitPattern: node)) << 32 | UInt64(UInt32(bitPattern: t))
                if let child = edges[key] {
                    node = child
                } else {
                    let child = Int32(terminal.count)
                    terminal.append(-1)
                    edges[key] = child
                    node = child
                }
            }
            if terminal[Int(node)] < 0 { terminal[Int(node)] = rule }  // the first rule of a phrase wins
        case .tokens(let specs):
            guard let compiled = try? TokenPattern(specs) else { return }  // checked when read
            let index = Int32(tokenPatterns.count)
            tokenPatterns.append((rule, compiled))
            if let first = compiled.firstRequired, let values = first.requiredValues(of: .text) {
                for v in values { byText[v, default: []].append(index) }
            } else if let first = compiled.firstRequired, let values = first.requiredValues(of: .lower) {
                for v in values { byLower[v, default: []].append(index) }
            } else {
                everywhere.append(index)
            }
        }
    }

    private mutating func intern(_ token: String) -> Int32 {
        if let t = vocabulary[token] { return t }
        let t = Int32(vocabulary.count)
        vocabulary[token] = t
        return t
    }

    /// The label of rule `rule`.
    package func label(of rule: Int) -> String { labels[Int(ruleLabels[rule])] }

    /// The id of rule `rule`, if it has one.
    package func id(of rule: Int) -> String? { ids[Int32(rule)] }

    /// Every place a rule matches in a sentence (its tokens in NFC, as the model reads them),
    /// overlaps resolved: the longest match wins, then the earlier rule, then the earlier start.
    /// The result is sorted by start and no two matches share a token.
    package func matches(in tokens: [String]) -> [PatternMatch] {
        guard count > 0, !tokens.isEmpty else { return [] }
        let needsLower = hasLowerPhrases || !tokenPatterns.isEmpty
        let lowers = needsLower ? tokens.map { $0.lowercased() } : []
        var found: [PatternMatch] = []
        if !edges.isEmpty {
            let exactIDs = tokens.map { vocabulary[$0] ?? -1 }
            walk(Self.exactRoot, ids: exactIDs, into: &found)
            if hasLowerPhrases { walk(Self.lowerRoot, ids: lowers.map { vocabulary[$0] ?? -1 }, into: &found) }
        }
        if !tokenPatterns.isEmpty {
            for start in tokens.indices {
                func run(_ index: Int32) {
                    let (rule, pattern) = tokenPatterns[Int(index)]
                    pattern.forEachEnd(from: start, texts: tokens, lowers: lowers) { end in
                        found.append(PatternMatch(start: start, end: end, rule: Int(rule)))
                    }
                }
                if let list = byText[tokens[start]] { list.forEach(run) }
                if let list = byLower[lowers[start]] { list.forEach(run) }
                everywhere.forEach(run)
            }
        }
        return PatternMatch.resolve(found, tokenCount: tokens.count)
    }

    /// Every phrase of the trie under `root` that starts at some token of the sentence.
    private func walk(_ root: Int32, ids: [Int32], into found: inout [PatternMatch]) {
        for start in ids.indices where ids[start] >= 0 {
            var node = root
            var j = start
            while j < ids.count, ids[j] >= 0,
                  let child = edges[UInt64(UInt32(bitPattern: node)) << 32 | UInt64(UInt32(bitPattern: ids[j]))] {
                node = child
                j += 1
                let rule = terminal[Int(node)]
                if rule >= 0 { found.append(PatternMatch(start: start, end: j, rule: Int(rule))) }
            }
        }
    }
}
