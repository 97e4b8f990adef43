import Foundation
import XCTest

/// Issue 15: `--help` must read well at any terminal width. ArgumentParser keeps every line break
/// of a command's discussion and wraps each line longer than the terminal (COLUMNS) at a space,
/// without a hanging indent, so help text hard-wrapped in the source gets wrapped twice ("...
/// (that of `ner train`" / "without" / "options) on ..."). The help is therefore written as one
/// source line per paragraph, with preformatted lines (examples, samples) short enough for 80
/// columns. These tests render every help page at 80 and 60 columns and compare it with the
/// unwrapped rendering (COLUMNS=10000), where each line of the source text is one line.
final class HelpRenderingTests: XCTestCase {
    /// Subcommands `ner --help` must list (in this order); any others it lists are tested too.
    static let knownSubcommands = ["train", "eval", "tag", "tokenize", "inspect", "bench", "serve", "report"]
    static let widths = [80, 60]
    static let wide = 10_000

    /// `ner COMMAND --help` rendered for a terminal `columns` wide, as lines.
    private func help(_ command: [String], columns: Int) throws -> [String] {
        let result = try runNER(command + ["--help"], environment: ["COLUMNS": String(columns)])
        XCTAssertEqual(result.status, 0, "\(Self.name(command)) --help: \(result.stderr)")
        XCTAssertEqual(result.stderr, "", "\(Self.name(command)) --help")
        var lines = result.stdout.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    private static func name(_ command: [String]) -> String { (["ner"] + command).joined(separator: " ") }

    private static func indentation(_ line: String) -> Int { line.prefix { $0 == " " }.count }

    private static func trimmed(_ line: String) -> Substring { line.drop { $0 == " " } }

    /// The subcommands `ner --help` lists (from its unwrapped rendering).
    private func listedSubcommands() throws -> [String] {
        let lines = try help([], columns: Self.wide)
        guard let start = lines.firstIndex(of: "SUBCOMMANDS:") else {
            XCTFail("ner --help has no SUBCOMMANDS section:\n" + lines.joined(separator: "\n"))
            return []
        }
        var listed: [String] = []
        for line in lines[(start + 1)...] {
            guard Self.indentation(line) == 2, let first = Self.trimmed(line).split(separator: " ").first else { break }
            listed.append(first.hasSuffix(",") ? String(first.dropLast()) : String(first))
        }
        return listed
    }

    func testSubcommandListMatchesNERHelp() throws {
        let listed = try listedSubcommands()
        XCTAssertEqual(listed.filter(Self.knownSubcommands.contains), Self.knownSubcommands,
                       "ner --help lists \(listed)")
        // The eval line (over 100 columns) shows that COLUMNS=10000 is honoured: no wrapping at all.
        let lines = try help([], columns: Self.wide)
        XCTAssertGreaterThan(lines.map(\.count).max() ?? 0, 100, "COLUMNS=\(Self.wide) was not honoured")
    }

    func testHelpFitsTheTerminalAndIsWrappedOnlyOnce() throws {
        let subcommands = try listedSubcommands()
        XCTAssert(Set(Self.knownSubcommands).isSubset(of: subcommands), "ner --help lists \(subcommands)")
        for command in [[]] + subcommands.map({ [$0] }) {
            let logical = try help(command, columns: Self.wide)
            let broken = Self.brokenHelpStrings(logical)
            XCTAssert(broken.isEmpty, """
                \(Self.name(command)) --help: an option's or argument's help has a line break \
                (ArgumentParser wraps it with a hanging indent; write it as one line):
                \(broken.joined(separator: "\n"))
                """)
            for width in Self.widths {
                let rendered = try help(command, columns: width)
                let long = Self.linesTooLong(rendered, width: width)
                XCTAssert(long.isEmpty, """
                    \(Self.name(command)) --help at COLUMNS=\(width): lines longer than \(width) columns:
                    \(long.joined(separator: "\n"))
                    """)
                let doubled = Self.doubleWrapped(logical, width: width)
                XCTAssert(doubled.isEmpty, """
                    \(Self.name(command)) --help at COLUMNS=\(width): a line that wraps at \(width) columns \
                    is followed by its own hand-broken continuation (write the paragraph as one line):
                    \(doubled.joined(separator: "\n---\n"))
                    """)
            }
        }
    }

    /// Rendered lines longer than `width`, except a single unbreakable word and ArgumentParser's
    /// USAGE synopsis, which it never wraps (and which the help text cannot change).
    static func linesTooLong(_ rendered: [String], width: Int) -> [String] {
        rendered.filter { line in
            line.count > width && !line.hasPrefix("USAGE: ") && trimmed(line).contains(" ")
        }.map { "[\($0.count)] \($0)" }
    }

    /// Logical lines (of the unwrapped rendering) that wrap at `width` and are followed by a line
    /// that reads as their continuation: same indentation, starting with a lowercase letter (or
    /// other character that cannot start a new paragraph, item, heading, sample or command). In
    /// ArgumentParser's own lists (after the USAGE line) a line indented by 2 starts a new item.
    static func doubleWrapped(_ logical: [String], width: Int) -> [String] {
        var found: [String] = []
        var inLists = false
        for (i, line) in logical.enumerated() {
            if line.hasPrefix("USAGE: ") { inLists = true }
            guard line.count > width, i + 1 < logical.count else { continue }
            let next = logical[i + 1]
            let start = trimmed(next)
            guard let first = start.first else { continue }
            if indentation(next) != indentation(line) { continue }
            if inLists && indentation(next) == 2 { continue }
            if first.isUppercase || first.isNumber || "-\"{['$(<".contains(first) { continue }
            found.append("\(line)\n\(next)")
        }
        return found
    }

    /// Lines of ArgumentParser's lists (unwrapped) that continue an option's, argument's or
    /// subcommand's help on a line of its own: only a label too long for the label column
    /// (24 columns) has its help on the next line, indented by 26, and then on that one line.
    static func brokenHelpStrings(_ logical: [String]) -> [String] {
        guard let usage = logical.firstIndex(where: { $0.hasPrefix("USAGE: ") }) else { return [] }
        var found: [String] = []
        for i in (usage + 1)..<logical.count where indentation(logical[i]) == 26 {
            let previous = logical[i - 1]
            let label = trimmed(previous)
            let labelOnly = indentation(previous) == 2 && label.count >= 24 && !label.contains("  ")
            if !labelOnly { found.append("\(previous)\n\(logical[i])") }
        }
        return found
    }
}
