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
    /// e.g. on the thread that read the sentence). `.fill` keeps every model entity and adds the
    /// matches that overlap none; `.override` keeps every match and the model entities that
    /// overlap none; `.only` keeps the matches. Entities come sorted by start.
    package func apply(_ model: TaggedSentence, tokens: [String], matches: [PatternMatch], scheme: TagScheme) -> TaggedSentence {
        func entity(_ m: PatternMatch) -> TaggedEntity {
            TaggedEntity(label: patterns.label(of: m.rule), tokenStart: m.start, tokenEnd: m.end, score: 1,
                         source: .pattern, patternID: patterns.id(of: m.rule))
        }
        func overlaps(_ e: TaggedEntity, _ m: PatternMatch) -> Bool { e.tokenStart < m.end && m.start < e.tokenEnd }
        if mode == .only {
            let found = matches.map(entity)
            return TaggedSentence(tags: scheme.tags(for: found.map(\.span), count: tokens.count), entities: found)
        }
        var result = model
        for k in result.entities.indices { result.entities[k].source = .model }
        if matches.isEmpty { return result }
        let modelEntities = result.entities
        switch mode {
        case .fill:
            // The matches that overlap no model entity, made entities; the model's tags stand
            // elsewhere, so only the added spans are written (unless a span's tags depend on its
            // neighbours').
            let added = matches.filter { m in !modelEntities.contains { overlaps($0, m) } }.map(entity)
            if added.isEmpty { return result }
            result.entities = (modelEntities + added).sorted { $0.tokenStart < $1.tokenStart }
            if scheme.dependsOnNeighbours || result.tags.count != tokens.count {
                result.tags = scheme.tags(for: result.entities.map(\.span), count: tokens.count)
            } else {
                for e in added { scheme.write(e.span, into: &result.tags) }
            }
        case .override, .only:
            let kept = modelEntities.filter { e in !matches.contains { overlaps(e, $0) } }
            result.entities = (kept + matches.map(entity)).sorted { $0.tokenStart < $1.tokenStart }
            result.tags = scheme.tags(for: result.entities.map(\.span), count: tokens.count)
        }
        return result
    }
}

private extension TaggedEntity {
    var span: EntitySpan { EntitySpan(type: label, start: tokenStart, end: tokenEnd) }
}
