import ArgumentParser
import NERKit

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Not implemented yet."
    )

    func run() throws {
        throw NERError("ner train: not implemented yet")
    }
}
