/// How an annotation tool counts the character offsets of its spans: Unicode code points (Python
/// `str` indices: spaCy, Prodigy, doccano since 2019, brat, Label Studio since its emoji fix) or
/// UTF-16 code units (JavaScript `String.length`: older Label Studio and doccano exports). The two
/// differ only after a character outside the Basic Multilingual Plane, such as most emoji.
public enum OffsetUnit: String, Sendable, CaseIterable, Codable {
    /// Unicode code points (scalars), as Python indexes a `str`.
    case codepoints
    /// UTF-16 code units, as JavaScript indexes a string.
    case utf16
}

/// What to do with an entity span that starts or ends inside one of `ner`'s tokens ("US" marked
/// inside "US-based"):
/// - `expand` (`ner`'s default): widen the span to the whole tokens it touches, the tokens
///   `ner tag` sees in the same text;
/// - `split`: cut the token at the span's edge, so the span is exactly what was marked;
/// - `skip`: drop the span (the tokens stay outside any entity);
/// - `error`: stop with an error naming the record and the span.
public enum MisalignedSpanPolicy: String, Sendable, CaseIterable, Codable {
    /// Cut the token at the span's edge.
    case split
    /// Widen the span to whole tokens.
    case expand
    /// Drop the span.
    case skip
    /// Stop with an error naming the record and the span.
    case error
}

/// How the text of an annotated document is cut into tokens and sentences when the export does
/// not give tokens: `ner`'s own tokenizer and sentence splitter, or runs of non-space characters
/// with a sentence per line (for text that was tokenised before it was annotated).
public enum AnnotationTokenization: String, Sendable, CaseIterable, Codable {
    /// `ner`'s tokenizer and sentence splitter, as `ner tag` cuts raw text.
    case ner
    /// Runs of non-space characters, a sentence per line.
    case whitespace
}

/// One entity span as an annotation tool exported it, in the tool's offsets (end exclusive).
package struct CharacterSpan: Sendable, Equatable {
    var start: Int
    var end: Int
    var label: String
    /// The text the tool says the span covers, when it says so (Label Studio's `value.text`):
    /// it tells code-point offsets from UTF-16 ones.
    var text: String?
    /// The line of the span itself, when it has one (a brat `.ann` line).
    var line: Int?
    /// A model's score for the span (pre-annotations), when there is one.
    var score: Double?

    init(start: Int, end: Int, label: String, text: String? = nil, line: Int? = nil, score: Double? = nil) {
        self.start = start
        self.end = end
        self.label = label
        self.text = text
        self.line = line
        self.score = score
    }
}

/// Where a record of an annotation export is, for messages: the file, the line its record starts
/// on, and its name in the file ("record 3", "task 2 (id 17)", "doc1.ann").
package struct RecordLocation: Sendable, Equatable, Codable {
    package var path: String
    package var line: Int?
    package var name: String

    package init(path: String, line: Int?, name: String) {
        self.path = path
        self.line = line
        self.name = name
    }
}

/// One document of an annotation tool's export before alignment: its text, its entity spans,
/// and the tokens the export gives (spaCy and Prodigy write them), if any.
package struct AnnotatedText: Sendable {
    package var text: String
    var spans: [CharacterSpan]
    /// Token offsets given by the export, in `unit`; nil when `ner` tokenises the text.
    package var tokens: [Range<Int>]?
    /// Sentences given by the export as token index ranges (ner's own `sentences` field).
    package var sentences: [Range<Int>]?
    package var unit: OffsetUnit
    package var location: RecordLocation
    /// The record's own JSON text, for writers that pass its other fields through.
    package var raw: [UInt8]?

    package init(text: String, spans: [CharacterSpan], tokens: [Range<Int>]? = nil, sentences: [Range<Int>]? = nil,
                unit: OffsetUnit = .codepoints, location: RecordLocation, raw: [UInt8]? = nil) {
        self.text = text
        self.spans = spans
        self.tokens = tokens
        self.sentences = sentences
        self.unit = unit
        self.location = location
        self.raw = raw
    }
}

/// One token of an aligned document: its text and code-point offsets into the document's text.
package struct AlignedToken: Sendable, Equatable {
    /// The token as the model reads it (NFC).
    package var text: String
    package var start: Int
    package var end: Int

    init(text: String, start: Int, end: Int) {
        self.text = text
        self.start = start
        self.end = end
    }
}

