import ArgumentParser
import NERKit

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Not implemented yet."
    )

    func run() throws {
        throw NERError("ner tokenize: not implemented yet")
    }
}
