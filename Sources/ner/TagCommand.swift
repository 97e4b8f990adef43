import ArgumentParser
import Foundation
import NERKit

extension TagInputFormat: ExpressibleByArgument {}
extension TagOutputFormat: ExpressibleByArgument {}

struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Find named entities in text: text on stdin, entities on stdout.",
        discussion: """
        DESCRIPTION
          Reads standard input, or the files given, and writes the entities the
          model finds. Output starts before the input ends: sentences are tagged
          as they arrive (in batches when input comes faster than it can be
          tagged) and the output keeps the input's order. On a terminal, each
          line is answered when you press Enter.

        INPUT (--input)
          text    Raw UTF-8 text (the default), split into sentences and tokens
                  as 'ner tokenize' shows. A blank line always ends a sentence.
                  Invalid UTF-8 is replaced with U+FFFD and reported once on
                  stderr.
          tokens  One sentence per line, tokens separated by spaces or tabs.
                  Blank lines are skipped.
          conll   Column files (CoNLL-2003 and the like): one token per line,
                  blank lines between sentences, with or without gold tags.
                  --token-column picks the token column. Gzip is accepted,
                  also on standard input; a sentence is tagged as soon as
                  its closing blank line arrives.

        OUTPUT (--format)
          inline  One sentence per line, entities in brackets; the default for
                  text and tokens input:
                    [PER Teddy Roosevelt] was a great President .
          conll   token<TAB>tag per line, a blank line after each sentence.
                  For --input conll (where it is the default) each original
                  line is written back with the predicted tag appended as a
                  new last column, ready for 'ner eval --predictions'.
          json    One JSON object per sentence and line (JSON Lines):
                    {"text": "...", "start": 0, "end": 38,
                     "tokens": [{"text": "Teddy", "start": 0, "end": 5,
                                 "tag": "B-PER"}, ...],
                     "entities": [{"label": "PER", "text": "Teddy Roosevelt",
                                   "start": 0, "end": 15, "token_start": 0,
                                   "token_end": 2, "score": 0.9731}]}
                  start/end are Unicode code point offsets, end exclusive
                  (Python str indices). For text input they count from the
                  start of the input (of each file): input[start:end] is the
                  text, line breaks included. For tokens and conll input they
                  count within "text", the sentence's tokens joined by single
                  spaces, and a "line" field gives the sentence's first line.
                  With input files, a "file" field comes first. token_end is
                  exclusive; score is the model's probability of exactly that
                  entity, to 4 decimals.
          html    One self-contained HTML page with the entities highlighted
                  by type and a legend. Text input keeps its line breaks and
                  spacing.

          Tags use the tag scheme of the model's training data unless --scheme
          says otherwise. inline and conll show tokens in Unicode NFC form
          (what the model reads); json and html show the input as it was.
          Empty input gives no output.

        MODEL
          Without --model, ner uses $NER_MODEL, else models/default.ner beside
          the ner repository or in the current directory. A missing or
          damaged model is reported as 'path: message', exit status 1.

        EXAMPLES
          echo "Teddy Roosevelt was a great President." | ner tag
            [PER Teddy Roosevelt] was a great President .
          ner tag --model model.ner --format json < article.txt > article.jsonl
          ner tag --format html article.txt > article.html
          ner tag --input tokens --format conll < sentences.txt
          ner tag --input conll --model model.ner test.txt > predicted.txt
          ner eval --predictions predicted.txt
          ner tag --format json < article.txt | jq -r '.entities[].text'
        """
    )

    @Option(help: ArgumentHelp("The model file (default: $NER_MODEL or models/default.ner).", valueName: "file"))
    var model: String?

    @Option(help: "Input kind: text, tokens (one sentence per line) or conll (column files).")
    var input: TagInputFormat = .text

    @Option(help: "Output format: inline, conll, json or html (default: conll for --input conll, else inline).")
    var format: TagOutputFormat?

    @Option(help: "Tag scheme of the output tags: iob1, iob2, bioes or bilou (default: the model's training data's).")
    var scheme: String?

    @Option(name: .customLong("token-column"), parsing: .unconditional,
            help: ArgumentHelp("With --input conll, the column holding the tokens: 0 is the first (default), -1 the last.",
                               valueName: "n"))
    var tokenColumn: Int?

    @Argument(help: ArgumentHelp("Files to tag (default: standard input; '-' is standard input).", valueName: "file"))
    var files: [String] = []

    func validate() throws {
        if let scheme, TagScheme(name: scheme) == nil {
            throw ValidationError("unknown tag scheme '\(scheme)': use iob1, iob2, bioes or bilou")
        }
        if tokenColumn != nil && input != .conll {
            throw ValidationError("--token-column needs --input conll")
        }
    }

    func run() throws {
        let paths: [String?] = files.isEmpty ? [nil] : files.map { $0 == "-" ? nil : $0 }
        for case let path? in paths {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw NERError(path: path, FileManager.default.fileExists(atPath: path) ? "cannot open for reading" : "no such file")
            }
        }
        let tagger = try Tagger(path: model ?? Tagger.defaultModelPath())
        let outputFormat = format ?? TagOutputFormat.defaultFormat(for: input)
        var formatter = TagOutputFormatter(format: outputFormat, entityTypes: tagger.entityTypes)
        let interactive = isatty(STDIN_FILENO) != 0
        let inputFormat = input
        let columns = CoNLLColumns(token: tokenColumn ?? 0, tag: -1)
        let inputs: [() throws -> TagInput] = paths.map { path in
            { try TagInputOpener.open(inputFormat, path: path, columns: columns, interactive: interactive && path == nil) }
        }
        let stdout = FileHandleOutputStream(FileHandle.standardOutput)
        try TagStream().run(
            inputs: inputs, tagger: tagger, scheme: scheme.flatMap(TagScheme.init(name:)), formatter: &formatter,
            write: { text in
                guard !text.isEmpty else { return }
                stdout.write(text)
                try stdout.check(name: "standard output")
            },
            warn: { FileHandle.standardError.write(Data("ner tag: warning: \($0)\n".utf8)) })
    }
}
