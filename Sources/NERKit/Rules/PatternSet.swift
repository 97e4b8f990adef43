import Foundation

/// Rules loaded from patterns files, compiled for one pass over a sentence's tokens:
///
/// - phrases go into a `PhraseTable` (each phrase one entry of a hash table keyed by its token
///   sequence), one keyed by the tokens as written and one by their lowercase, so a sentence is
///   matched by extending a hash from every token, whatever the number of phrases;
/// - token patterns are indexed by what their first element requires of the token's text or
///   lowercase, so only the patterns that can start at a token are tried there (a pattern whose
///   first element is optional, a regular expression or a flag is tried everywhere); what they
///   test of a token (lowercase, shape, flags, length) is computed once per sentence
///   (`SentenceTokens`).
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

    package internal(set) var files: [File] = []
    /// The entity types of the rules, in order of first appearance.
    package private(set) var labels: [String] = []
    private var labelIndex: [String: UInt16] = [:]
    /// `labels` as UTF-8, to find a label read as bytes without making a string.
    private var labelBytes: [[UInt8]] = []
    /// Per rule: its label (an index into `labels`).
    private(set) var ruleLabels: [UInt16] = []
    /// The ids of the rules that have one.
    private(set) var ids: [Int32: String] = [:]

    /// Phrases matched as written, and phrases matched by the tokens' lowercase.
    private(set) var exact = PhraseTable(seed: PatternSet.exactSeed), lower = PhraseTable(seed: PatternSet.lowerSeed)
    static let exactSeed: UInt64 = 0x5851_F42D_4C95_7F2D, lowerSeed: UInt64 = 0x1405_7B7E_F767_814F

    private(set) var tokenPatterns: [(rule: Int32, pattern: TokenPattern)] = []
    /// Per token pattern, the line it was read from (what a compiled file keeps of it); nil for
    /// one added with `add(_:)`.
    private(set) var tokenSources: [String?] = []
    /// Token patterns (indices into `tokenPatterns`) by the text or lowercase their first token must have.
    private var byText: [String: [Int32]] = [:], byLower: [String: [Int32]] = [:]
    private var everywhere: [Int32] = []
    /// What the token patterns test of a token.
    private var tokenNeeds: SentenceTokens.Needs = []

    package init() {}

    /// How many rules there are.
    package var count: Int { ruleLabels.count }

    /// Reads the patterns files in order (each may be gzip; see `EntityPattern.parse` for the
    /// lines; a file written by ``CompiledPatterns/write(_:to:)`` is read as such, see
    /// ``CompiledPatterns``). Throws `NERError` naming the file and line of the first bad line.
    package static func load(_ paths: [String]) throws -> PatternSet {
        var set = PatternSet()
        let tokenizer = Tokenizer()
        var words: [Range<Int>] = []
        var line: [UInt8] = []
        for path in paths {
            if CompiledPatterns.isCompiled(path: path) {
                let compiled = try CompiledPatterns.read(path)
                if set.count == 0 {
                    let earlier = set.files
                    set = compiled
                    set.files = earlier + compiled.files
                } else {
                    set.append(contentsOf: compiled)
                }
                continue
            }
            let reader = try LineReader(path: path)
            let before = set.count
            // Room for what a plain file of this size holds (a phrase rule is some 50 bytes, a
            // token some 8), so the arrays are not copied again and again as they grow.
            if let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil, size > 1 << 20 {
                set.exact.reserve(phrases: size / 64, tokens: size / 24)
                set.ruleLabels.reserveCapacity(set.ruleLabels.count + size / 64)
            }
            while try reader.next(into: &line) {
                // The common plain lines without the general reader (same rule, much faster).
                if let plain = line.withUnsafeBufferPointer({ PlainPatternLine($0, words: &words) }),
                   set.add(plain, &line, &words, tokenizer: tokenizer) {
                    continue
                }
                if let pattern = try EntityPattern.parse(line: line, path: path, line: reader.lineNumber, tokenizer: tokenizer) {
                    set.append(pattern, source: String(decoding: line, as: UTF8.self))
                }
            }
            // Each file's count is of the rules read, a repeated phrase included (as before).
            set.files.append(File(path: path, patterns: set.count - before))
        }
        set.exact.commit()
        set.lower.commit()
        return set
    }

    /// Adds a rule after the others.
    mutating func add(_ pattern: EntityPattern) {
        append(pattern)
        exact.commit()
        lower.commit()
    }

    /// Adds a rule after the others (`source`: the line it was read from, if any); a phrase is
    /// matched once its table is committed.
    private mutating func append(_ pattern: EntityPattern, source: String? = nil) {
        let rule = Int32(ruleLabels.count)
        let label = labelNumber(pattern.label)
        ruleLabels.append(label)
        if let id = pattern.id { ids[rule] = id }
        switch pattern.body {
        case .phrase(let tokens, let lower):
            if lower {
                self.lower.add(tokens, rule: rule)
            } else {
                exact.add(tokens, rule: rule)
            }
        case .tokens(let specs):
            appendTokens(specs, rule: rule, source: source)
        }
    }

    /// Indexes the token pattern `specs` of rule `rule` (whose label is set already).
    private mutating func appendTokens(_ specs: [TokenSpec], rule: Int32, source: String?) {
        guard let compiled = try? TokenPattern(specs) else { return }  // checked when read
        index(compiled, rule: rule, source: source)
    }

    /// Adds a compiled token pattern of rule `rule` to the patterns tried, indexed by its first element.
    private mutating func index(_ compiled: TokenPattern, rule: Int32, source: String?) {
        let index = Int32(tokenPatterns.count)
        tokenPatterns.append((rule, compiled))
        tokenSources.append(source)
        for step in compiled.steps { tokenNeeds.formUnion(step.needs) }
        if let first = compiled.firstRequired, let values = first.requiredValues(of: .text) {
            for v in values { byText[v, default: []].append(index) }
        } else if let first = compiled.firstRequired, let values = first.requiredValues(of: .lower) {
            for v in values { byLower[v, default: []].append(index) }
        } else {
            everywhere.append(index)
        }
    }

    /// The set made of a compiled file's parts (`CompiledPatterns`): its rules' labels and ids,
    /// its two phrase tables, and its token patterns, each read again from its line (`path`
    /// names the file in their errors).
    init(labels: [String], ruleLabels: [UInt16], ids: [Int32: String], exact: PhraseTable, lower: PhraseTable,
         tokenSources: [(rule: Int32, line: String)], path: String) throws {
        for label in labels { _ = labelNumber(label) }
        self.ruleLabels = ruleLabels
        self.ids = ids
        self.exact = exact
        self.lower = lower
        let tokenizer = Tokenizer()
        for (k, (rule, line)) in tokenSources.enumerated() {
            guard let pattern = try EntityPattern.parse(line: Array(line.utf8), path: path, line: k + 1, tokenizer: tokenizer),
                  case .tokens(let specs) = pattern.body else {
                throw NERError(path: path, "token pattern \(k + 1) is not a token pattern")
            }
            appendTokens(specs, rule: rule, source: line)
        }
    }

    /// Adds every rule of `other` after these (their numbers shifted, so that they keep their
    /// order and come after every rule here).
    mutating func append(contentsOf other: PatternSet) {
        let offset = Int32(ruleLabels.count)
        let labelMap = other.labels.map { labelNumber($0) }
        for l in other.ruleLabels { ruleLabels.append(labelMap[Int(l)]) }
        for (rule, id) in other.ids { ids[rule + offset] = id }
        other.exact.forEachPhrase { bytes, tokens, rule in exact.add(bytes, tokens: tokens, rule: rule + offset) }
        other.lower.forEachPhrase { bytes, tokens, rule in lower.add(bytes, tokens: tokens, rule: rule + offset) }
        for (k, (rule, pattern)) in other.tokenPatterns.enumerated() {
            index(pattern, rule: rule + offset, source: other.tokenSources[k])
        }
        files += other.files
        exact.commit()
        lower.commit()
    }

    /// Adds the phrase rule of a plain line (`line`'s bytes; lowercased in place when the rule
    /// says "lower"). False, and nothing added, when the tokenizer finds no token in the phrase.
    /// A phrase that is not only letters, digits and spaces is split by the tokenizer's scanner
    /// straight from the line's bytes (`Tokenizer.tokenRanges`: the tokens `tokenize` makes, as
    /// byte ranges, and a plain line is ASCII, which NFC leaves alone and which `lowercased()`
    /// lowercases byte by byte), so with no string made per token.
    private mutating func add(_ plain: PlainPatternLine, _ line: inout [UInt8], _ words: inout [Range<Int>], tokenizer: Tokenizer) -> Bool {
        if !plain.isPlain {
            guard let tokens = line.withUnsafeBufferPointer({ tokenizer.tokenRanges(UnsafeBufferPointer(rebasing: $0[plain.phrase])) }),
                  !tokens.isEmpty else { return false }
            words.removeAll(keepingCapacity: true)
            for r in tokens { words.append(plain.phrase.lowerBound + r.lowerBound..<plain.phrase.lowerBound + r.upperBound) }
        }
        let rule = Int32(ruleLabels.count)
        let label = line.withUnsafeBufferPointer { labelNumber(UnsafeBufferPointer(rebasing: $0[plain.label])) }
        ruleLabels.append(label)
        if let id = plain.id { ids[rule] = String(decoding: line[id], as: UTF8.self) }
        if plain.lower {
            for r in words {
                for i in r where line[i] >= 0x41 && line[i] <= 0x5A { line[i] |= 0x20 }
            }
            line.withUnsafeBufferPointer { lower.add($0, tokens: words, rule: rule) }
        } else {
            line.withUnsafeBufferPointer { exact.add($0, tokens: words, rule: rule) }
        }
        return true
    }

    private mutating func labelNumber(_ label: String) -> UInt16 {
        if let known = labelIndex[label] { return known }
        let number = UInt16(truncatingIfNeeded: labels.count)
        labelIndex[label] = number
        labels.append(label)
        labelBytes.append(Array(label.utf8))
        return number
    }

    private mutating func labelNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt16 {
        if labels.count <= 32 {
            for (k, known) in labelBytes.enumerated() where known.elementsEqual(bytes) { return UInt16(k) }
        }
        return labelNumber(String(decoding: bytes, as: UTF8.self))
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
        var needs = tokenNeeds
        if !exact.isEmpty { needs.insert(.textBytes) }
        if !lower.isEmpty { needs.insert(.lowerBytes) }
        if !byLower.isEmpty { needs.insert(.lowers) }
        let sentence = SentenceTokens(tokens, needs: needs)
        var found: [PatternMatch] = []
        found.reserveCapacity(tokens.count)
        func add(_ start: Int, _ end: Int, _ rule: Int32) {
            found.append(PatternMatch(start: start, end: end, rule: Int(rule)))
        }
        if !exact.isEmpty {
            sentence.textBytes.withUnsafeBufferPointer { bytes in
                let hashes = sentence.textRanges.map { PhraseTable.tokenHash(UnsafeBufferPointer(rebasing: bytes[$0])) }
                exact.forEachMatch(bytes, tokens: sentence.textRanges, hashes: hashes, add)
            }
        }
        if !lower.isEmpty {
            sentence.lowerBytes.withUnsafeBufferPointer { bytes in
                let hashes = sentence.lowerRanges.map { PhraseTable.tokenHash(UnsafeBufferPointer(rebasing: bytes[$0])) }
                lower.forEachMatch(bytes, tokens: sentence.lowerRanges, hashes: hashes, add)
            }
        }
        if !tokenPatterns.isEmpty {
            for start in tokens.indices {
                func run(_ index: Int32) {
                    let (rule, pattern) = tokenPatterns[Int(index)]
                    pattern.forEachEnd(from: start, in: sentence) { end in add(start, end, rule) }
                }
                if !byText.isEmpty, let list = byText[tokens[start]] { list.forEach(run) }
                if !byLower.isEmpty, let list = byLower[sentence.lowers[start]] { list.forEach(run) }
                everywhere.forEach(run)
            }
        }
        return PatternMatch.resolve(found, tokenCount: tokens.count)
    }
}
