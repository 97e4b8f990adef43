import Foundation

/// Everything `ner train` was asked to do.
public struct TrainingRunConfig: Sendable {
    /// The training files (at least one).
    public var trainPaths: [String] = []
    /// The dev file scored after every epoch to choose the model kept; nil: every 20th training
    /// sentence is held out for that instead.
    public var devPath: String?
    /// Pretrained word vectors (GloVe's text format, plain or gzip) to start the word
    /// embeddings from; nil: random.
    public var embeddingsPath: String?
    /// Files whose words found in the embeddings file are kept in the vocabulary (e.g. a test
    /// set: a standard practice that the model card must state).
    public var vocabularyPaths: [String] = []
    /// Where the model is written (its checkpoint and metrics next to it).
    public var output = "model.ner"
    /// The model's shape.
    public var model = ModelConfig()
    /// The optimiser, schedule and stopping.
    public var training = TrainingOptions()
    /// How the word vocabulary is chosen.
    public var vocabulary = VocabularyOptions()
    /// The token and tag columns of column files.
    public var columns = CoNLLColumns()
    /// How the training and dev files are read (format, alignment of annotation exports); its
    /// `columns` are replaced by `columns`.
    public var reading = CorpusReadOptions()
    /// Continue from the checkpoint next to `output` instead of starting anew.
    public var resume = false
    /// With `resume`: go on with this seed instead of the checkpoint's (data order, dropout,
    /// augmentation draws), so that several runs branch from one checkpoint.
    public var forkSeed: UInt64?
    /// Store the word embeddings in the model file as 16-bit floats (half the file size).
    public var halfPrecisionEmbeddings = true
    /// Keep the pretrained vectors fixed during training.
    public var freezeEmbeddings = false
    /// The probability that a training word seen once is replaced by the unknown word in a
    /// step, so that the model learns what to do with words it has not seen.
    public var singletonUnknownRate: Float = 0.5
    /// The probability that any training word is replaced by the unknown word in a step (its
    /// characters and context still show it).
    public var wordUnknownRate: Float = 0
    /// Write the model of every epoch, so the last one is kept, instead of the one with the best
    /// dev F1: for a final model trained on train and dev for an epoch count chosen on dev.
    public var keepLastEpoch = false
    /// The lexicon the model reads (with `model.lexiconDim` > 0); the model file keeps the
    /// phrases it uses.
    public var lexicon: LexiconSource?
    /// Start from this trained model (its weights, vocabularies and tag set, grown for the new
    /// data by `ModelExtension`) instead of a fresh one; its shape replaces `model`.
    public var initPath: String?
    /// With `initPath`: the parent model tags the training (and dev) data, and its entities of
    /// the types a file does not annotate are added to that file's gold tags wherever the gold
    /// has nothing overlapping, so those types are not trained out of the model. nil: on when
    /// some type of the parent is missing from the training data and `partialAnnotation` is off.
    public var keepTypes: Bool?
    /// Old training data mixed in (rehearsal): a sample of this file's sentences, drawn once
    /// with the seed, `rehearseRatio` times as many as the training data has.
    public var rehearsePath: String?
    /// How many rehearsal sentences per sentence of the training data (1: as many).
    public var rehearseRatio: Double = 1
    /// With `rehearsePath`: this model tags the rehearsal sample, its entities of the types the
    /// training data annotates and the old data does not are added where the old gold has
    /// nothing overlapping, and the sample then counts as annotating those types (its O is
    /// O). Self-training when the model was trained from the same parent on the same data with
    /// `rehearsePath` and `partialAnnotation` (measured in the new-types guide).
    public var rehearseTaggerPath: String?
    /// Train each file's O tokens as unknown among O and the tags of the types the model knows
    /// but the file does not annotate (the CRF sums over every path that agrees with the
    /// annotated tokens), instead of as O.
    public var partialAnnotation = false
    /// No training file yet; every other setting at `ner train`'s default.
    public init() {}

