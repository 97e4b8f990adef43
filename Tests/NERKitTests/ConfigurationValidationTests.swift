import XCTest
@testable import NERKit

/// The library refuses every configuration `ner train` refuses, with a message that names the
/// settings by their property paths (never a command-line flag).
final class ConfigurationValidationTests: XCTestCase {
    func valid() -> TrainingRunConfig {
        var c = TrainingRunConfig()
        c.trainPaths = ["train.txt"]
        return c
    }

    func testTheDefaultsWithATrainingFileAreValid() throws {
        XCTAssertNoThrow(try valid().validate())
        XCTAssertNoThrow(try ModelConfig().validate())
        XCTAssertNoThrow(try TrainingOptions().validate())
        XCTAssertNoThrow(try VocabularyOptions().validate())
        var c = valid()
        c.resume = true
        c.forkSeed = 3
        c.model.documentContext = true
        c.model.documentAttention = true
        c.training.documentDropout = 0.3
        c.training.cooldownEpochs = c.training.epochs
        c.training.caseAugmentation = CaseAugmentation(lower: 0.3, upper: 0.2, title: 0.1, drawnCopy: true)
        XCTAssertNoThrow(try c.validate(), "every option at a legal value")
    }

    func testEachInvalidSettingIsRefusedByName() {
        let cases: [(String, (inout TrainingRunConfig) -> Void, String)] = [
            ("no training file", { $0.trainPaths = [] }, "no training file given (trainPaths is empty)"),
            ("epochs", { $0.training.epochs = 0 }, "training.epochs must be in 1...100000 (got 0)"),
            ("patience", { $0.training.patience = 0 }, "training.patience must be in 1...100000 (got 0)"),
            ("batch size", { $0.training.batchSize = 100_001 }, "training.batchSize must be in 1...100000 (got 100001)"),
            ("threads", { $0.training.threads = 0 }, "training.threads must be in 1...256 (got 0)"),
            ("learning rate", { $0.training.learningRate = 0 }, "training.learningRate must be a number in [1e-08, 10.0] (got 0.0)"),
            ("learning rate NaN", { $0.training.learningRate = .nan }, "training.learningRate must be a number in [1e-08, 10.0] (got nan)"),
            ("decay", { $0.training.learningRateDecay = -1 }, "training.learningRateDecay must be a number in [0.0, 100.0] (got -1.0)"),
            ("momentum", { $0.training.momentum = 1 }, "training.momentum must be a number in [0.0, 1.0) (got 1.0)"),
            ("cool-down", { $0.training.epochs = 5; $0.training.cooldownEpochs = 6 },
             "training.cooldownEpochs must be in 0...5 (training.epochs; got 6)"),
            ("clip", { $0.training.clipNorm = .infinity }, "training.clipNorm must be a number in [0.0, 1000000.0] (got inf)"),
            ("average", { $0.training.averageDecay = 1 }, "training.averageDecay must be a number in [0.0, 1.0) (got 1.0)"),
            ("first-name swap", { $0.training.firstNameSwap = 1.5 }, "training.firstNameSwap must be a number in [0.0, 1.0] (got 1.5)"),
            ("document dropout", { $0.model.documentContext = true; $0.training.documentDropout = -0.1 },
             "training.documentDropout must be a number in [0.0, 1.0] (got -0.1)"),
            ("recasing probability", { $0.training.caseAugmentation = CaseAugmentation(upper: 2) },
             "training.caseAugmentation.upper must be a number in [0.0, 1.0] (got 2.0)"),
            ("recasing sum", { $0.training.caseAugmentation = CaseAugmentation(lower: 0.6, upper: 0.6) },
             "the probabilities training.caseAugmentation.lower + training.caseAugmentation.upper + training.caseAugmentation.title add up to more than 1 (1.2)"),
            ("drawn copy without draws", { $0.training.caseAugmentation = CaseAugmentation(copies: [.lower], drawnCopy: true) },
             "training.caseAugmentation.drawnCopy needs a probability above 0 in training.caseAugmentation.lower, training.caseAugmentation.upper or training.caseAugmentation.title"),
            ("hidden", { $0.model.hidden = 0 }, "model.hidden must be in 1...4096 (got 0)"),
            ("layers", { $0.model.layers = 17 }, "model.layers must be in 1...16 (got 17)"),
            ("casing", { $0.model.casingDim = -1 }, "model.casingDim must be in 0...1024 (got -1)"),
            ("word dim", { $0.model.wordDim = 5000 }, "model.wordDim must be in 1...4096 (got 5000)"),
            ("char dim", { $0.model.charDim = 0 }, "model.charDim must be in 1...1024 (got 0)"),
            ("dropout", { $0.model.dropout = 1 }, "model.dropout must be a number in [0.0, 1.0) (got 1.0)"),
            ("document LSTM", { $0.model.documentLSTM = 5000 }, "model.documentLSTM must be in 0...4096 (got 5000)"),
            ("attention", { $0.model.documentAttention = true }, "model.documentAttention needs model.documentContext"),
            ("LM words", { $0.model.languageModelWords = 200_000 }, "model.languageModelWords must be between 0 and 100000, not 200000"),
            ("LM weight", { $0.model.languageModelWeight = 0 }, "model.languageModelWeight must be in (0, 10], not 0.0"),
            ("LM backward", { $0.model.languageModelWords = 5; $0.model.bidirectional = false },
             "model.languageModelWords needs the backward LSTM (model.bidirectional)"),
            ("pretrained top", { $0.vocabulary.pretrainedTop = -1 }, "vocabulary.pretrainedTop must be in 0...100000000 (got -1)"),
            ("min count", { $0.vocabulary.minCount = 0 }, "vocabulary.minCount must be in 1...1000000000 (got 0)"),
            ("unknown rate", { $0.singletonUnknownRate = 2 }, "singletonUnknownRate must be a number in [0.0, 1.0] (got 2.0)"),
            ("word dropout", { $0.wordUnknownRate = 1 }, "wordUnknownRate must be a number in [0.0, 1.0) (got 1.0)"),
            ("document dropout alone", { $0.training.documentDropout = 0.3 },
             "training.documentDropout needs model.documentContext, model.documentSummary or model.documentLSTM"),
            ("fork without resume", { $0.forkSeed = 3 }, "forkSeed needs resume (it branches from a checkpoint)"),
        ]
        for (name, change, message) in cases {
            var c = valid()
            change(&c)
            XCTAssertThrowsError(try c.validate(), name) { error in
                XCTAssertEqual((error as? ConfigurationError)?.description, message, name)
                XCTAssertFalse("\(error)".contains("--"), "\(name): a library message names no flag")
            }
        }
    }

