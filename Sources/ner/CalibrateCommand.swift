import ArgumentParser
import Foundation
import NERKit

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit a temperature to a model's entity scores on gold files (temperature scaling).",
        discussion: """
        Tags the gold files (use dev data, never test), and finds the temperature T that \
        makes the entity scores best predict which entities are exactly right: every CRF score \
        is divided by T before the entity probabilities are computed (T > 1 makes them less \
        confident, T < 1 more). The tags do not change, only the scores. Prints the expected \
        calibration error (ECE, 10 bins) before and after. When T lowers the ECE, writes the \
        model with T recorded in it to --output (every weight as it was); 'ner tag', 'ner eval' \
        and 'ner serve' then report calibrated scores.

        A model trained on the dev data too cannot be fitted on it (its scores there are too \
        good): --temperature-from takes the temperature fitted for a twin of it trained without \
        the dev data (the same configuration on the training data alone) instead.

        EXAMPLES
          $ ner calibrate --gold valid.txt --output calibrated.ner model.ner
          $ ner eval --model calibrated.ner --calibration test.txt
          $ ner calibrate --temperature-from twin.calibrated.ner --output calibrated.ner model.ner
        """
    )

    @Argument(help: ArgumentHelp("The model file (default: $NER_MODEL or the installed default model).", valueName: "model"))
    var model: String?

    @Option(help: ArgumentHelp("A gold-annotated file to fit on (repeatable; dev data).", valueName: "file"))
    var gold: [String] = []

    @Option(name: .customLong("temperature-from"),
            help: ArgumentHelp("Use the temperature recorded in this calibrated model (a twin trained without the dev data) instead of fitting one; --gold is then only scored.", valueName: "model"))
    var temperatureFrom: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Where to write the calibrated model (it may be the model itself).", valueName: "file"))
    var output: String

    @OptionGroup var corpus: CorpusOptions

    func validate() throws {
        if gold.isEmpty && temperatureFrom == nil {
            throw ValidationError("give at least one --gold FILE to fit the temperature on, or --temperature-from MODEL")
        }
    }

    func run() throws {
        let modelPath = try model ?? DefaultModel.path()
        if let twin = temperatureFrom { return try copyTemperature(from: twin, to: modelPath) }
        let tagger = try Tagger(path: modelPath)
        let fit = try GoldFileEvaluation.fitTemperature(tagger, files: gold, columns: corpus.columns)
        print(String(format: "temperature %.4f: ECE %.4f before, %.4f after (%d entities of %@)",
                     fit.temperature, fit.before.ece, fit.after.ece, fit.before.count, gold.joined(separator: ", ")))
        guard fit.after.ece < fit.before.ece else {
            print("the temperature does not lower the ECE on these files: no model written")
            return
        }
        let fittedOn = gold.map { "\($0) (CRC-32 \(LabeledCorpus.checksum($0)))" }.joined(separator: ", ")
        try ModelFile.saveCalibrated(modelPath, calibration: .init(temperature: fit.temperature, fittedOn: fittedOn,
                                                                   eceBefore: fit.before.ece, eceAfter: fit.after.ece), to: output)
        print("written to \(output)")
    }

    /// --temperature-from: the twin's temperature written into the model, with where it came from.
    private func copyTemperature(from twin: String, to modelPath: String) throws {
        guard let fitted = try ModelFile.load(twin).provenance.calibration else {
            throw ValidationError("\(twin): this model has no fitted temperature (run ner calibrate --gold DEV on it first)")
        }
        print(String(format: "temperature %.4f from %@ (fitted on %@: ECE %.4f before, %.4f after)",
                     fitted.temperature, twin, fitted.fittedOn, fitted.eceBefore, fitted.eceAfter))
        if !gold.isEmpty {
            let tagger = try Tagger(path: modelPath)
            tagger.model.scoreTemperature = 1
            let before = try GoldFileEvaluation.calibration(tagger, files: gold, columns: corpus.columns)
            tagger.model.scoreTemperature = Float(fitted.temperature)
            let after = try GoldFileEvaluation.calibration(tagger, files: gold, columns: corpus.columns)
            print(String(format: "on %@: ECE %.4f before, %.4f after (%d entities)",
                         gold.joined(separator: ", "), before.ece, after.ece, before.count))
        }
        let source = "the twin model \(twin) (CRC-32 \(LabeledCorpus.checksum(twin))), fitted on \(fitted.fittedOn)"
        try ModelFile.saveCalibrated(modelPath, calibration: .init(temperature: fitted.temperature, fittedOn: source,
                                                                   eceBefore: fitted.eceBefore, eceAfter: fitted.eceAfter), to: output)
        print("written to \(output)")
    }
}
