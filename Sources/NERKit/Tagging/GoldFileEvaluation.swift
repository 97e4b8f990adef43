/// Tags gold-annotated files with a model and scores the predictions against the gold tags: the
/// loop behind `ner eval FILE...` and `ner report --gold`.
public enum GoldFileEvaluation {
    /// Tags the gold files (CoNLL columns: the token first, the gold tag last) with `tagger` and
    /// scores the entities with conlleval's rules: what `ner eval --model M FILE...` prints.
    /// Throws a ``NERError`` naming the file and line of malformed input.
    public static func score(_ tagger: Tagger, files: [String]) throws -> EvaluationReport {
        try evaluate(tagger, files: files).report
    }

    /// Scores `tagger` on every file. Predictions are written in each gold file's own tag scheme,
    /// so token accuracy compares like with like. With `recase`, every token is recased before
    /// tagging (gold tags unchanged). `warn` receives gold entity types the model does not know.
    /// With `documents` (the default), a model with document context reads each `-DOCSTART-`
    /// document whole; without, every sentence alone. With `rules`, the entities then go through
    /// them (in their `.only` mode the model is not run), so a user measures what rules add.
    package static func evaluate(_ tagger: Tagger, files: [String], columns: CoNLLColumns = CoNLLColumns(), reading: CorpusReadOptions = .init(),
                                recase: Recasing? = nil, documents: Bool = true, collectingErrors: Bool = false,
                                rules: EntityRules? = nil, scored: ((_ confidence: Double, _ correct: Bool) -> Void)? = nil,
                                warn: (NERError) -> Void = { _ in }) throws -> ConllEvaluator {
        var evaluator = ConllEvaluator(collectingErrors: collectingErrors)
        // The types predictions can have: the model's (unless rules alone tag) and the rules'.
        var known = rules?.needsModel == false ? Set<String>() : Set(tagger.entityTypes)
        known.formUnion(rules?.patterns.labels ?? [])
        for path in files {
            var options = reading
            options.columns = columns
            let corpus = try LabeledCorpus.load(path, options: options)
            let knower = rules == nil ? "the model does not know"
                : rules!.needsModel ? "the model and the rules do not know" : "the rules do not know"
            if let warning = ParsedTag.unknownTypesWarning(path: path, gold: ParsedTag.entityTypes(of: corpus.sentences.map(\.tags)),
                                                           known: known, knower: knower) {
                warn(warning)
            }
            let tokens = corpus.sentences.map { recase?.apply($0.tokens) ?? $0.tokens }
            var tagged = rules?.needsModel == false
                ? tokens.map { TaggedSentence(tags: [String](repeating: "O", count: $0.count), entities: []) }
                : tagger.tag(tokens, documents: documents ? Documents.ids(corpus.sentences) : nil, scheme: corpus.scheme, scores: scored != nil)
            if let rules {
                tagged = zip(tokens, tagged).map { words, result in
                    rules.apply(result, tokens: words.map(UnicodeNormalization.nfc), scheme: corpus.scheme)
                }
            }
            for ((sentence, words), result) in zip(zip(corpus.sentences, tokens), tagged) {
                if let scored {
                    let predicted = result.entities.map { (label: $0.label, start: $0.tokenStart, end: $0.tokenEnd, score: $0.score) }
                    for pair in CalibrationReport.pairs(gold: sentence.tags, predicted: predicted) { scored(pair.confidence, pair.correct) }
                }
                evaluator.add(gold: sentence.tags, predicted: result.tags, tokens: words,
                              location: "\(path):\(sentence.firstLine ?? 0)")
            }
        }
        return evaluator
    }
}

extension GoldFileEvaluation {
    /// The calibration of `tagger`'s entity scores on gold files (every predicted entity's score
    /// against whether it is exactly right).
    package static func calibration(_ tagger: Tagger, files: [String], columns: CoNLLColumns = CoNLLColumns(), binCount: Int = 10) throws -> CalibrationReport {
        var pairs: [(confidence: Double, correct: Bool)] = []
        _ = try evaluate(tagger, files: files, columns: columns, scored: { pairs.append(($0, $1)) })
        return CalibrationReport(pairs, binCount: binCount)
    }

    /// Fits the temperature of `tagger`'s entity scores on gold files (minimising the negative
    /// log-likelihood of the entities' correctness), and returns it with the expected
    /// calibration error before and after. The tagger's temperature is left at the fitted value
    /// when it lowers the ECE on these files, else at 1.
    package static func fitTemperature(_ tagger: Tagger, files: [String], columns: CoNLLColumns = CoNLLColumns()) throws -> (temperature: Double, before: CalibrationReport, after: CalibrationReport) {
        tagger.model.scoreTemperature = 1
        var pairs: [(confidence: Double, correct: Bool)] = []
        _ = try evaluate(tagger, files: files, columns: columns, scored: { pairs.append(($0, $1)) })
        let before = CalibrationReport(pairs)
        let t = try CalibrationReport.fitTemperature { t in
            tagger.model.scoreTemperature = Float(t)
            var scored: [(confidence: Double, correct: Bool)] = []
            _ = try evaluate(tagger, files: files, columns: columns, scored: { scored.append(($0, $1)) })
            return CalibrationReport.negativeLogLikelihood(scored)
        }
        tagger.model.scoreTemperature = Float(t)
        let after = try calibration(tagger, files: files, columns: columns)
        if after.ece >= before.ece { tagger.model.scoreTemperature = 1 }
        return (t, before, after)
    }
}