    /// Throws a ``ConfigurationError`` unless the run can start: a training file, every setting
    /// in its range (``ModelConfig/validate()``, ``TrainingOptions/validate()``,
    /// ``VocabularyOptions/validate()``) and the settings that need each other together.
    /// Settings are named by their paths from here (`model.hidden`, `training.epochs`).
    /// ``TrainingRun/run(progress:shouldStop:)`` calls it before it reads anything.
    public func validate() throws {
        typealias Check = ConfigurationError
        if trainPaths.isEmpty { throw Check([.text("no training file given ("), .setting("trainPaths"), .text(" is empty)")]) }
        try Check.within("training.") { try training.validate() }
        try Check.within("model.") { try model.validate() }
        try Check.within("vocabulary.") { try vocabulary.validate() }
        try Check.check("singletonUnknownRate", singletonUnknownRate, in: 0...1)
        try Check.check("wordUnknownRate", wordUnknownRate, in: 0...1, openAtTop: true)
        if (training.documentDropout ?? 0) > 0 && !model.documentContext && !model.documentSummary && model.documentLSTM == 0 {
            throw Check.needs("training.documentDropout", anyOf: ["model.documentContext", "model.documentSummary", "model.documentLSTM"])
        }
        if forkSeed != nil && !resume { throw Check.needs("forkSeed", anyOf: ["resume"], " (it branches from a checkpoint)") }
        // Training from a parent model.
        if initPath == nil {
            if keepTypes == true { throw Check.needs("keepTypes", anyOf: ["initPath"], " (the parent model whose types are kept)") }
            if partialAnnotation { throw Check.needs("partialAnnotation", anyOf: ["initPath"], " (the parent model's types are the ones a file may leave unannotated)") }
            if rehearsePath != nil { throw Check.needs("rehearsePath", anyOf: ["initPath"], " (rehearsal mixes old data into training from a parent model)") }
        }
        if rehearseTaggerPath != nil && rehearsePath == nil {
            throw Check.needs("rehearseTaggerPath", anyOf: ["rehearsePath"], " (the old data it tags)")
        }
        guard rehearseRatio.isFinite, rehearseRatio > 0, rehearseRatio <= 1000 else {
            throw Check([.setting("rehearseRatio"), .text(" must be a number in (0, 1000] (got \(rehearseRatio))")])
        }
    }

    /// Whether the parent's missing types are merged into the gold (`keepTypes` resolved).
    func keepsTypes(missing: Set<String>) -> Bool {
        guard initPath != nil else { return false }
        return keepTypes ?? (!missing.isEmpty && !partialAnnotation)
    }

    package var checkpointPath: String { output + ".checkpoint" }
    package var metricsPath: String { output + ".metrics.jsonl" }
}

/// Reads the data, builds (or resumes) the model and drives the `Trainer`, saving the best
/// model, a checkpoint after every epoch and the metrics file as it goes.
public final class TrainingRun {
    /// What the run was asked to do.
    public let config: TrainingRunConfig
    private let log: (String) -> Void
    private let warn: (NERError) -> Void

    /// `log` receives progress lines; `warn` warnings about the input (by default logged as
    /// `path: warning: message`).
    public init(config: TrainingRunConfig, log: @escaping (String) -> Void, warn: ((NERError) -> Void)? = nil) {
        self.config = config
        self.log = log
        self.warn = warn ?? { w in log((w.path.map { "\($0): " } ?? "") + "warning: " + w.message) }
    }

    /// How a finished run went.
    public struct Summary: Sendable {
        package var stop: Trainer.StopReason
        /// Epochs trained.
        public var epochs: Int
        /// The epoch with the best dev F1.
        public var bestEpoch: Int
        /// The best dev F1 (on the held-out training sentences when no dev file was given).
        public var bestDevF1: Double
        /// Wall-clock seconds of the run.
        public var seconds: Double
    }

