/// Where a rule matched: tokens `start..<end` of a sentence, and which rule (its number in the
/// order the rules were read).
package struct PatternMatch: Sendable, Equatable {
    package var start: Int
    package var end: Int
    package var rule: Int

    init(start: Int, end: Int, rule: Int) {
        self.start = start
        self.end = end
        self.rule = rule
    }

    /// The matches that survive when no two may share a token: the longest first, then the
    /// earlier rule (the first in the file), then the earlier start; each is kept if none of its
    /// tokens is taken yet. Sorted by start.
    static func resolve(_ matches: [PatternMatch], tokenCount: Int) -> [PatternMatch] {
        if matches.count <= 1 { return matches }
        // Sorted by start and disjoint already (the common case): every match is kept.
        var disjoint = matches[0].start >= 0 && matches[0].start < matches[0].end
        for k in 1..<matches.count where disjoint {
            let m = matches[k]
            disjoint = m.start >= matches[k - 1].end && m.start < m.end
        }
        if disjoint && matches[matches.count - 1].end <= tokenCount { return matches }
        let ordered = matches.sorted {
            let a = $0.end - $0.start, b = $1.end - $1.start
            if a != b { return a > b }
            if $0.rule != $1.rule { return $0.rule < $1.rule }
            return $0.start < $1.start
        }
        var taken = [Bool](repeating: false, count: tokenCount)
        var kept: [PatternMatch] = []
        kept.reserveCapacity(ordered.count)
        for m in ordered where m.start >= 0 && m.end <= tokenCount && m.start < m.end {
            if taken[m.start..<m.end].contains(true) { continue }
            for k in m.start..<m.end { taken[k] = true }
            kept.append(m)
        }
        return kept.sorted { $0.start < $1.start }
    }
}
