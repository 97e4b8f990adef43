import ArgumentParser
import NERKit

/// `--patterns FILE` (repeatable) and `--patterns-mode`: rules beside the model, shared by
/// `ner tag`, `ner eval` and `ner serve` (`@OptionGroup var patterns: PatternOptions`).
struct PatternOptions: ParsableArguments {
    @Option(name: .customLong("patterns"),
            help: ArgumentHelp("Entity rules: a file of JSON lines ({\"label\": \"PRODUCT\", \"pattern\": \"Teddy bears\"}, spaCy's entity ruler format) or LABEL<TAB>phrase lines, gzip or not. Repeat for more files.",
                               valueName: "file"))
    var files: [String] = []

    @Option(name: .customLong("patterns-mode"),
            help: "How rules and the model combine: fill (a match where the model found nothing overlapping; the default), override (a match replaces the model entities it overlaps) or only (rules alone, no model pass).")
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
}
