import ArgumentParser
import Foundation
import NERCommandSupport
import NERKit

struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Find named entities in text: text on stdin, entities on stdout.",
        discussion: """
        DESCRIPTION
        Reads standard input, or the files given, and writes the entities the model finds. \
        Output starts before the input ends: sentences are tagged as they arrive (in batches when \
        input comes faster than it can be tagged) and the output keeps the input's order. On a \
        terminal, each line is answered when you press Enter. Every input may be gzip-compressed,         in a file or on standard input.

        INPUT (--input)
        --input text: raw UTF-8 text (the default), split into sentences and tokens as \
        'ner tokenize' shows. A blank line always ends a sentence. Invalid UTF-8 is replaced with \
        U+FFFD and reported once on stderr.
        --input tokens: one sentence per line, tokens separated by spaces or tabs. Blank lines \
        are skipped.
        --input conll: column files (CoNLL-2003 and the like): one token per line, blank lines \
        between sentences, with or without gold tags. --token-column picks the token column. \
        Gzip is accepted, also on standard input; a sentence is tagged as soon as its closing \
        blank line arrives.
        --input jsonl: JSON Lines, each line one JSON object, a document whose text is its \
        "text" field (--text-field picks another). See RECORD INPUT.
        --input lines: one plain-text document per line. See RECORD INPUT.

        RECORD INPUT (--input jsonl, --input lines)
        Exactly one output line per input line, in input order, so the output lines up with the \
        input (Spark's rdd.pipe, parallel --pipe --keep-order). Each document's text is split \
        into sentences and tokens as with --input text (a blank line inside it ends a sentence); \
        the sentences of many records are tagged in one batch. The output is always JSON Lines.

        --input jsonl writes the input object exactly as it came (key order, numbers, spacing, \
        escapes), with "entities" added after its last field:
          {"id": 7, "text": "Teddy Roosevelt spoke.",
           "entities": [{"label": "PER", "text": "Teddy Roosevelt",
                         "start": 0, "end": 15, "token_start": 0,
                         "token_end": 2, "score": 0.9637}]}
        An object that already has "entities" (ner's own output fed back in) gets that value \
        replaced where it stands.

        --input lines writes {"line": 3, "entities": [...]}, with "file" first when reading \
        files.

        Entity start/end are Unicode code point offsets into the record's text (Python str \
        indices: text[start:end] is the entity); token_start/token_end count the record's tokens \
        across its sentences. --with-tokens adds "sentences" \
        ([{"start", "end", "token_start", "token_end"}]) and "tokens" \
        ([{"text", "start", "end", "tag"}]) before "entities" (replacing fields of those names). \
        Blank lines (empty or only whitespace) give empty output lines.

        A line that cannot be tagged gives an error line instead:
          {"line": 17,
           "error": "invalid JSON at byte 9: expected ':' after the key"}
        The error line has "file" first when reading files or with --stdin-name, and "record", \
        the line's JSON, when that is valid JSON but not a usable object, so its id comes along. \
        Causes: invalid UTF-8, invalid JSON, not a JSON object, no text field, a text field that \
        is not a string, a text field (or a field ner writes) present twice. The run goes on; at \
        the end the number of failed records and the first failure ('path:line: message') go to \
        stderr.

        --first-line N numbers the lines from N and --stdin-name NAME names standard input, for \
        a chunk cut from a bigger file. Gzip input is accepted, also on standard input. A huge \
        record is read, tagged and written a paragraph at a time.

        OUTPUT (--format)
        --format inline: one sentence per line, entities in brackets; the default for text and \
        tokens input:
          [PER Teddy Roosevelt] was a great President .

        --format conll: token<TAB>tag per line, a blank line after each sentence. For \
        --input conll (where it is the default) each original line is written back with the \
        predicted tag appended as a new last column, ready for 'ner eval --predictions'.

        --format json: one JSON object per sentence and line (JSON Lines):
          {"text": "...", "start": 0, "end": 38,
           "tokens": [{"text": "Teddy", "start": 0, "end": 5,
                       "tag": "B-PER"}, ...],
           "entities": [{"label": "PER", "text": "Teddy Roosevelt",
                         "start": 0, "end": 15, "token_start": 0,
                         "token_end": 2, "score": 0.9436}]}
        Here start/end are Unicode code point offsets, end exclusive (Python str indices). For \
        text input they count from the start of the input (of each file): input[start:end] is \
        the text, line breaks included. For tokens and conll input they count within "text", \
        the sentence's tokens joined by single spaces, and a "line" field gives the sentence's \
        first line. With input files, a "file" field comes first. token_end is exclusive; score \
        is the model's probability of exactly that entity, to 4 decimals.

        --format html: one self-contained HTML page with the entities highlighted by type and a \
        legend. Text input keeps its line breaks and spacing.

        ANNOTATION FORMATS (pre-annotation for annotation tools)
        --format spans (spaCy/Prodigy JSON lines, with "tokens" and a "score" per span), \
        doccano (JSON lines with "label"), label-studio (a JSON array of tasks whose \
        "predictions" carry the model's scores), conllu, or brat (a folder, given with \
        --output). Input: --input jsonl (records with "text"; other fields pass through, spans \
        already there are replaced) or --input text (each file, or standard input, one \
        document); gzip is read too. --patterns apply as for the other formats (a match's score \
        is 1). Nothing is written unless every document is read (to --output, or standard \
        output), and the reader of that \
        format reads it back as written: tag, correct in the tool, export, train again. See \
        docs/guide/annotations.md.

        PATTERNS (--patterns FILE, --patterns-mode)
        Rules beside the model: each line of FILE is a JSON object as in spaCy's entity ruler \
        ({"label": "PRODUCT", "pattern": "Teddy bears"}, or a token pattern such as \
        [{"lower": "acme"}, {"lower": "corp", "op": "?"}]; "id" is echoed with each match; \
        "lower": true makes a phrase match whatever its case) or LABEL<TAB>phrase. \
        --patterns-mode fill (the default) adds a match where the model found nothing \
        overlapping, override lets a match replace the model entities it overlaps, only uses the \
        rules alone without running the model. Of overlapping matches the longest wins, then the \
        first in the file. With --patterns, every JSON entity has "source": "model" or \
        "pattern", and "id" when its rule has one; a rule's "score" is 1.0. See \
        docs/guide/patterns.md.

        Tags use the tag scheme of the model's training data unless --scheme says otherwise. \
        inline and conll show tokens in Unicode NFC form (what the model reads); json and html \
        show the input as it was. Empty input gives no output.

        EXIT STATUS
        0 when everything was tagged; 1 when the model or an input cannot be read (message on \
        stderr), or, for --input jsonl and lines, when any record failed and got an error line \
        (all other records are still tagged and written); 64 for a usage error.

        MODEL
        Without --model, ner uses $NER_MODEL, else the default model installed with it \
        (PREFIX/share/ner/default.ner for ner in PREFIX/bin), else models/default.ner beside \
        the ner repository or in the current directory. A missing or damaged model is \
        reported as 'path: error: message', exit status 1.

        EXAMPLES
          $ echo "Teddy Roosevelt was a great President." | ner tag
          [PER Teddy Roosevelt] was a great President .
          $ ner tag --model model.ner --format json < article.txt > article.jsonl
          $ ner tag --format html article.txt > article.html
          $ ner tag --input tokens --format conll < sentences.txt
          $ ner tag --input conll --model model.ner test.txt > predicted.txt
          $ ner eval --predictions predicted.txt
          $ ner tag --format json < article.txt | jq -r '.entities[].text'
          $ ner tag --input jsonl < docs.jsonl > tagged.jsonl
          $ echo "Teddy bears are on sale!" | ner tag --patterns products.jsonl
          $ ner tag --input jsonl --text-field body --with-tokens docs.jsonl.gz
          $ parallel --pipe -N 10000 --keep-order -j2 \\
            'ner tag --input jsonl --threads 1 --first-line $(( ({#}-1)*10000+1 ))' \\
            < docs.jsonl > tagged.jsonl
        """
    )

    @Option(help: ArgumentHelp("The model file (default: $NER_MODEL, else the default model installed with ner).", valueName: "file"))
    var model: String?

    @Option(help: "Arithmetic of the recurrent products: float32, or bfloat16 (on CPUs with AVX512_BF16; elsewhere the same as float32). Default: bfloat16 where it is the faster (AMX tiles, or AVX512_BF16 on AMD), else float32.")
    var precision: InferencePrecision = .fastest

    @Option(help: "Input kind: text, tokens (one sentence per line), conll (column files), jsonl (one JSON object per line) or lines (one document per line).")
    var input: TagInputOption = .text

    @Option(help: "Output format: inline, conll, json or html (default: conll for --input conll, else inline); or an annotation format: spans (spaCy/Prodigy), doccano, label-studio, conllu or brat (see ANNOTATION FORMATS).")
    var format: TagFormatOption?

    @Option(name: .customLong("output"), help: ArgumentHelp("With an annotation format: write here instead of standard output (a folder for brat; written whole at the end, nothing on error).", valueName: "path"))
    var outputPath: String?

    @Option(help: "Tag scheme of the output tags (default: the model's training data's).")
    var scheme: TagScheme?

    @Option(name: .customLong("token-column"), parsing: .unconditional,
            help: ArgumentHelp("With --input conll, the column holding the tokens: 0 is the first (default), -1 the last.",
                               valueName: "n"))
    var tokenColumn: Int?

    @Option(name: .customLong("text-field"),
            help: ArgumentHelp("With --input jsonl, the field holding each record's text (default: text).", valueName: "name"))
    var textField: String?

    @Flag(name: .customLong("with-tokens"),
          help: "With --input jsonl or lines, also write each record's \"sentences\" and \"tokens\" (with tags).")
    var withTokens = false

    @Option(name: .customLong("first-line"),
            help: ArgumentHelp("With --input jsonl or lines, the number of the first input line (default: 1).", valueName: "n"))
    var firstLine: Int?

    @Option(name: .customLong("stdin-name"),
            help: ArgumentHelp("With --input jsonl or lines, the file name that error lines and messages give standard input.",
                               valueName: "name"))
    var stdinName: String?

    @Option(help: ArgumentHelp("Threads: 1 or 2 (default: 2 on a machine with more than one core). With 2, sentence input is tagged two batches at once by two copies of the model on a CPU without AVX-512, else each batch's two LSTM directions run side by side (NER_PARALLEL=batches or directions chooses).",
                               valueName: "n"))
    var threads: Int?

    @OptionGroup var patterns: PatternOptions

    @Argument(help: ArgumentHelp("Files to tag (default: standard input; '-' is standard input).", valueName: "file"))
    var files: [String] = []

    func validate() throws {
        if tokenColumn != nil && input != .conll {
            throw ValidationError("--token-column needs --input conll")
        }
        if textField != nil && input != .jsonl {
            throw ValidationError("--text-field needs --input jsonl")
        }
        if !input.isRecordInput {
            for (given, name) in [(withTokens, "--with-tokens"), (firstLine != nil, "--first-line"), (stdinName != nil, "--stdin-name")]
            where given {
                throw ValidationError("\(name) needs --input jsonl or --input lines")
            }
        }
        if let format, format.annotationFormat != nil {
            guard [.jsonl, .text].contains(input) else {
                throw ValidationError("--format \(format.rawValue) reads --input jsonl or text")
            }
            if format == .brat && outputPath == nil { throw ValidationError("--format brat writes a folder: give it with --output DIR") }
            for (given, name) in [(withTokens, "--with-tokens"), (firstLine != nil, "--first-line"), (stdinName != nil, "--stdin-name"), (scheme != nil, "--scheme")]
            where given {
                throw ValidationError("\(name) does not apply to --format \(format.rawValue)")
            }
        } else if outputPath != nil {
            throw ValidationError("--output needs an annotation format (spans, doccano, label-studio, conllu, brat)")
        }
        if input.isRecordInput, let format, format.annotationFormat == nil, format != .json {
            throw ValidationError("--input \(input.rawValue) always writes JSON lines: use --format json or leave it out")
        }
        if let textField, recordOptions.writtenFields.contains(textField) {
            throw ValidationError("--text-field \(textField): ner writes that field itself")
        }
        if let textField, textField.isEmpty {
            throw ValidationError("--text-field needs a field name")
        }
        if let firstLine, firstLine < 1 {
            throw ValidationError("--first-line must be 1 or more")
        }
        if let threads, !(1...2).contains(threads) {
            throw ValidationError("--threads must be 1 or 2")
        }
    }

    private var recordOptions: TagRecordOptions {
        TagRecordOptions(format: input == .lines ? .lines : .jsonl(textField: textField ?? "text"),
                         withTokens: withTokens, firstLine: firstLine ?? 1, stdinName: stdinName)
    }

    func run() throws {
        let paths: [String?] = files.isEmpty ? [nil] : files.map { $0 == "-" ? nil : $0 }
        for case let path? in paths {
            close(try InputFile.open(path))  // every file readable before the model is loaded
            if SafeTensorsFile.isModelFile(path: path) {
                throw NERError(path: path, "this is a ner model file, not text to tag: a model goes after --model")
            }
        }
        let (rules, tagger) = try patterns.rulesAndTagger(modelGiven: model != nil) { try Tagger(path: model ?? DefaultModel.path(), precision: precision) }
        if let threads { tagger.model.parallel = threads > 1 }
        if let annotation = format?.annotationFormat {
            try tagDocuments(paths: paths, tagger: tagger, rules: rules, format: annotation)
            return
        }
        let stdout = FileHandleOutputStream(FileHandle.standardOutput)
        guard let inputFormat = input.sentenceFormat else {
            try tagRecords(paths: paths, tagger: tagger, rules: rules, stdout: stdout)
            return
        }
        let outputFormat = format?.sentenceFormat ?? TagOutputFormat.defaultFormat(for: inputFormat)
        var entityTypes = rules?.needsModel == false ? [] : tagger.entityTypes
        for label in rules?.patterns.labels ?? [] where !entityTypes.contains(label) { entityTypes.append(label) }
        var formatter = TagOutputFormatter(format: outputFormat, entityTypes: entityTypes)
        let interactive = isatty(STDIN_FILENO) != 0
        let columns = CoNLLColumns(token: tokenColumn ?? 0, tag: -1)
        let inputs: [() throws -> TagInput] = paths.map { path in
            { try TagInputOpener.open(inputFormat, path: path, columns: columns, interactive: interactive && path == nil) }
        }
        // On more than one core, where two batches at once are the faster (TagStream.parallelism),
        // a second tagger of the model, made once a second batch may come.
        let modelPath = model, modelPrecision = precision
        let replica: (@Sendable () throws -> Tagger)? = rules?.needsModel != false && threads != 1
            && ProcessInfo.processInfo.activeProcessorCount > 1 && TagStream.parallelism == "batches"
            ? { @Sendable in try Tagger(path: modelPath ?? DefaultModel.path(), precision: modelPrecision) } : nil
        try TagStream().run(
            inputs: inputs, tagger: tagger, replica: replica, scheme: scheme, rules: rules, formatter: &formatter,
            write: { text in
                guard !text.isEmpty else { return }
                stdout.write(text)
                try stdout.check(name: "standard output")
            },
            warn: Diagnostics.warning)
    }

    /// An annotation format: every input document (a JSON-lines record with "text", or a text
    /// file whole; files or standard input, plain or gzip) with the model's entities and scores,
    /// and the matches of --patterns combined with them as for the other formats; all or nothing,
    /// so a bad record leaves nothing half written.
    private func tagDocuments(paths: [String?], tagger: Tagger, rules: EntityRules?, format: AnnotationOutputFormat) throws {
        var pathIndex = 0
        var reader: CorpusReader?
        let next: () throws -> AlignedDocument? = {
            while true {
                if input == .text {
                    guard pathIndex < paths.count else { return nil }
                    // The shared opener: a file or standard input, plain or gzip.
                    let file = try InputFile(path: paths[pathIndex])
                    pathIndex += 1
                    let bytes = try file.readAll()
                    let text: String
                    if let valid = String(validating: bytes, as: UTF8.self) {
                        text = valid
                    } else {
                        text = String(decoding: bytes, as: UTF8.self)
                        Diagnostics.warning(NERError(path: file.name, "invalid UTF-8, replaced with U+FFFD"))
                    }
                    let location = RecordLocation(path: file.name, line: nil, name: "document \(pathIndex)")
                    let (document, _) = try SpanAligner().align(AnnotatedText(text: text, spans: [], location: location))
                    return tagger.predict(document, rules: rules)
                }
                if reader == nil {
                    guard pathIndex < paths.count else { return nil }
                    reader = CorpusReader(jsonLines: try InputFile(path: paths[pathIndex]), options: CorpusReadOptions(format: .jsonl))
                    pathIndex += 1
                }
                if let document = try reader?.nextDocument() { return tagger.predict(document, rules: rules) }
                reader = nil
            }
        }
        _ = try AnnotationFileWriter.write(format: format, predictions: true, to: outputPath, documents: next)
    }

    /// `--input jsonl`/`lines`: one line out per line in; bad records become error lines, are
    /// counted on stderr at the end and make the exit status 1.
    private func tagRecords(paths: [String?], tagger: Tagger, rules: EntityRules?, stdout: FileHandleOutputStream) throws {
        let summary = try TagRecordStream().run(
            paths: paths, options: recordOptions, tagger: tagger, scheme: scheme, rules: rules,
            write: { text in
                stdout.write(text)
                try stdout.check(name: "standard output")
            })
        guard summary.failed > 0 else { return }
        let first = summary.firstFailure.map { "; the first: \($0)" } ?? ""
        Diagnostics.error("\(summary.failed) of \(summary.records) records failed and have an \"error\" line\(first)")
        throw ExitCode(1)
    }
}
