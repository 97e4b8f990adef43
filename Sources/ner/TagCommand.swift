import ArgumentParser
import NERKit

struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Not implemented yet."
    )

    func run() throws {
        throw NERError("ner tag: not implemented yet")
    }
}
