import ArgumentParser
import NERKit

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Not implemented yet."
    )

    func run() throws {
        throw NERError("ner inspect: not implemented yet")
    }
}
