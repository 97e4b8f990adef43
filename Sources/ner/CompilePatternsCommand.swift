import ArgumentParser
import Foundation
import NERKit

struct CompilePatternsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile-patterns",
        abstract: "Store patterns files as one compiled file that loads in milliseconds.",
        discussion: """
        Reads the patterns files as --patterns does (JSON lines or LABEL<TAB>phrase lines, gzip \
        or not; the same errors) and writes their rules, in order, as the matcher holds them in \
        memory. Give the compiled file to --patterns of 'ner tag', 'ner eval' and 'ner serve' in \
        place of the files: the same matches, without parsing, tokenising and hashing every line \
        again in every process. Worth it for large files (a million phrases load in about a second \
        from JSON lines); recompile after editing the sources.

        EXAMPLES
          $ ner compile-patterns products.jsonl names.tsv --output shop.nerpat
          $ ner tag --patterns shop.nerpat < text.txt
        """
    )

    @Argument(help: ArgumentHelp("Patterns files, in the order --patterns would read them.", valueName: "file"))
    var files: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp("Where to write the compiled file.", valueName: "file"))
    var output: String

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one patterns file") }
    }

    func run() throws {
        let set = try PatternSet.load(files)
        try CompiledPatterns.write(set, to: output)
        print("\(output): \(set.count) rules (\(set.labels.joined(separator: ", "))) from \(files.joined(separator: ", "))")
    }
}
