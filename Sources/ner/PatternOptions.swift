import ArgumentParser
import Foundation
import NERCommandSupport
import NERKit

/// `--patterns FILE` (repeatable) and `--patterns-mode`: rules beside the model, shared by
/// `ner tag`, `ner eval` and `ner serve` (`@OptionGroup var patterns: PatternOptions`).
struct PatternOptions: ParsableArguments {
    @Option(name: .customLong("patterns"),
            help: ArgumentHelp("Entity rules: a file of JSON lines ({\"label\": \"PRODUCT\", \"pattern\": \"Teddy bears\"}, spaCy's entity ruler format) or LABEL<TAB>phrase lines, gzip or not. Repeat for more files.",
                               valueName: "file"))
    var files: [String] = []

    @Option(name: .customLong("patterns-mode"),
            help: "How rules and the model combine: fill (a match where the model found nothing overlapping; the default), override (a match replaces the model entities it overlaps) or only (rules alone: no model pass; ner tag and ner eval without --model read no model, ner serve still loads one).")
    var mode: PatternMode?

    func validate() throws {
        if mode != nil && files.isEmpty {
            throw ValidationError("--patterns-mode needs --patterns FILE")
        }
    }

    /// The rules of the files, or nil without --patterns. Throws the reader's `file:line:` error.
    func rules() throws -> EntityRules? {
        guard !files.isEmpty else { return nil }
        return EntityRules(patterns: try PatternSet.load(files), mode: mode ?? .fill)
    }

    /// The rules and the model loaded at once, the rules on a thread of their own (a large
    /// patterns file takes about as long as the model or longer). The rules' error comes first,
    /// as when they were read before the model.
    ///
    /// In `only` mode without `--model` (`modelGiven` false) no model is read: the rules are all
    /// there is, so `ner tag --patterns-mode only` needs no model file (its tags are IOB2
    /// unless `--scheme` says otherwise).
    func rulesAndTagger(modelGiven: Bool, _ loadTagger: () throws -> Tagger) throws -> (EntityRules?, Tagger) {
        guard !files.isEmpty else { return (nil, try loadTagger()) }
        if mode == .only && !modelGiven {
            return (try rules(), Tagger.rulesOnly(scheme: .iob2))
        }
        let options = self
        let loading = OnAThread { try options.rules() }
        let tagger = Result { try loadTagger() }
        return (try loading.wait(), try tagger.get())
    }
}