    /// Validates the configuration, reads the data, trains and writes the model, checkpoint and
    /// metrics; `progress` is called during epochs, and the run stops between batches once
    /// `shouldStop` returns true (the checkpoint keeps its place for `resume`). Throws a ``ConfigurationError`` or a ``NERError`` naming the file
    /// and line of bad input.
    public func run(progress: (TrainingProgress) -> Void, shouldStop: () -> Bool) throws -> Summary {
        let started = Date()
        try config.validate()
        // Fail before an epoch of work if the model cannot be written where asked.
        let outputDirectory = URL(fileURLWithPath: config.output).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: outputDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw NERError(path: config.output, "cannot write the model: no directory \(outputDirectory)")
        }
        guard FileManager.default.isWritableFile(atPath: outputDirectory) else {
            throw NERError(path: config.output, "cannot write the model: directory \(outputDirectory) is not writable")
        }
        var corpora: [LabeledCorpus] = []
        var reading = config.reading
        reading.columns = config.columns
        for path in config.trainPaths { corpora.append(try LabeledCorpus.load(path, options: reading)) }
        for corpus in corpora {
            if let summary = corpus.adjustments.summary { warn(NERError(path: corpus.path, "annotations adjusted to fit the tokens: \(summary) (ner inspect lists them)")) }
        }
        guard let first = corpora.first else { throw NERError("no training file given") }
        let scheme = first.scheme
        var trainSentences = corpora.flatMap(\.sentences)
        var trainTags = corpora.flatMap(\.bioesTags)
        // The entity types each sentence's file annotates (training from a parent model).
        var trainAnnotated = corpora.flatMap { c in
            let types = ParsedTag.entityTypes(of: c.sentences.map(\.tags))
            return [Set<String>](repeating: types, count: c.sentences.count)
        }
        let newDataTypes = ParsedTag.entityTypes(of: trainTags)
        var devSentences: [CoNLLSentence]
        var devTags: [[String]]
        var devAnnotated: Set<String>
        if let devPath = config.devPath {
            let dev = try LabeledCorpus.load(devPath, options: reading)
            if let summary = dev.adjustments.summary { warn(NERError(path: devPath, "annotations adjusted to fit the tokens: \(summary) (ner inspect lists them)")) }
            devSentences = dev.sentences
            devTags = dev.bioesTags
            devAnnotated = ParsedTag.entityTypes(of: devTags)
        } else {
            // Hold out every 20th sentence (5%) for model selection.
            var keepS: [CoNLLSentence] = [], keepT: [[String]] = [], keepA: [Set<String>] = []
            devSentences = []; devTags = []
            for (i, s) in trainSentences.enumerated() {
                if i % 20 == 19 { devSentences.append(s); devTags.append(trainTags[i]) } else { keepS.append(s); keepT.append(trainTags[i]); keepA.append(trainAnnotated[i]) }
            }
            trainSentences = keepS; trainTags = keepT; trainAnnotated = keepA
            devAnnotated = newDataTypes
            log("no dev file given: holding out \(devSentences.count) of \(devSentences.count + trainSentences.count) training sentences (every 20th) for model selection")
        }
        let newCount = trainSentences.count
        var rehearsalTagger: ModelFile.ParentModel? = nil
        if let path = config.rehearsePath {
            // Old data mixed in: a sample drawn once with the seed.
            let old = try LabeledCorpus.load(path, columns: config.columns)
            let want = min(old.sentences.count, max(1, Int((config.rehearseRatio * Double(newCount)).rounded())))
            var order = Array(old.sentences.indices)
            var rng = SeededRandom(seed: config.training.seed &+ 29)
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            let chosen = order.prefix(want).sorted()
            let allOldTags = old.bioesTags
            var oldTags = chosen.map { allOldTags[$0] }, oldTypes = ParsedTag.entityTypes(of: allOldTags)
            log("rehearsal: \(want) of the \(old.sentences.count) sentences of \(path) mixed into the \(newCount) of the training data")
            if let taggerPath = config.rehearseTaggerPath {
                let tagger = try ModelFile.load(taggerPath).model
                let types = ParsedTag.entityTypes(of: tagger.encoder.tags.items.map { [$0] }).intersection(newDataTypes).subtracting(oldTypes)
                let predicted = ParentAnnotation.predict(tagger, chosen.map { old.sentences[$0] })
                var added = 0
                for k in oldTags.indices {
                    let merged = ParentAnnotation.merge(gold: oldTags[k], predicted: predicted[k], types: types)
                    oldTags[k] = merged.tags
                    added += merged.added
                }
                oldTypes.formUnion(types)
                rehearsalTagger = ModelFile.ParentModel(path: taggerPath, checksum: LabeledCorpus.checksum(taggerPath))
                log("rehearsal tagged by \(taggerPath): \(added) entities of \(types.isEmpty ? "no type (it knows none the training data annotates and the old data does not)" : types.sorted().joined(separator: ", ")) added")
            }
            for (k, i) in chosen.enumerated() { trainSentences.append(old.sentences[i]); trainTags.append(oldTags[k]); trainAnnotated.append(oldTypes) }
        }
        log("train: \(trainSentences.count) sentences, \(trainSentences.reduce(0) { $0 + $1.tokens.count }) tokens (\(scheme.displayName)); dev: \(devSentences.count) sentences")

