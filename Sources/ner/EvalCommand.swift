import ArgumentParser
import NERKit

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Not implemented yet."
    )

    func run() throws {
        throw NERError("ner eval: not implemented yet")
    }
}