/// An entity of an aligned document: code-point offsets into its text and the tokens it covers.
package struct AlignedEntity: Sendable, Equatable {
    package var start: Int
    package var end: Int
    package var label: String
    /// Token indices across the whole document, end exclusive.
    package var tokenStart: Int
    package var tokenEnd: Int
    package var score: Double?

    init(start: Int, end: Int, label: String, tokenStart: Int, tokenEnd: Int, score: Double? = nil) {
        self.start = start
        self.end = end
        self.label = label
        self.tokenStart = tokenStart
        self.tokenEnd = tokenEnd
        self.score = score
    }
}

/// A document whose entities sit on token boundaries: what every reader hands on (training reads
/// its sentences, `ner convert` and `ner tag` write it in another format).
package struct AlignedDocument: Sendable {
    package var text: String
    package var tokens: [AlignedToken]
    /// Token index ranges, in order, covering all tokens.
    package var sentences: [Range<Int>]
    package var entities: [AlignedEntity]
    package var location: RecordLocation
    package var raw: [UInt8]?
    /// The line of each token in the input, for formats with a token per line (else the record's line).
    var tokenLines: [Int]?

    init(text: String, tokens: [AlignedToken], sentences: [Range<Int>], entities: [AlignedEntity],
                location: RecordLocation, raw: [UInt8]? = nil, tokenLines: [Int]? = nil) {
        self.text = text
        self.tokens = tokens
        self.sentences = sentences
        self.entities = entities
        self.location = location
        self.raw = raw
        self.tokenLines = tokenLines
    }

    /// The IOB2 tags of every token of the document.
    package var tags: [String] {
        TagScheme.iob2.tags(for: entities.map { EntitySpan(type: $0.label, start: $0.tokenStart, end: $0.tokenEnd) },
                            count: tokens.count)
    }

    /// The document as column-file sentences (IOB2 tags), the first one starting a document.
    var conllSentences: [CoNLLSentence] {
        let tags = self.tags
        return sentences.enumerated().map { k, range in
            let words = range.map { tokens[$0].text }
            let lines = range.map { tokenLines?[$0] ?? location.line ?? 0 }
            return CoNLLSentence(tokens: words, tags: Array(tags[range]), lines: words, lineNumbers: lines,
                                 startsDocument: k == 0, documentLine: k == 0 ? "-DOCSTART- -X- -X- O" : nil)
        }
    }

    /// A document built from tokenised sentences (a column file): its text is the tokens joined
    /// by single spaces, a sentence per line with a blank line between sentences (so that `ner`'s
    /// sentence splitter, which ends a sentence at every blank line, finds them again), and its
    /// entities are the tags' spans.
    package init(sentences input: [CoNLLSentence], location: RecordLocation) {
        var count = 0, byteCount = 0
        for sentence in input {
            count += sentence.tokens.count
            for word in sentence.tokens { byteCount += word.utf8.count + 1 }
            byteCount += 1
        }
        var text: [UInt8] = [], offset = 0
        var tokens: [AlignedToken] = [], ranges: [Range<Int>] = [], entities: [AlignedEntity] = [], lines: [Int] = []
        text.reserveCapacity(byteCount)
        tokens.reserveCapacity(count)
        lines.reserveCapacity(count)
        ranges.reserveCapacity(input.count)
        for (k, sentence) in input.enumerated() {
            if k > 0 { text.append(0x0A); text.append(0x0A); offset += 2 }
            let first = tokens.count
            for (i, word) in sentence.tokens.enumerated() {
                if i > 0 { text.append(0x20); offset += 1 }
                var bytes = word
                let length = bytes.withUTF8 { utf8 in
                    text.append(contentsOf: utf8)
                    // Code points: the UTF-8 bytes that do not continue one.
                    var n = 0
                    for b in utf8 where b & 0xC0 != 0x80 { n += 1 }
                    return n
                }
                tokens.append(AlignedToken(text: word, start: offset, end: offset + length))
                lines.append(i < sentence.lineNumbers.count ? sentence.lineNumbers[i] : 0)
                offset += length
            }
            ranges.append(first..<tokens.count)
            for span in EntitySpan.spans(in: sentence.tags) {
                entities.append(AlignedEntity(start: tokens[first + span.start].start, end: tokens[first + span.end - 1].end,
                                              label: span.type, tokenStart: first + span.start, tokenEnd: first + span.end))
            }
        }
        self.init(text: String(decoding: text, as: UTF8.self), tokens: tokens, sentences: ranges, entities: entities,
                  location: location, tokenLines: lines)
    }
}