        let model: TaggerModel
        var resumedState: TrainingState? = nil
        var optimizerState: [String: [Float]] = [:]
        var options = config.training
        var provenance = ModelFile.Provenance()
        var parent: TaggerModel? = nil
        if config.resume {
            guard FileManager.default.fileExists(atPath: config.checkpointPath) else {
                throw NERError(path: config.checkpointPath, "no checkpoint to resume from")
            }
            let loaded = try ModelFile.load(config.checkpointPath)
            model = loaded.model
            guard let stateJSON = loaded.metadata["training_state"], let state: TrainingState = try? ModelFile.decode(stateJSON),
                  let saved = loaded.provenance.training else {
                throw NERError(path: config.checkpointPath, "checkpoint lacks its training state")
            }
            // The checkpoint's weights and its batch position belong to the data it was made
            // from; resuming on other data would silently train on a mixture.
            let now = config.trainPaths.map { LabeledCorpus.checksum($0) }.sorted()
            let then = loaded.provenance.trainFiles.values.sorted()
            guard now == then else {
                let was = loaded.provenance.trainFiles.keys.sorted().joined(separator: ", ")
                throw NERError(path: config.checkpointPath, "made from other training data (\(was), CRC-32 \(then.joined(separator: ", "))) than the training files given now (CRC-32 \(now.joined(separator: ", ")))",
                               remedy: .sameTrainingData)
            }
            if let devPath = config.devPath, let devThen = loaded.provenance.devFiles.values.first,
               LabeledCorpus.checksum(devPath) != devThen {
                throw NERError(path: config.checkpointPath, "made with another dev file than \(devPath)", remedy: .sameDevFile)
            }
            resumedState = state
            options = saved
            if let fork = config.forkSeed {
                options.seed = fork
                resumedState?.rngState = SeededRandom(seed: fork &+ 17).state
            }
            options.epochs = config.training.epochs
            if let cooldown = config.training.cooldownEpochs { options.cooldownEpochs = cooldown }
            options.threads = config.training.threads
            provenance = loaded.provenance
            if let initPath = config.initPath {
                // The parent still annotates the data as it did when the run began.
                let crc = LabeledCorpus.checksum(initPath)
                guard crc == provenance.parent?.checksum else {
                    throw NERError(path: config.checkpointPath, "made from another parent model than \(initPath) (CRC-32 \(crc)); give the same parent to resume")
                }
                parent = try ModelFile.load(initPath).model
            }
            // The rehearsal sample is tagged again: by the same model as when the run began.
            if rehearsalTagger?.checksum != provenance.rehearsalTaggedBy?.checksum {
                let then = provenance.rehearsalTaggedBy.map { "tagged by \($0.path) (CRC-32 \($0.checksum))" } ?? "tagged by no model"
                let now = rehearsalTagger.map { "by \($0.path) (CRC-32 \($0.checksum))" } ?? "by no model"
                throw NERError(path: config.checkpointPath, "made with its rehearsal sample \(then), not \(now); give the same rehearsal tagger to resume")
            }
            for (name, t) in loaded.tensors where name.hasPrefix("optimizer.") || name.hasPrefix("average.") { optimizerState[name] = t.floats }
            log("resuming from \(config.checkpointPath): \(state.epoch) epochs done, best dev F1 \(String(format: "%.2f", max(state.bestF1, 0)))")
        } else {
            var pretrained: PretrainedVectors? = nil
            var extra = devSentences.map(\.tokens)
            for path in config.vocabularyPaths {
                extra += try CoNLLReader.readAll(path: path, columns: config.columns, requireTags: false).map(\.tokens)
            }
            if let path = config.embeddingsPath {
                var selection = PretrainedWordSelection(top: config.vocabulary.pretrainedTop)
                selection.add(trainSentences.map(\.tokens))
                selection.add(extra)
                let t0 = Date()
                pretrained = try PretrainedVectors.load(path: path) { word, rank in selection.keeps(word, rank: rank) }
                log("embeddings: \(pretrained!.words.count) vectors of \(pretrained!.dimension) dimensions kept from \(path) in \(String(format: "%.1f", Date().timeIntervalSince(t0))) s")
            }
            var charTexts: [[String]] = []
            if config.training.caseAugmentation?.isEnabled == true {
                for r in Recasing.allCases { charTexts += trainSentences.map { r.apply($0.tokens) } }
            }
            var lexicon: LexiconEntries? = nil
            if config.model.lexiconDim > 0 && config.initPath == nil {
                guard let source = config.lexicon else { throw NERError("a lexicon input needs a lexicon to read") }
                lexicon = try source.load()
            }
            if let initPath = config.initPath {
                let loaded = try ModelFile.load(initPath)
                guard loaded.model.config.lexiconDim == 0 else { throw NERError(path: initPath, "extending a model with a lexicon input is not supported yet") }
                let grown = try ModelExtension.extend(loaded.model, train: trainSentences.map(\.tokens), trainTags: trainTags,
                                                      extraWords: extra, charTexts: charTexts, pretrained: pretrained,
                                                      vocabulary: config.vocabulary, seed: options.seed)
                model = grown.model
                parent = loaded.model
                provenance.parent = ModelFile.ParentModel(path: initPath, checksum: LabeledCorpus.checksum(initPath))
                provenance.rehearsalTaggedBy = rehearsalTagger
                let a = grown.added
                log("from \(initPath): its shape and weights; added \(a.words) words (\(a.pretrainedWords) with pretrained vectors), \(a.characters) characters, \(a.types.isEmpty ? "no new types" : "types " + a.types.joined(separator: ", ")); \(model.encoder.words.count) words, \(model.tagCount) tags")
            } else {
                let (m, covered) = ModelBuilder.makeModel(
                    config: config.model, train: trainSentences.map(\.tokens), trainTags: trainTags, extraWords: extra,
                    charTexts: charTexts, lexicon: lexicon,
                    pretrained: pretrained, vocabulary: config.vocabulary, seed: options.seed)
                model = m
                if pretrained != nil { log("vocabulary: \(model.encoder.words.count) words, \(covered) with pretrained vectors") }
            }
            if pretrained != nil {
                model.wordEmbedding.table.frozen = config.freezeEmbeddings
            } else if config.initPath == nil {
                log("vocabulary: \(model.encoder.words.count) words, \(model.encoder.chars.count) characters")
            }
            provenance.embeddings = config.embeddingsPath
            if let lexicon, let kept = model.encoder.lexicon {
                log("lexicon: \(lexicon.source), \(kept.entries.count) of \(lexicon.count) phrases kept (every word in the vocabulary), categories \(lexicon.categories.joined(separator: ", "))")
            }
        }
        let knownTypes = ParsedTag.entityTypes(of: model.encoder.tags.items.map { [$0] })
        if let parent {
            let parentTypes = ParsedTag.entityTypes(of: parent.encoder.tags.items.map { [$0] })
            let missing = parentTypes.subtracting(newDataTypes)
            if config.keepsTypes(missing: missing) {
                // The parent's entities of the types a file leaves out, where its gold has none.
                func keep(_ sentences: [CoNLLSentence], _ tags: inout [[String]], annotated: (Int) -> Set<String>) -> Int {
                    let lacking = sentences.indices.map { parentTypes.subtracting(annotated($0)) }
                    let chosen = sentences.indices.filter { !lacking[$0].isEmpty }
                    let predicted = ParentAnnotation.predict(parent, chosen.map { sentences[$0] })
                    var added = 0
                    for (k, i) in chosen.enumerated() {
                        let merged = ParentAnnotation.merge(gold: tags[i], predicted: predicted[k], types: lacking[i])
                        tags[i] = merged.tags
                        added += merged.added
                    }
                    return added
                }
                let onTrain = keep(trainSentences, &trainTags) { trainAnnotated[$0] }
                let onDev = keep(devSentences, &devTags) { _ in devAnnotated }
                log("keeping the parent's types: \(onTrain) of its entities added to the training data, \(onDev) to the dev data (types the files do not annotate: \(missing.sorted().joined(separator: ", ")))")
            } else if !missing.isEmpty && !config.partialAnnotation {
                warn(NERError(path: config.trainPaths[0], "the training data annotates none of the parent model's types \(missing.sorted().joined(separator: ", ")): they are trained as O and will be forgotten"))
            }
        }
        if let warning = ParsedTag.unknownTypesWarning(path: config.devPath ?? "dev", gold: ParsedTag.entityTypes(of: devTags), known: knownTypes) {
            warn(warning)
        }
        provenance.trainFiles = Dictionary(uniqueKeysWithValues: config.trainPaths.map { ($0, LabeledCorpus.checksum($0)) })
        if let d = config.devPath { provenance.devFiles = [d: LabeledCorpus.checksum(d)] }
        // What this run trains with: a resumed run's epochs and cool-down, a branch's seed (the
        // trunk's is in its own model file).
        provenance.training = options

