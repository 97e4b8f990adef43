import Foundation
import XCTest

/// "Teddy Roosevelt was a great President." against "Teddy bears are on sale!": pairs whose
/// first word only the next word disambiguates (data/name-pairs.tsv), tagged by the default
/// model through the binary. This is what the backward LSTM is for.
final class NamePairsTests: XCTestCase {
    struct Pair { var kind: String; var sentence: String; var expected: String }

    static func pairs() throws -> [Pair] {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("data/name-pairs.tsv"), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Pair(kind: f[0], sentence: f[1], expected: f[2])
        }
    }

    /// Tags every sentence (one paragraph each) and returns, per sentence, its PER entities' texts.
    static func personEntities(_ sentences: [String], model: String? = nil) throws -> [[String]] {
        var args = ["tag", "--format", "json"]
        if let model { args += ["--model", model] }
        let input = sentences.joined(separator: "\n\n") + "\n"
        let result = try runNER(args, stdin: Data(input.utf8))
        guard result.status == 0 else { throw NSError(domain: "tag", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.stderr]) }
        return try result.stdout.split(separator: "\n").map { line in
            let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            let entities = obj["entities"] as? [[String: Any]] ?? []
            return entities.filter { $0["label"] as? String == "PER" }.compactMap { $0["text"] as? String }
        }
    }

    /// The pairs as written, all lowercase and all capitals: the default model is trained with
    /// case augmentation, so context, not the capital letter, must decide, and with first names
    /// swapped for place names (`--first-name-swap`), so the surname decides. It gets 41, 38 and
    /// 39 of the 44 right (the model before the swap: 34, 32 and 35; the one before case
    /// augmentation: 36, 22 and 22); the goal is 36 in every casing, with both Teddy sentences.
    func testDefaultModelTellsNamesFromNounsAfterTheFirstWordInEveryCasing() throws {
        let pairs = try Self.pairs()
        XCTAssertGreaterThanOrEqual(pairs.count, 40)
        let casings: [(String, (String) -> String)] = [("as written", { $0 }), ("lowercase", { $0.lowercased() }), ("all caps", { $0.uppercased() })]
        for (name, recase) in casings {
            let found = try Self.personEntities(pairs.map { recase($0.sentence) }, model: ProcessInfo.processInfo.environment["NER_PAIRS_MODEL"])
            XCTAssertEqual(found.count, pairs.count, "one output line per sentence")
            var right = 0
            for (pair, persons) in zip(pairs, found) {
                let ok = pair.expected == "-" ? persons.isEmpty : persons.contains(recase(pair.expected))
                if ok { right += 1 } else { print("name pairs (\(name)): wrong on \"\(recase(pair.sentence))\": PER \(persons)") }
            }
            print("name pairs (\(name)): \(right) of \(pairs.count) right")
            XCTAssertEqual(found.first, [recase("Teddy Roosevelt")], name)
            XCTAssertEqual(found[1], [], "\(name): \"\(recase(pairs[1].sentence))\" has no person")
            XCTAssertGreaterThanOrEqual(right, 36, "\(name): the shipped model gets 41, 38 and 39 of 44")
        }
    }
}
