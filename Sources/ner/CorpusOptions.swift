import ArgumentParser
import NERKit

/// Which columns of a CoNLL-style file hold tokens and tags; shared by every command that reads
/// such files (`@OptionGroup var corpus: CorpusOptions`).
struct CorpusOptions: ParsableArguments {
    @Option(name: .customLong("token-column"), parsing: .unconditional,
            help: ArgumentHelp("Column holding the tokens: 0 is the first, -1 the last.", valueName: "n"))
    var tokenColumn: Int = 0

    @Option(name: .customLong("tag-column"), parsing: .unconditional,
            help: ArgumentHelp("Column holding the entity tags: 0 is the first, -1 the last.", valueName: "n"))
    var tagColumn: Int = -1

    var columns: CoNLLColumns { CoNLLColumns(token: tokenColumn, tag: tagColumn) }
}