        let augmentation = options.caseAugmentation ?? .none
        let originalCount = trainSentences.count
        if augmentation.drawnCopy && augmentation.sampling {
            trainSentences += trainSentences.prefix(originalCount)
            trainTags += trainTags.prefix(originalCount)
        }
        if let rate = options.firstNameSwap, rate > 0 {
            // Drawn on the data and its drawn copy (independently) before any recasing, so a swapped
            // sentence is recased like any other.
            let places = FirstNameSwap.places(tokens: trainSentences.prefix(originalCount).map(\.tokens), tags: Array(trainTags.prefix(originalCount)))
            var tokens = trainSentences.map(\.tokens)
            let replaced = FirstNameSwap.apply(rate: rate, seed: options.seed, places: places, tokens: &tokens, tags: trainTags)
            for i in trainSentences.indices { trainSentences[i].tokens = tokens[i] }
            log("first-name swap: \(replaced) first names of persons replaced by one of \(places.count) place names of the training data")
        }
        for r in augmentation.copies {
            for i in 0..<originalCount {
                var copy = trainSentences[i]
                copy.tokens = r.apply(copy.tokens)
                trainSentences.append(copy)
                trainTags.append(trainTags[i])
            }
        }
        if augmentation.isEnabled {
            log("case augmentation: \(augmentation.description); \(trainSentences.count) training sentences; dev scored as written, lower, upper and title, best model by their mean F1")
        }

