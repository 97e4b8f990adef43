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
        func entity(_ m: PatternMatch) -> TaggedEntity {
            TaggedEntity(label: patterns.label(of: m.rule), tokenStart: m.start, tokenEnd: m.end, score: 1,
                         source: .pattern, patternID: patterns.id(of: m.rule))
        }
        if mode == .only {
            let found = matches.map(entity)
            return TaggedSentence(tags: scheme.tags(for: found.map(\.span), count: tokens.count), entities: found)
        }
        var result = model
        for k in result.entities.indices { result.entities[k].source = .model }
        if matches.isEmpty { return result }
        if mode == .fill {
            // The matches that overlap no model entity, made entities; the model's tags stand
            // elsewhere, so only the added spans are written (unless a span's tags depend on its
            // neighbours').
            let model = result.entities
            let added = matches.filter { m in !model.contains { $0.tokenStart < m.end && m.start < $0.tokenEnd } }.map(entity)
            if added.isEmpty { return result }
            result.entities = (model + added).sorted { $0.tokenStart < $1.tokenStart }
            if scheme.dependsOnNeighbours || result.tags.count != tokens.count {
                result.tags = scheme.tags(for: result.entities.map(\.span), count: tokens.count)
            } else {
                for e in added { scheme.write(e.span, into: &result.tags) }
            }
            return result
        }
        let entities = Self.combine(model: result.entities, matches: matches.map(entity), mode: mode)
        return TaggedSentence(tags: scheme.tags(for: entities.map(\.span), count: tokens.count), entities: entities)
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

private extension TaggedEntity {
    var span: EntitySpan { EntitySpan(type: label, start: tokenStart, end: tokenEnd) }
}
