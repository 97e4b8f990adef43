/// Scores predicted tags against gold tags exactly as the CoNLL shared tasks' conlleval script
/// does, one sentence at a time: an entity counts as correct only when conlleval would count
/// it (same type, same start, same end), token accuracy compares whole tags. Sentences with
/// `E-`/`S-` tags (BIOES, IOE) are rewritten as IOB2 for the entity counts first, since
/// conlleval misreads consecutive `S-` entities; accuracy always compares the tags as given.
///
/// Tags are parsed once per distinct string and scored as small integers, so scoring a dev set
/// after each training epoch costs little.
package struct ConllEvaluator {
    private var table = TagTable()
    private var tokens = 0
    private var correctTags = 0
    private var overall = EvaluationCounts()
    private var goldByType: [Int] = [0]
    private var foundByType: [Int] = [0]
    private var correctByType: [Int] = [0]
    /// conlleval's `$inCorrect`: the entities opened at the same place with the same type in
    /// gold and prediction have matched so far. It can only outlive a sentence with tags
    /// conlleval does not know (`.`), and then it is carried on as conlleval carries it.
    private var inCorrect = false

    private var goldIDs: [Int32] = []
    private var predictedIDs: [Int32] = []
    private var goldTags: [ConllTag] = []
    private var predictedTags: [ConllTag] = []

    /// The span errors found so far when created with `collectingErrors: true`.
    package private(set) var errorAnalysis: SpanErrorAnalysis?

    /// With `collectingErrors`, every sentence's entities are also compared for `--errors`
    /// (slower; training leaves it off).
    package init(collectingErrors: Bool = false) {
        errorAnalysis = collectingErrors ? SpanErrorAnalysis() : nil
    }

    /// Scores one sentence. `gold` and `predicted` must have the same length; `tokens` and
    /// `location` (e.g. `file:line`) are only used to show errors.
    package mutating func add(gold: [String], predicted: [String], tokens: [String]? = nil, location: String? = nil) {
        precondition(gold.count == predicted.count, "gold and predicted tag counts differ")
        goldIDs.removeAll(keepingCapacity: true)
        predictedIDs.removeAll(keepingCapacity: true)
        for tag in gold { goldIDs.append(table.id(of: tag)) }
        for tag in predicted { predictedIDs.append(table.id(of: tag)) }
        for i in 0..<goldIDs.count where goldIDs[i] == predictedIDs[i] { correctTags += 1 }
        self.tokens += goldIDs.count

        Self.prepare(gold, ids: goldIDs, table: &table, into: &goldTags)
        Self.prepare(predicted, ids: predictedIDs, table: &table, into: &predictedTags)
        let typeCount = table.typeNames.count
        if goldByType.count < typeCount {
            let extra = [Int](repeating: 0, count: typeCount - goldByType.count)
            goldByType += extra
            foundByType += extra
            correctByType += extra
        }
        score()

        // The corpus layer's span reader finds, on valid tags, the entities conlleval counts.
        errorAnalysis?.add(gold: EntitySpan.spans(in: gold), predicted: EntitySpan.spans(in: predicted),
                           length: gold.count, tokens: tokens, location: location)
    }

    /// The counts so far.
    package var report: EvaluationReport {
        var overall = self.overall
        var correctByType = self.correctByType
        if inCorrect {
            // conlleval closes a still-open match at the end of its input.
            overall.correct += 1
            correctByType[0] += 1
        }
        var perType: [String: EvaluationCounts] = [:]
        for id in 0..<goldByType.count where goldByType[id] > 0 || foundByType[id] > 0 {
            perType[table.typeNames[id]] = EvaluationCounts(
                gold: goldByType[id], found: foundByType[id], correct: correctByType[id])
        }
        return EvaluationReport(tokens: tokens, correctTags: correctTags, overall: overall, perType: perType)
    }

    /// Parsed tags of one sequence (`ids` are those of `tags`). A sequence using `E-`/`S-` (or
    /// BILOU's `L-`/`U-`) is first rewritten as IOB2 by the corpus layer's scheme converter, because
    /// conlleval reads two consecutive `S-PER` tags as one entity; strings that are not tags are
    /// read as `O` there (the readers refuse them before scoring).
    private static func prepare(_ tags: [String], ids: [Int32], table: inout TagTable, into parsed: inout [ConllTag]) {
        parsed.removeAll(keepingCapacity: true)
        let usesEndOrSingle = ids.contains { id in
            let prefix = table.tags[Int(id)].prefix
            return prefix == .end || prefix == .single
        }
        if usesEndOrSingle {
            for tag in TagScheme.bioes.convert(tags, to: .iob2) {
                let id = table.id(of: tag)
                parsed.append(table.tags[Int(id)])
            }
        } else {
            for id in ids { parsed.append(table.tags[Int(id)]) }
        }
    }

    /// conlleval's main loop over one sentence followed by a boundary line.
    private mutating func score() {
        let n = goldTags.count
        var lastGold = ConllTag.boundary, lastPredicted = ConllTag.boundary
        for i in 0...n {
            let gold = i < n ? goldTags[i] : ConllTag.boundary
            let predicted = i < n ? predictedTags[i] : ConllTag.boundary
            if inCorrect {
                let goldEnds = ConllTag.chunkEnds(lastGold, gold)
                let predictedEnds = ConllTag.chunkEnds(lastPredicted, predicted)
                if goldEnds && predictedEnds && lastPredicted.type == lastGold.type {
                    inCorrect = false
                    overall.correct += 1
                    correctByType[Int(lastGold.type)] += 1
                } else if goldEnds != predictedEnds || predicted.type != gold.type {
                    inCorrect = false
                }
            }
            let goldStarts = ConllTag.chunkStarts(lastGold, gold)
            let predictedStarts = ConllTag.chunkStarts(lastPredicted, predicted)
            if goldStarts && predictedStarts && predicted.type == gold.type { inCorrect = true }
            if goldStarts {
                overall.gold += 1
                goldByType[Int(gold.type)] += 1
            }
            if predictedStarts {
                overall.found += 1
                foundByType[Int(predicted.type)] += 1
            }
            lastGold = gold
            lastPredicted = predicted
        }
    }
}