        // Encode once: no string work in the training loop.
        var surfaces = SurfaceTable(), devSurfaces = SurfaceTable()
        var train: [EncodedSentence] = [], dev: [EncodedSentence] = []
        var recasedTrain: [Recasing: [EncodedSentence]] = [:], recasedDev: [Recasing: [EncodedSentence]] = [:]
        // Partial annotation: a file's O tokens are unknown among O and the types it does not annotate.
        var openTagSets: [Set<String>: [Bool]?] = [:]
        var unknownTokens = 0
        for (i, (s, tags)) in zip(trainSentences, trainTags).enumerated() {
            guard var e = model.encoder.encode(s.tokens, tags: tags, surfaces: &surfaces) else {
                throw NERError(path: config.trainPaths[0], line: s.firstLine, "a tag of this sentence is not in the model's tag set")
            }
            if config.partialAnnotation {
                let annotated = trainAnnotated[i % originalCount]
                if openTagSets[annotated] == nil { openTagSets[annotated] = .some(ParentAnnotation.openTags(model.encoder.tags, annotated: annotated)) }
                if let open = openTagSets[annotated]!, let o = model.encoder.tags.id("O") {
                    e.openTags = open
                    for t in e.tags.indices where e.tags[t] == o { e.tags[t] = -1; unknownTokens += 1 }
                }
            }
            train.append(e)
        }
        if config.partialAnnotation {
            log("partial annotation: \(unknownTokens) O tokens of files that leave some of the model's types unannotated are trained as unknown among O and those types")
        }
        for s in devSentences { dev.append(model.encoder.encode(s.tokens, surfaces: &devSurfaces)!) }
        for r in Recasing.allCases {
            if augmentation.probability(r) > 0 {
                recasedTrain[r] = zip(trainSentences, train).map { s, e in
                    var recased = model.encoder.encode(r.apply(s.tokens), surfaces: &surfaces)!
                    recased.tags = e.tags
                    recased.openTags = e.openTags
                    return recased
                }
            }
            if augmentation.isEnabled {
                recasedDev[r] = devSentences.map { model.encoder.encode(r.apply($0.tokens), surfaces: &devSurfaces)! }
            }
        }

