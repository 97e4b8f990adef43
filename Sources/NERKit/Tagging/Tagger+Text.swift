/// A sentence of raw text as ``Tagger/tag(text:)`` found and tagged it.
public struct TaggedText: Sendable, Equatable {
    /// One token: as written in the text, and where (Unicode code point offsets into the text
    /// given to ``Tagger/tag(text:)``, end exclusive, as Python's `str` indices).
    public struct Token: Sendable, Equatable {
        /// The token as written.
        public var text: String
        /// Code point offset of the token's first character.
        public var start: Int
        /// Code point offset just past the token's last character.
        public var end: Int

        /// A token with its text and offsets.
        public init(text: String, start: Int, end: Int) {
            self.text = text
            self.start = start
            self.end = end
        }
    }

    /// The sentence as written, from its first token's start to its last token's end.
    public var text: String
    /// Code point offsets of ``text`` in the tagged text.
    public var start: Int
    /// Code point offset just past the sentence's end.
    public var end: Int
    /// The sentence's tokens, in order.
    public var tokens: [Token]
    /// One tag per token, in the scheme of the model's training data.
    public var tags: [String]
    /// The entities found, in order of their start.
    public var entities: [TextEntity]

    /// A tagged sentence of these parts.
    public init(text: String, start: Int, end: Int, tokens: [Token], tags: [String], entities: [TextEntity]) {
        self.text = text
        self.start = start
        self.end = end
        self.tokens = tokens
        self.tags = tags
        self.entities = entities
    }
}

/// An entity found in raw text: the objects `ner tag --format json` writes.
public struct TextEntity: Sendable, Equatable {
    /// The entity type, such as `PER` or `LOC`.
    public var label: String
    /// The entity as written in the text, spacing included.
    public var text: String
    /// Code point offsets into the tagged text, end exclusive.
    public var start: Int
    /// Code point offset just past the entity's end.
    public var end: Int
    /// Tokens `tokenStart..<tokenEnd` of its sentence.
    public var tokenStart: Int
    /// Index just past the entity's last token.
    public var tokenEnd: Int
    /// The model's probability for exactly this entity (1 for an entity a rule found).
    public var score: Double
    /// Who found the entity when rules took part; nil when they did not.
    public var source: EntitySource?
    /// The `id` of the rule that found the entity, if it has one.
    public var patternID: String?

    /// An entity of these parts.
    public init(label: String, text: String, start: Int, end: Int, tokenStart: Int, tokenEnd: Int, score: Double,
                source: EntitySource? = nil, patternID: String? = nil) {
        self.source = source
        self.patternID = patternID
        self.label = label
        self.text = text
        self.start = start
        self.end = end
        self.tokenStart = tokenStart
        self.tokenEnd = tokenEnd
        self.score = score
    }
}

extension Tagger {
    /// Tags raw text exactly as `ner tag --format json` tags a file holding it: paragraphs at
    /// blank lines, the tokenizer's sentences and tokens (Unicode NFC, any casing), sentences of
    /// more than 1,000 tokens tagged in pieces; for a model with document context, every
    /// paragraph a document.
    public func tag(text: String) -> [TaggedText] {
        let sentences = TextSentences.of(text)
        let tagged = tagWithBoundedMemory(sentences.map(\.modelTokens),
                                          documents: Documents.ids(startingDocuments: sentences.map(\.startsDocument)))
        return zip(sentences, tagged).map { sentence, result in
            sentence.taggedText(result)
        }
    }
}

extension TagInputSentence {
    /// An entity of this sentence with its text and code point offsets: what `ner tag --format
    /// json`, the HTTP service and ``Tagger/tag(text:)`` report. Nil when the entity's tokens are
    /// not all in the sentence.
    package func textEntity(_ entity: TaggedEntity) -> TextEntity? {
        guard entity.tokenStart >= 0 && entity.tokenStart < entity.tokenEnd && entity.tokenEnd <= tokens.count else { return nil }
        return TextEntity(label: entity.label, text: text(tokens: entity.tokenStart..<entity.tokenEnd),
                          start: tokens[entity.tokenStart].start, end: tokens[entity.tokenEnd - 1].end,
                          tokenStart: entity.tokenStart, tokenEnd: entity.tokenEnd, score: entity.score,
                          source: entity.source, patternID: entity.patternID)
    }

    /// This sentence with a tagging result attached, offsets as in its tokens.
    func taggedText(_ result: TaggedSentence) -> TaggedText {
        TaggedText(text: text, start: start, end: start + text.unicodeScalars.count,
                   tokens: tokens.map { TaggedText.Token(text: $0.text, start: $0.start, end: $0.end) },
                   tags: result.tags, entities: result.entities.compactMap(textEntity))
    }
}
