import ArgumentParser
import Foundation
import NERCommandSupport
import NERKit

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert an annotated corpus between CoNLL, CoNLL-U and the formats of annotation tools.",
        discussion: """
        Reads IN in any format ner reads (detected from the content, or --input-format: conll, \
        conllu, jsonl for spaCy, Prodigy and doccano, label-studio, brat) and writes OUT in the \
        format --to names: conll, conllu, spans (spaCy/Prodigy JSON lines), doccano, \
        label-studio (a JSON array of tasks) or brat (a folder). OUT '-' is standard output \
        (not for brat).

        Spans of annotation exports are put on ner's tokens as for training (see --misaligned); \
        every change is counted on standard error, and 'ner inspect IN' lists them one by one. \
        The fields of a JSON record that carry no annotation (id, meta, anything unknown) pass \
        through unchanged.

        A malformed input is an error naming the file, the line and the record; nothing is \
        written then (output goes to a temporary name and is renamed at the end).

        EXAMPLES
          $ ner convert export.json train.conll --to conll
          $ ner convert train.txt train.jsonl --to spans
          $ ner convert annotations/ doccano.jsonl --to doccano
          $ ner convert doccano.jsonl tasks.json --to label-studio
        """
    )

    @Argument(help: ArgumentHelp("The corpus to read (a file, or a brat folder).", valueName: "in"))
    var input: String

    @Argument(help: ArgumentHelp("Where to write ('-' for standard output).", valueName: "out"))
    var output: String

    @Option(help: "The format to write: conll, conllu, spans, doccano, label-studio or brat.")
    var to: AnnotationOutputFormat

    @OptionGroup var corpus: CorpusOptions

    func validate() throws {
        if to == .brat && output == "-" { throw ValidationError("brat output is a folder: give its path, not '-'") }
    }

    func run() throws {
        let reader = try CorpusReader(path: input, options: corpus.reading)
        let count = try AnnotationFileWriter.write(format: to, to: output == "-" ? nil : output) { try reader.nextDocument() }
        if let summary = reader.adjustments.summary {
            Diagnostics.warning(NERError(path: input, "annotations adjusted to fit the tokens: \(summary) (ner inspect lists them)"))
        }
        printError("\(input): \(count) document\(count == 1 ? "" : "s") read as \(reader.format.rawValue), written as \(to.rawValue) to \(output == "-" ? "standard output" : output)")
    }
}
