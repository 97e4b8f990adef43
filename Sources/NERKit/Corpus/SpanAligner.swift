import Foundation

/// Puts the character spans of an annotation export onto `ner`'s own tokens, the step users of
/// annotation tools otherwise write by hand and get wrong. In order:
///
/// 1. offsets are read in the export's unit (UTF-16 units become code points; a span whose own
///    text matches only as UTF-16 is read so) and checked: an offset past the end of the text,
///    an end before the start or a negative offset is an error naming the record;
/// 2. spaces at a span's edges are left out of it (a span of spaces only is dropped);
/// 3. spans whose start or end falls inside a token are handled by the policy (`split`,
///    `expand`, `skip`, `error`);
/// 4. of overlapping or nested spans the outer (longest, then first) is kept and each other is
///    dropped;
/// 5. sentences a span crosses are joined, and tokens get IOB2 tags.
///
/// Every change is reported as an `AlignmentAdjustment`.
package struct SpanAligner: Sendable {
    package var policy: MisalignedSpanPolicy
    package var tokenization: AnnotationTokenization

    package init(policy: MisalignedSpanPolicy = .expand, tokenization: AnnotationTokenization = .ner) {
        self.policy = policy
        self.tokenization = tokenization
    }

    private struct Span {
        var start: Int, end: Int, label: String, score: Double?
    }

    /// The aligned document and what was changed to get it. Throws a `NERError` naming the
    /// record for offsets that cannot be right, and (policy `error`) for a span off token boundaries.
    package func align(_ input: AnnotatedText) throws -> (AlignedDocument, [AlignmentAdjustment]) {
        let location = input.location
        var adjustments: [AlignmentAdjustment] = []
        func fail(_ message: String, line: Int? = nil) -> NERError {
            NERError(path: location.path, line: line ?? location.line, "\(location.name): \(message)")
        }
        let scalars = Array(input.text.unicodeScalars)
        let n = scalars.count
        let utf16Starts: [Int]? = Self.needsUTF16Map(input) ? Self.utf16Starts(scalars) : nil

        func toScalar(_ offset: Int, _ unit: OffsetUnit, what: String, line: Int?) throws -> Int {
            guard offset >= 0 else { throw fail("\(what) offset \(offset) is negative", line: line) }
            switch unit {
            case .codepoints:
                guard offset <= n else {
                    throw fail("\(what) offset \(offset) is past the end of the text (\(n) code points)", line: line)
                }
                return offset
            case .utf16:
                let starts = utf16Starts ?? Self.utf16Starts(scalars)
                guard offset <= starts[n] else {
                    throw fail("\(what) offset \(offset) is past the end of the text (\(starts[n]) UTF-16 units)", line: line)
                }
                guard let i = Self.index(of: offset, in: starts) else {
                    throw fail("\(what) offset \(offset) falls inside a UTF-16 surrogate pair", line: line)
                }
                return i
            }
        }
        func slice(_ s: Int, _ e: Int) -> String {
            String(String.UnicodeScalarView(scalars[s..<e]))
        }

        // 1. Offsets and labels.
        var spans: [Span] = []
        for raw in input.spans {
            guard raw.end >= raw.start else {
                throw fail("span end \(raw.end) is before its start \(raw.start)", line: raw.line)
            }
            let label = Self.trimmed(raw.label)
            guard !label.isEmpty else { throw fail("span [\(raw.start), \(raw.end)) has an empty label", line: raw.line) }
            var unit = input.unit
            if unit == .codepoints, let text = raw.text, raw.start >= 0, raw.end <= n, slice(raw.start, raw.end) != text,
               let s = try? toScalar(raw.start, .utf16, what: "start", line: raw.line),
               let e = try? toScalar(raw.end, .utf16, what: "end", line: raw.line), slice(s, e) == text {
                unit = .utf16
                adjustments.append(AlignmentAdjustment(.utf16Offsets, location, start: s, end: e, label: label,
                                                       detail: "the span's text \"\(text)\" is at these offsets only when they count UTF-16 units"))
            }
            let s = try toScalar(raw.start, unit, what: "start", line: raw.line)
            let e = try toScalar(raw.end, unit, what: "end", line: raw.line)
            if let text = raw.text, slice(s, e) != text, unit == input.unit {
                adjustments.append(AlignmentAdjustment(.textMismatch, location, start: s, end: e, label: label,
                                                       detail: "the export says \"\(text)\", the text has \"\(slice(s, e))\""))
            }
            var tag = label
            if tag.contains(where: { $0.isWhitespace }) {
                tag = String(tag.map { $0.isWhitespace ? "_" : $0 })
                adjustments.append(AlignmentAdjustment(.relabeled, location, start: s, end: e, label: tag,
                                                       detail: "\"\(label)\" became \"\(tag)\" (a tag cannot hold spaces)"))
            }
            spans.append(Span(start: s, end: e, label: tag, score: raw.score))
        }

        // 2. Spaces at the edges.
        var trimmed: [Span] = []
        for var span in spans {
            let original = span
            while span.start < span.end && scalars[span.start].isUnicodeWhitespace { span.start += 1 }
            while span.end > span.start && scalars[span.end - 1].isUnicodeWhitespace { span.end -= 1 }
            if span.start == span.end {
                adjustments.append(AlignmentAdjustment(.droppedEmpty, location, start: original.start, end: original.end,
                                                       label: original.label, detail: "the span covers no text but spaces"))
                continue
            }
            if span.start != original.start || span.end != original.end {
                adjustments.append(AlignmentAdjustment(.trimmed, location, start: span.start, end: span.end, label: span.label,
                                                       detail: "[\(original.start), \(original.end)) became [\(span.start), \(span.end))"))
            }
            trimmed.append(span)
        }

        // Tokens and sentences before any cut.
        var (tokens, sentenceStarts) = try baseTokens(input, scalars: scalars, toScalar: { try toScalar($0, input.unit, what: "token", line: nil) })

        func containing(_ position: Int) -> Int? {
            // The token with start < position < end, if any.
            var lo = 0, hi = tokens.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if tokens[mid].end <= position { lo = mid + 1 } else { hi = mid }
            }
            return lo < tokens.count && tokens[lo].start < position && position < tokens[lo].end ? lo : nil
        }

        // 3. Spans off token boundaries (expand, skip, error here; split after overlaps).
        var placed: [Span] = []
        for var span in trimmed {
            let startToken = containing(span.start), endToken = containing(span.end)
            guard startToken != nil || endToken != nil else {
                placed.append(span)
                continue
            }
            let words = [startToken, endToken].compactMap { $0 }.map { "\"\(slice(tokens[$0].start, tokens[$0].end))\"" }
            let detail = "\"\(slice(span.start, span.end))\" is part of the token\(words.count > 1 && words[0] != words[1] ? "s" : "") "
                + Array(Set(words)).sorted().joined(separator: " and ")
            switch policy {
            case .error:
                throw fail("span [\(span.start), \(span.end)) \(span.label): \(detail) (tokens are cut where ner's tokenizer cuts them)")
            case .skip:
                adjustments.append(AlignmentAdjustment(.skippedMisaligned, location, start: span.start, end: span.end, label: span.label, detail: detail))
            case .expand:
                let before = (span.start, span.end)
                if let t = startToken { span.start = tokens[t].start }
                if let t = endToken { span.end = tokens[t].end }
                adjustments.append(AlignmentAdjustment(.expanded, location, start: span.start, end: span.end, label: span.label,
                                                       detail: "[\(before.0), \(before.1)) became [\(span.start), \(span.end)): \(detail)"))
                placed.append(span)
            case .split:
                placed.append(span)
            }
        }

        // 4. Overlaps: the outer span is kept.
        placed.sort { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
        var kept: [Span] = []
        for span in placed {
            if let last = kept.last, span.start < last.end {
                let how = span.end <= last.end ? "nested in" : "overlaps"
                adjustments.append(AlignmentAdjustment(.droppedOverlap, location, start: span.start, end: span.end, label: span.label,
                                                       detail: "\"\(slice(span.start, span.end))\" \(how) [\(last.start), \(last.end)) \(last.label), which is kept"))
                continue
            }
            kept.append(span)
        }

        // 3b. Split: cut tokens at the kept spans' edges.
        if policy == .split {
            var cuts: [Int: Set<Int>] = [:]
            for span in kept {
                for position in [span.start, span.end] {
                    if let t = containing(position) {
                        cuts[t, default: []].insert(position)
                        adjustments.append(AlignmentAdjustment(.splitToken, location, start: span.start, end: span.end, label: span.label,
                                                               detail: "\"\(slice(tokens[t].start, tokens[t].end))\" cut at \(position)"))
                    }
                }
            }
            if !cuts.isEmpty {
                var newTokens: [Range<Int>] = [], newStarts: [Int] = []
                var nextSentence = 0
                for (i, token) in tokens.enumerated() {
                    if nextSentence < sentenceStarts.count && sentenceStarts[nextSentence] == i {
                        newStarts.append(newTokens.count)
                        nextSentence += 1
                    }
                    // A piece is trimmed of the whitespace at its ends (a given token may hold
                    // spaces), and a piece of whitespace alone is no token.
                    func append(_ s: Int, _ e: Int) {
                        var s = s, e = e
                        while s < e && scalars[s].isUnicodeWhitespace { s += 1 }
                        while e > s && scalars[e - 1].isUnicodeWhitespace { e -= 1 }
                        if s < e { newTokens.append(s..<e) }
                    }
                    var at = token.start
                    for cut in (cuts[i] ?? []).sorted() {
                        append(at, cut)
                        at = cut
                    }
                    append(at, token.end)
                }
                tokens = newTokens
                sentenceStarts = newStarts
            }
        }

        // 5. Entities on tokens; sentences a span crosses are joined.
        var entities: [AlignedEntity] = []
        var removedStarts = Set<Int>()
        var searchFrom = 0
        for span in kept {
            while searchFrom < tokens.count && tokens[searchFrom].end <= span.start { searchFrom += 1 }
            var last = searchFrom
            while last < tokens.count && tokens[last].start < span.end { last += 1 }
            guard last > searchFrom else {
                adjustments.append(AlignmentAdjustment(.droppedEmpty, location, start: span.start, end: span.end, label: span.label,
                                                       detail: "\"\(slice(span.start, span.end))\" covers no token"))
                continue
            }
            let first = searchFrom
            for s in sentenceStarts where s > first && s < last && !removedStarts.contains(s) {
                removedStarts.insert(s)
                adjustments.append(AlignmentAdjustment(.joinedSentences, location, start: span.start, end: span.end, label: span.label,
                                                       detail: "the span crosses a sentence end, so the sentences were joined"))
            }
            entities.append(AlignedEntity(start: tokens[first].start, end: tokens[last - 1].end, label: span.label,
                                          tokenStart: first, tokenEnd: last, score: span.score))
        }
        let starts = sentenceStarts.filter { !removedStarts.contains($0) }
        var sentences: [Range<Int>] = []
        for (k, s) in starts.enumerated() {
            let e = k + 1 < starts.count ? starts[k + 1] : tokens.count
            if e > s { sentences.append(s..<e) }
        }
        let code = CodePointText(input.text)
        let aligned = tokens.map { AlignedToken(text: code.nfc($0), start: $0.lowerBound, end: $0.upperBound) }
        return (AlignedDocument(text: input.text, tokens: aligned, sentences: sentences, entities: entities,
                                location: location, raw: input.raw), adjustments)
    }

    /// The tokens (code-point ranges, in order) and the index of each sentence's first token.
    private func baseTokens(_ input: AnnotatedText, scalars: [Unicode.Scalar],
                            toScalar: (Int) throws -> Int) throws -> ([Range<Int>], [Int]) {
        if let given = input.tokens {
            var tokens: [Range<Int>] = []
            var kept: [Int] = []  // given index -> kept index
            var previousEnd = 0
            for (i, range) in given.enumerated() {
                let s = try toScalar(range.lowerBound), e = try toScalar(range.upperBound)
                guard s >= previousEnd, e >= s else {
                    throw NERError(path: input.location.path, line: input.location.line,
                                   "\(input.location.name): token \(i) [\(range.lowerBound), \(range.upperBound)) overlaps the token before it or ends before it starts")
                }
                previousEnd = e
                kept.append(tokens.count)
                // Whitespace tokens (spaCy writes them for extra spaces and line breaks) are no tokens here.
                if scalars[s..<e].allSatisfy({ $0.isUnicodeWhitespace }) { continue }
                // Whitespace at a given token's ends is not part of it.
                var a = s, b = e
                while scalars[a].isUnicodeWhitespace { a += 1 }
                while scalars[b - 1].isUnicodeWhitespace { b -= 1 }
                tokens.append(a..<b)
            }
            var starts: [Int] = []
            if let sentences = input.sentences {
                for range in sentences where range.lowerBound < given.count {
                    let k = kept[range.lowerBound]
                    if k < tokens.count && starts.last.map({ k > $0 }) ?? true { starts.append(k) }
                }
                if starts.first != 0 && !tokens.isEmpty { starts.insert(0, at: 0) }
            } else {
                starts = sentenceStartsFromText(tokens, text: input.text)
            }
            return (tokens, tokens.isEmpty ? [] : starts)
        }
        switch tokenization {
        case .ner:
            var tokens: [Range<Int>] = [], starts: [Int] = []
            for sentence in Tokenizer().sentences(input.text) {
                starts.append(tokens.count)
                for t in sentence.tokens { tokens.append(t.scalarStart..<t.scalarEnd) }
            }
            return (tokens, starts)
        case .whitespace:
            var tokens: [Range<Int>] = [], starts: [Int] = []
            var start: Int?
            var newLine = true
            for (i, s) in scalars.enumerated() {
                if s.isUnicodeWhitespace {
                    if let b = start { tokens.append(b..<i); start = nil }
                    if s == "\n" || s == "\r" || s == "\u{2028}" || s == "\u{2029}" || s == "\u{85}" { newLine = true }
                } else if start == nil {
                    start = i
                    if newLine { starts.append(tokens.count); newLine = false }
                }
            }
            if let b = start { tokens.append(b..<scalars.count) }
            return (tokens, starts)
        }
    }

    /// Sentence starts for given tokens: where `ner`'s sentence splitter starts a sentence at a
    /// given token's start.
    private func sentenceStartsFromText(_ tokens: [Range<Int>], text: String) -> [Int] {
        guard !tokens.isEmpty else { return [] }
        var starts = [0]
        var k = 0
        for sentence in Tokenizer().sentences(text).dropFirst() {
            while k < tokens.count && tokens[k].lowerBound < sentence.scalarStart { k += 1 }
            if k < tokens.count && tokens[k].lowerBound == sentence.scalarStart && k > starts.last! { starts.append(k) }
        }
        return starts
    }

    /// `label` without white space and line ends at its ends. A label that starts and ends with
    /// printable ASCII other than the space (all but the odd one) is returned as it is, without
    /// Foundation's search through a character set.
    private static func trimmed(_ label: String) -> String {
        let u = label.utf8
        if let first = u.first, let last = u.last, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) { return label }
        return label.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func needsUTF16Map(_ input: AnnotatedText) -> Bool {
        input.unit == .utf16 || input.spans.contains { $0.text != nil }
    }

    /// The UTF-16 offset of each scalar, and the total length last.
    private static func utf16Starts(_ scalars: [Unicode.Scalar]) -> [Int] {
        var starts = [Int]()
        starts.reserveCapacity(scalars.count + 1)
        var at = 0
        for s in scalars {
            starts.append(at)
            at += s.value > 0xFFFF ? 2 : 1
        }
        starts.append(at)
        return starts
    }

    private static func index(of offset: Int, in starts: [Int]) -> Int? {
        var lo = 0, hi = starts.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if starts[mid] == offset { return mid }
            if starts[mid] < offset { lo = mid + 1 } else { hi = mid - 1 }
        }
        return nil
    }
}

private extension Range where Bound == Int {
    var start: Int { lowerBound }
    var end: Int { upperBound }
}
