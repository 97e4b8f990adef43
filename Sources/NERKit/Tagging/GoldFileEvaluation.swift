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
    /// document whole; without, every sentence alone.
    package static func evaluate(_ tagger: Tagger, files: [String], columns: CoNLLColumns = CoNLLColumns(), reading: CorpusReadOptions = .init(),
                                recase: Recasing? = nil, documents: Bool = true, collectingErrors: Bool = false,
                                warn: (NERError) -> Void = { _ in }) throws -> ConllEvaluator {
        var evaluator = ConllEvaluator(collectingErrors: collectingErrors)
        for path in files {
            var options = reading
            options.columns = columns
            let corpus = try LabeledCorpus.load(path, options: options)
            if let warning = ParsedTag.unknownTypesWarning(path: path, gold: ParsedTag.entityTypes(of: corpus.sentences.map(\.tags)),
                                                           known: Set(tagger.entityTypes)) {
                warn(warning)
            }
            let tokens = corpus.sentences.map { recase?.apply($0.tokens) ?? $0.tokens }
            let tagged = tagger.tag(tokens, documents: documents ? Documents.ids(corpus.sentences) : nil, scheme: corpus.scheme, scores: false)
            for ((sentence, words), result) in zip(zip(corpus.sentences, tokens), tagged) {
                evaluator.add(gold: sentence.tags, predicted: result.tags, tokens: words,
                              location: "\(path):\(sentence.firstLine ?? 0)")
            }
        }
        return evaluator
    }
}
