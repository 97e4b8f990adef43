/// Rules from patterns files (`PatternSet`) and how their matches combine with the model's
/// entities (`PatternMode`): what `ner tag`, `ner eval` and `ner serve` apply after the model.
/// When rules take part every entity says where it came from (`TaggedEntity.source`).
package struct EntityRules: Sendable {
    package let patterns: PatternSet
    package let mode: PatternMode

    package init(patterns: PatternSet, mode: PatternMode) {
        self.patterns = patterns
        self.mode = mode
    }

    /// Whether the model needs to run at all.
    package var needsModel: Bool { mode != .only }

    /// The entities of one sentence (its tokens as the model reads them) after the rules:
    /// `model` is the model's result (ignored, and may be empty, in `.only` mode). Tags are
    /// rewritten in `scheme` from the entities when the rules changed them.
    package func apply(_ model: TaggedSentence, tokens: [String], scheme: TagScheme) -> TaggedSentence {
        apply(model, tokens: tokens, matches: patterns.matches(in: tokens), scheme: scheme)
    }

    /// `apply(_:tokens:scheme:)` with the rules' matches found already (`patterns.matches(in: tokens)`,
    /// e.g. on the thread that read the sentence).
    package func apply(_ model: TaggedSentence, tokens: [String], matches: [PatternMatch], scheme: TagScheme) -> TaggedSentence {
        let found = matches.map { m in
            TaggedEntity(label: patterns.label(of: m.rule), tokenStart: m.start, tokenEnd: m.end, score: 1,
                         source: .pattern, patternID: patterns.id(of: m.rule))
        }
        let modelEntities = mode == .only ? [] : model.entities.map { e -> TaggedEntity in
            var e = e
            e.source = .model
            return e
        }
        let entities = Self.combine(model: modelEntities, matches: found, mode: mode)
        var result = TaggedSentence(tags: model.tags, entities: entities)
        // The model's tags stand where no match was kept (in `.fill`, every match overlapped a
        // model entity); `.only` has no model tags.
        if mode != .only && (found.isEmpty || (mode == .fill && entities.count == modelEntities.count)) { return result }
        result.tags = scheme.tags(for: entities.map { EntitySpan(type: $0.label, start: $0.tokenStart, end: $0.tokenEnd) },
                                  count: tokens.count)
        return result
    }

    /// The model's entities and the rules' matches (each list free of overlaps) combined:
    /// `.fill` keeps every model entity and adds the matches that overlap none; `.override`
    /// keeps every match and the model entities that overlap none; `.only` keeps the matches.
    /// Sorted by start.
    static func combine(model: [TaggedEntity], matches: [TaggedEntity], mode: PatternMode) -> [TaggedEntity] {
        func overlaps(_ a: TaggedEntity, _ b: TaggedEntity) -> Bool {
            a.tokenStart < b.tokenEnd && b.tokenStart < a.tokenEnd
        }
        var out: [TaggedEntity]
        switch mode {
        case .only:
            out = matches
        case .fill:
            out = model + matches.filter { m in !model.contains { overlaps($0, m) } }
        case .override:
            out = model.filter { e in !matches.contains { overlaps($0, e) } } + matches
        }
        return out.sorted { $0.tokenStart < $1.tokenStart }
    }
}
