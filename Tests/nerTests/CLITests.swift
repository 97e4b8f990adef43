import XCTest
import Foundation

/// End-to-end tests: run the built `ner` binary as a user would.
final class CLITests: XCTestCase {
    func testVersionAndHelpListSubcommands() throws {
        let help = try runNER(["--help"])
        XCTAssertEqual(help.status, 0)
        for sub in ["train", "eval", "tag", "tokenize", "inspect"] {
            XCTAssertTrue(help.stdout.contains(sub), "help lacks \(sub)")
        }
        let version = try runNER(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertFalse(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }
}