        if model.readsDocuments && originalCount > 0 {
            // Document ids: the training data's copies (drawn or fixed recasings) are documents
            // of their own, numbered after the originals'.
            let originalIds = Documents.ids(Array(trainSentences.prefix(originalCount)))
            let documents = Int32((originalIds.last ?? -1) + 1)
            let trainIds = train.indices.map { originalIds[$0 % originalCount] + Int32($0 / originalCount) * documents }
            let devIds = Documents.ids(devSentences)
            func setDocuments(_ sentences: inout [EncodedSentence], _ ids: [Int32]) {
                for i in sentences.indices { sentences[i].document = ids[i] }
            }
            setDocuments(&train, trainIds)
            setDocuments(&dev, devIds)
            // (Not a loop over `keys` while mutating: that would copy every array per sentence.)
            for r in Recasing.allCases {
                if recasedTrain[r] != nil { setDocuments(&recasedTrain[r]!, trainIds) }
                if recasedDev[r] != nil { setDocuments(&recasedDev[r]!, devIds) }
            }
            log("document context: \(documents) training documents (-DOCSTART- to -DOCSTART-, at most \(Documents.defaultMaxSentences) sentences), \(Set(devIds).count) dev documents")
        }

        let trainer = Trainer(model: model, options: options, train: train, surfaces: surfaces,
                              dev: dev, devSurfaces: devSurfaces, devGold: devTags,
                              recasedTrain: recasedTrain, recasedDev: recasedDev, originalCount: originalCount)
        trainer.singletonUnknownRate = config.singletonUnknownRate
        trainer.wordUnknownRate = config.wordUnknownRate
        if let s = resumedState {
            trainer.state = s
            try trainer.optimizer.restore(optimizerState)
            try trainer.average?.restore(optimizerState)
        } else {
            try? FileManager.default.removeItem(atPath: config.metricsPath)
        }

        let stop = try trainer.run(
            progress: progress,
            onEpoch: { m in
                var recased = ""
                if let r = m.devRecasedF1, let mean = m.selectionF1 {
                    recased = Recasing.allCases.compactMap { c in r[c.rawValue].map { String(format: " %@ %.2f", c.rawValue, $0) } }.joined(separator: ",")
                    recased = String(format: " (recased:%@; mean %.2f)", recased, mean)
                } else if let score = m.selectionF1 {
                    recased = String(format: " (macro F1 %.2f)", score)
                }
                log(String(format: "epoch %d: loss %.3f, dev P %.2f R %.2f F1 %.2f%@%@, %.1f s, %.0f tokens/s",
                           m.epoch, m.loss, m.devPrecision, m.devRecall, m.devF1, recased, m.best ? " (best)" : "", m.seconds, m.trainTokensPerSecond))
                if m.best || config.keepLastEpoch {
                    var p = provenance
                    p.created = ISO8601DateFormatter().string(from: Date())
                    p.epochs = m.epoch
                    p.bestEpoch = config.keepLastEpoch ? trainer.state.bestEpoch : m.epoch
                    p.devF1 = m.devF1
                    p.devRecasedF1 = m.devRecasedF1
                    try trainer.withFinalWeights {
                        try ModelFile.save(model, scheme: scheme, provenance: p, to: config.output, halfEmbeddings: config.halfPrecisionEmbeddings)
                    }
                }
                let lines = trainer.state.history.map { ModelFile.jsonString($0) }.joined(separator: "\n") + "\n"
                try AtomicFile.write(lines, to: config.metricsPath)
            },
            checkpoint: {
                var meta: [String: String] = [:]
                meta["training_state"] = ModelFile.jsonString(trainer.state)
                let state = trainer.optimizer.state() + (trainer.average?.state() ?? [])
                let extra = state.map { StoredTensor(name: $0.name, shape: [$0.values.count], floats: $0.values) }
                try ModelFile.save(model, scheme: scheme, provenance: provenance, to: config.checkpointPath, extraTensors: extra, extraMetadata: meta)
            },
            shouldStop: shouldStop)
        return Summary(stop: stop, epochs: trainer.state.epoch, bestEpoch: trainer.state.bestEpoch,
                       bestDevF1: trainer.state.bestF1, seconds: Date().timeIntervalSince(started))
    }
}
