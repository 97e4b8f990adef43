import ArgumentParser
import Foundation
import NERKit

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a BiLSTM-CRF tagger on CoNLL-format files or annotation tools' exports.",
        discussion: """
        Reads column files (token first, tag last by default; IOB1, IOB2 or BIOES tags, \
        detected), trains in BIOES, and after every epoch scores the dev set with conlleval's \
        rules. The model with the best dev F1 is written to --output (the user's tag scheme is \
        kept for writing tags back); per-epoch metrics go to OUTPUT.metrics.jsonl and a \
        checkpoint to OUTPUT.checkpoint after every epoch. Exports of annotation tools are read \
        as they are (spaCy/Prodigy and doccano JSON lines, Label Studio JSON, brat folders, \
        CoNLL-U; detected, or --input-format), their character spans put on ner's tokens \
        (--misaligned; docs/guide/annotations.md). Ctrl-C saves a checkpoint and exits \
        (before training starts, while the data are read, it exits at once); --resume continues \
        from it with the same results as an uninterrupted run.

        The model: word embeddings looked up by the case-folded word (digits read as 0), a \
        casing feature, a character CNN (or BiLSTM), dropout, a BiLSTM, dropout, a linear layer \
        and a CRF. Adam with gradient clipping; the saved weights are a moving average of the \
        trained ones.

        CASE AUGMENTATION
        Text that is all lowercase (chat, transcripts, queries), ALL CAPS (headlines) or Title \
        Cased defeats a model that learnt to find names by their capital letters. --case-augment \
        recases each training sentence, drawn anew every epoch, with the given probabilities \
        (lower=P,upper=P,title=P; the rest stay as written), so the model learns to read \
        context; the epoch costs what it did. With --case-augment-copy the draws are made on an \
        added copy of the data, so the sentences as written are seen every epoch too (twice the \
        cost).

        --case-copies adds fixed recased copies of the training data instead (Mayhew et al. 2019 \
        used a lowercased copy), multiplying the cost of an epoch. With either, dev is also \
        scored lowercased, uppercased and title-cased, and the model kept is the one with the \
        best mean of the four F1 scores.

        --fold-char-case lets only the casing feature see letter case. \
        'ner eval --recase lower|upper|title' measures any model on recased gold files.

        EXAMPLES
          $ ner train --train train.txt --dev valid.txt --output model.ner
          $ ner train --train train.txt --dev valid.txt \\
              --embeddings glove.6B.50d.txt.gz --output model.ner
          $ ner train --train train.txt --dev valid.txt --output model.ner --resume
        """
    )

    @Option(name: .customLong("train"), help: ArgumentHelp("Training file (repeatable).", valueName: "file"))
    var train: [String] = []

    @Option(help: ArgumentHelp("Dev file for model selection and early stopping (default: every 20th training sentence).", valueName: "file"))
    var dev: String?

    @Option(help: ArgumentHelp("Pretrained word vectors (GloVe/word2vec text, optionally gzipped).", valueName: "file"))
    var embeddings: String?

    @Option(name: .customLong("embeddings-vocab"), help: ArgumentHelp("Also keep the pretrained vectors of this file's words (repeatable).", valueName: "file"))
    var embeddingsVocab: [String] = []

    @Option(name: .customLong("embeddings-top"), help: ArgumentHelp("Keep the vectors of this many most frequent words of the embeddings file.", valueName: "n"))
    var embeddingsTop: Int = 100_000

    @Flag(name: .customLong("freeze-embeddings"), help: "Keep pretrained vectors fixed during training.")
    var freezeEmbeddings = false

    @Option(name: [.short, .long], help: ArgumentHelp("Where to write the model.", valueName: "file"))
    var output: String

    @Option(help: "Maximum number of epochs.") var epochs: Int = 50
    @Option(help: "Stop after this many epochs without a better dev F1.") var patience: Int = 5
    @Option(help: "The dev F1 that chooses the saved epoch and stops training: micro (over all entities) or macro (the mean of the types' F1, so a new or rare type weighs as much as a frequent one).")
    var selection: DevSelection = .micro
    @Option(name: .customLong("batch-size"), help: "Sentences per minibatch.") var batchSize: Int = 10
    @Option(help: "The optimizer: sgd (with momentum 0.9 and decay) or adam.") var optimizer: OptimizerKind = .adam
    @Option(help: "Learning rate (default: 0.015 for sgd, 0.001 for adam).") var lr: Float?
    @Option(name: .customLong("lr-decay"), help: "SGD learning-rate decay: lr / (1 + decay · epoch).") var lrDecay: Float = 0.05
    @Option(name: .customLong("cooldown-epochs"), help: ArgumentHelp("Lower the learning rate linearly towards 0, batch by batch, over the last N of --epochs (default: 0, constant). With --resume: the checkpoint's unless given.", valueName: "N"))
    var cooldownEpochs: Int?
    @Option(help: "Clip the gradient's global norm to this (0: off).") var clip: Float = 5
    @Option(name: .customLong("char-encoder"), help: "Character encoder.") var charEncoder: ModelConfig.CharEncoderKind = .cnn
    @Flag(name: .customLong("no-crf"), help: "Per-token softmax instead of a CRF.") var noCRF = false
    @Flag(name: .customLong("no-backward"), help: "Only the left-to-right LSTM (for comparison).") var noBackward = false
    @Option(help: "LSTM hidden units per direction.") var hidden: Int = 100
    @Option(help: "Stacked BiLSTM layers.") var layers: Int = 1
    @Option(name: .customLong("casing-dim"), help: "Size of the casing-feature embedding (0: no casing feature).") var casingDim: Int = 8
    @Flag(name: .customLong("variational-dropout"), help: "One dropout mask per sentence instead of per token.") var variationalDropout = false
    @Option(name: .customLong("word-dim"), help: "Word embedding size without --embeddings.") var wordDim: Int = 100
    @Option(help: "Dropout on embeddings and BiLSTM output.") var dropout: Float = 0.5
    @Option(name: .customLong("unk-replace"), help: "Probability of replacing a word seen once by the unknown word.") var unkReplace: Float = 0.5
    @Option(name: .customLong("word-dropout"), help: "Probability of replacing any training word by the unknown word (the characters and the context still show it).") var wordDropout: Float = 0
    @Option(name: .customLong("first-name-swap"), help: ArgumentHelp("Probability of replacing the first name of a training person name (of 2+ tokens) by a one-token place name of the training data, tags kept, so that \"Paris Hilton\" is learnt to be a person by its surname.", valueName: "P"))
    var firstNameSwap: Float = 0
    @Option(help: "Decay of the moving average of the weights that is evaluated and saved (0: off).") var average: Float = 0.999
    @Option(name: .customLong("case-augment"), help: ArgumentHelp("Recase training sentences, drawn anew per sentence and epoch, with these probabilities (lower=P,upper=P,title=P; none: off).", valueName: "spec"))
    var caseAugment: String = "none"
    @Option(name: .customLong("case-copies"), help: ArgumentHelp("Add fixed recased copies of the training data (comma-separated: lower, upper, title; none: off).", valueName: "list"))
    var caseCopies: String = "none"
    @Flag(name: .customLong("case-augment-copy"), help: "Make the --case-augment draws on an added copy of the training data, so every sentence is also seen as written in every epoch.")
    var caseAugmentCopy = false
    @Flag(name: .customLong("fold-char-case"), help: "The character encoder reads case-folded spellings; only the casing feature sees letter case.")
    var foldCharCase = false
    @Flag(name: .customLong("document-context"), help: "The tag layer also reads the states of each word's other occurrences in the same document (-DOCSTART- to -DOCSTART-); training batches are whole documents.")
    var documentContext = false
    @Flag(name: .customLong("document-summary"), help: "The tag layer also reads the mean of the states of every other token of the document (what the document is about); training batches are whole documents.")
    var documentSummary = false
    @Flag(name: .customLong("document-attention"), help: "With --document-context: a word's other occurrences are weighted by how alike their states are to its own (attention) instead of equally.")
    var documentAttention = false
    @Option(name: .customLong("document-lstm"), help: ArgumentHelp("The tag layer also reads the state of a document-level BiLSTM of N units per direction at each token's sentence; it runs over the document's sentences, each read as the mean of its tokens' states. Training batches are whole documents. 0: off.", valueName: "N"))
    var documentLSTM = 0
    @Option(name: .customLong("lm-words"), help: ArgumentHelp("The BiLSTM's states also learn to predict the next and the previous word, over the N most frequent training words and one class for the rest (a language-model objective beside the tags, Rei 2017; training only). 0: off.", valueName: "N"))
    var lmWords = 0
    @Option(name: .customLong("lm-weight"), help: ArgumentHelp("With --lm-words: the weight of the language-model objective beside the tags' loss.", valueName: "W"))
    var lmWeight: Float = 0.1
    @Option(name: .customLong("document-dropout"), help: ArgumentHelp("With --document-context, --document-summary or --document-lstm: the probability that a training document is read as separate sentences in a step, so that a sentence alone is tagged well too.", valueName: "P"))
    var documentDropout: Float = 0
    @Option(help: ArgumentHelp("A lexicon the model reads as an input: each token's longest-match state (B, I, E, S or outside) in its phrases, per category, case-folded. wordnet: WordNet 3.0's noun compounds and its named people, places, organisations and other instances (Debian's wordnet-base; see --wordnet-dir); or a file of LABEL<TAB>phrase lines (the gazetteer format of --patterns), each label a category. The model file keeps the phrases it uses, so tagging needs neither.", valueName: "wordnet|file"))
    var lexicon: String?
    @Option(name: .customLong("wordnet-dir"), help: ArgumentHelp("With --lexicon wordnet: the directory of WordNet 3.0's data.noun.", valueName: "dir"))
    var wordnetDir: String = WordNetReader.defaultDirectory
    @Option(name: .customLong("lexicon-dim"), help: ArgumentHelp("With --lexicon: floats per lexicon category of the learned lexicon input.", valueName: "n"))
    var lexiconDim: Int = 4
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Threads (2: the LSTM directions run in parallel).") var threads: Int = 2
    @Flag(name: .customLong("keep-last"), help: "Keep the model of the last epoch instead of the one with the best dev F1 (for a final model trained on train and dev with the epoch count chosen on dev).")
    var keepLast = false
    @Flag(help: "Continue from OUTPUT.checkpoint.") var resume = false
    @Option(name: .customLong("fork-seed"), help: ArgumentHelp("With --resume: continue with this seed instead of the checkpoint's, so that several runs branch from one checkpoint.", valueName: "n"))
    var forkSeed: UInt64?
    @Option(name: .customLong("init"), help: ArgumentHelp("Start from this trained model: its shape and weights, its vocabulary grown with the training data's words (pretrained vectors from --embeddings where it has them), characters and new entity types. The model's shape options are then the parent's.", valueName: "model"))
    var initModel: String?
    @Flag(name: .customLong("keep-types"), inversion: .prefixedNo, help: "With --init: the parent tags the training and dev data, and its entities of the types a file does not annotate are added to the file's gold tags where the gold has nothing overlapping (default: on when the training data lacks some of the parent's types, unless --partial-annotation).")
    var keepTypes: Bool?
    @Option(name: .customLong("rehearse"), help: ArgumentHelp("With --init: mix in a sample of this old training data, RATIO times as many sentences as the new data (default 1), drawn once with the seed.", valueName: "file[:ratio]"))
    var rehearse: String?
    @Option(name: .customLong("rehearse-tagged-by"), help: ArgumentHelp("With --rehearse: this model tags the rehearsal sample with the types the training data annotates and the old data does not, and its entities are trained on as gold there (self-training, with a model trained from the same parent with --rehearse and --partial-annotation).", valueName: "model"))
    var rehearseTaggedBy: String?
    @Flag(name: .customLong("partial-annotation"), help: "With --init: a file's O tokens are trained as unknown among O and the types the model knows but the file does not annotate (the CRF sums over every path that agrees with the annotated tokens).")
    var partialAnnotation = false
    @OptionGroup var corpus: CorpusOptions

    /// The flags' checks are the library's (`TrainingRunConfig.validate`); here its settings
    /// are named by their flags, and its errors become usage errors (exit 64).
    func validate() throws {
        do {
            try makeConfig().validate()
        } catch let error as ConfigurationError {
            throw ValidationError(error.describe(naming: Self.flag))
        }
        if let lexicon, lexicon != "wordnet", !FileManager.default.fileExists(atPath: lexicon) {
            throw ValidationError("--lexicon must be wordnet or a file of LABEL<TAB>phrase lines (no such file: '\(lexicon)')")
        }
        guard (1...256).contains(lexiconDim) else { throw ValidationError("--lexicon-dim must be in 1...256 (got \(lexiconDim))") }
    }

    /// The flag that sets each of `TrainingRunConfig`'s settings (a setting without one keeps
    /// its name).
    static func flag(_ setting: String) -> String {
        let flags = [
            "trainPaths": "--train", "forkSeed": "--fork-seed", "resume": "--resume",
            "singletonUnknownRate": "--unk-replace", "wordUnknownRate": "--word-dropout",
            "vocabulary.pretrainedTop": "--embeddings-top",
            "training.epochs": "--epochs", "training.patience": "--patience", "training.batchSize": "--batch-size",
            "training.threads": "--threads", "training.learningRate": "--lr", "training.learningRateDecay": "--lr-decay",
            "training.cooldownEpochs": "--cooldown-epochs", "training.clipNorm": "--clip", "training.averageDecay": "--average",
            "training.firstNameSwap": "--first-name-swap", "training.documentDropout": "--document-dropout",
            "training.caseAugmentation.lower": "--case-augment", "training.caseAugmentation.upper": "--case-augment",
            "training.caseAugmentation.title": "--case-augment", "training.caseAugmentation.drawnCopy": "--case-augment-copy",
            "model.hidden": "--hidden", "model.layers": "--layers", "model.casingDim": "--casing-dim", "model.wordDim": "--word-dim",
            "model.dropout": "--dropout", "model.documentLSTM": "--document-lstm", "model.documentContext": "--document-context",
            "model.documentSummary": "--document-summary", "model.documentAttention": "--document-attention",
            "model.languageModelWords": "--lm-words", "model.languageModelWeight": "--lm-weight",
            "model.bidirectional": "not with --no-backward", "model.lexiconDim": "--lexicon-dim",
            "initPath": "--init", "keepTypes": "--keep-types", "rehearsePath": "--rehearse",
            "rehearseRatio": "--rehearse FILE:RATIO", "rehearseTaggerPath": "--rehearse-tagged-by", "partialAnnotation": "--partial-annotation",
        ]
        return flags[setting] ?? setting
    }

    /// --rehearse FILE[:RATIO]: the ratio after the last colon when it is a number.
    static func parseRehearse(_ value: String) -> (path: String, ratio: Double) {
        if let colon = value.lastIndex(of: ":"), let ratio = Double(value[value.index(after: colon)...]) {
            return (String(value[..<colon]), ratio)
        }
        return (value, 1)
    }

    /// The run the flags ask for. Throws a usage error for a `--case-augment` or
    /// `--case-copies` that does not parse.
    func makeConfig() throws -> TrainingRunConfig {
        var config = TrainingRunConfig()
        config.initPath = initModel
        config.keepTypes = keepTypes
        if let rehearse { (config.rehearsePath, config.rehearseRatio) = Self.parseRehearse(rehearse) }
        config.rehearseTaggerPath = rehearseTaggedBy
        config.partialAnnotation = partialAnnotation
        config.trainPaths = train
        config.devPath = dev
        config.embeddingsPath = embeddings
        config.vocabularyPaths = embeddingsVocab
        config.vocabulary.pretrainedTop = embeddingsTop
        config.freezeEmbeddings = freezeEmbeddings
        config.output = output
        config.columns = corpus.columns
        config.reading = corpus.reading
        config.resume = resume
        config.forkSeed = forkSeed
        config.singletonUnknownRate = unkReplace
        config.wordUnknownRate = wordDropout
        config.keepLastEpoch = keepLast
        config.model.charEncoder = charEncoder
        (config.model.charDim, config.model.charHidden) = ModelConfig.charDefaults(config.model.charEncoder)
        config.model.crf = !noCRF
        config.model.bidirectional = !noBackward
        config.model.hidden = hidden
        config.model.layers = layers
        config.model.casingDim = casingDim
        config.model.variationalDropout = variationalDropout
        config.model.wordDim = wordDim
        config.model.dropout = dropout
        config.model.foldCharCase = foldCharCase
        config.model.documentContext = documentContext
        config.model.documentSummary = documentSummary
        config.model.documentAttention = documentAttention
        config.model.documentLSTM = documentLSTM
        config.model.languageModelWords = lmWords
        config.model.languageModelWeight = lmWeight
        if let lexicon {
            config.lexicon = lexicon == "wordnet" ? .wordnet(directory: wordnetDir) : .file(path: lexicon)
            config.model.lexiconDim = lexiconDim
        }
        var t = TrainingOptions()
        t.epochs = epochs; t.patience = patience; t.batchSize = batchSize
        t.optimizer = optimizer
        t.learningRate = lr; t.learningRateDecay = lrDecay; t.clipNorm = clip
        t.cooldownEpochs = cooldownEpochs
        t.selection = selection
        t.seed = seed; t.threads = threads; t.averageDecay = average
        var augmentation: CaseAugmentation
        do { augmentation = try CaseAugmentation.parseProbabilities(caseAugment) } catch { throw ValidationError("--case-augment \(error)") }
        do { augmentation.copies = try CaseAugmentation.parseCopies(caseCopies) } catch { throw ValidationError("--case-copies \(error)") }
        augmentation.drawnCopy = caseAugmentCopy
        t.caseAugmentation = augmentation.isEnabled || augmentation.drawnCopy ? augmentation : nil
        t.documentDropout = documentDropout != 0 ? documentDropout : nil
        t.firstNameSwap = firstNameSwap != 0 ? firstNameSwap : nil
        config.training = t
        return config
    }

    func run() throws {
        let config = try makeConfig()
        Interrupt.install()
        var bar = ProgressBar()
        let run = TrainingRun(config: config, log: { message in
            bar.clear()
            printError(message)
        }, warn: { warning in
            bar.clear()
            Diagnostics.warning(warning)
        })
        let summary = try run.run(progress: { bar.update($0) }, shouldStop: Interrupt.shouldStop)
        bar.clear()
        switch summary.stop {
        case .interrupted:
            printError("interrupted: checkpoint saved to \(config.checkpointPath); continue with the same command and --resume")
            throw ExitCode(130)
        case .earlyStopped, .finished:
            printError(String(format: "done: best dev F1 %.2f%@ at epoch %d of %d (%@); model written to %@ in %.0f s",
                              summary.bestDevF1, config.training.caseAugmentation == nil ? "" : " (mean over casings)", summary.bestEpoch, summary.epochs,
                              summary.stop == .earlyStopped ? "stopped early" : "all epochs", output, summary.seconds))
        }
    }
}