    /// A front end names the settings its own way; alternatives it names alike appear once.
    func testDescribeNamesSettingsByTheFrontEndsNames() {
        let error = ConfigurationError.needs("training.documentDropout", anyOf: ["model.documentContext", "model.documentSummary"])
        XCTAssertEqual(error.settings, ["training.documentDropout", "model.documentContext", "model.documentSummary"])
        XCTAssertEqual(error.describe { $0.hasPrefix("model.") ? "--document" : "--dropout" }, "--dropout needs --document")
        XCTAssertEqual(error.describe { "<\($0)>" }, "<training.documentDropout> needs <model.documentContext> or <model.documentSummary>")
    }

    /// A run refuses an invalid configuration before it reads or writes anything.
    func testTrainingRunValidatesBeforeReading() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ner-validate-\(UUID().uuidString)")
        var c = valid()
        c.trainPaths = [dir.appendingPathComponent("missing.txt").path]
        c.output = dir.appendingPathComponent("never.ner").path
        c.model.hidden = 0
        XCTAssertThrowsError(try TrainingRun(config: c) { _ in }.run(progress: { _ in }, shouldStop: { false })) { error in
            XCTAssertEqual((error as? ConfigurationError)?.settings, ["model.hidden"], "\(error)")
        }
    }

    /// Library errors give their advice in the library's words; the message alone has none.
    func testRemedyAdviceNamesNoFlag() {
        let error = NERError(path: "m.ner", "this is a ner model file, not a CoNLL corpus", remedy: .modelWhereDataGoes)
        XCTAssertEqual(error.description, "m.ner: this is a ner model file, not a CoNLL corpus: give it as the model")
        for remedy in [NERError.Remedy.modelWhereDataGoes, .lowerLearningRate, .sameTrainingData, .sameDevFile] {
            XCTAssertFalse(remedy.advice.contains("--"), "\(remedy)")
        }
    }
}
