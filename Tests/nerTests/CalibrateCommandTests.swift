import Foundation
import NERKit
import XCTest

/// `ner calibrate` end to end: fitting on gold files, and `--temperature-from`, which copies the
/// temperature of a twin model (one trained without the dev set) into a model trained with it.
final class CalibrateCommandTests: XCTestCase {
    /// The sample sentences as paragraphs, a blank line between them.
    private func sampleText() throws -> Data {
        Data(try sampleSentences().joined(separator: "\n\n").utf8)
    }

    private func scores(_ json: String) throws -> [Double] {
        try json.split(separator: "\n").flatMap { line -> [Double] in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let entities = object?["entities"] as? [[String: Any]] ?? []
            return entities.compactMap { $0["score"] as? Double }
        }
    }

    func testTemperatureFromATwinIsCopiedWithItsOriginAndChangesScoresNotTags() throws {
        let dir = try temporaryDirectory(self)
        let tiny = try TinyModel.path()
        let twin = dir.appendingPathComponent("twin.ner").path
        try ModelFile.saveCalibrated(tiny, calibration: .init(temperature: 1.8, fittedOn: "dev.txt (CRC-32 1234abcd)",
                                                              eceBefore: 0.2, eceAfter: 0.05), to: twin)
        let out = dir.appendingPathComponent("calibrated.ner").path
        let gold = repositoryRoot.appendingPathComponent("data/sample.conll").path
        let run = try runNER(["calibrate", "--temperature-from", twin, "--gold", gold, "--output", out, tiny])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("temperature 1.8000 from \(twin) (fitted on dev.txt (CRC-32 1234abcd): ECE 0.2000 before, 0.0500 after)"), run.stdout)
        XCTAssertTrue(run.stdout.contains("on \(gold): ECE "), run.stdout)
        let calibration = try XCTUnwrap(ModelFile.load(out).provenance.calibration)
        XCTAssertEqual(calibration.temperature, 1.8)
        XCTAssertTrue(calibration.fittedOn.hasPrefix("the twin model \(twin) (CRC-32 "), calibration.fittedOn)
        XCTAssertTrue(calibration.fittedOn.hasSuffix("fitted on dev.txt (CRC-32 1234abcd)"), calibration.fittedOn)

        let text = try sampleText()
        let tagsBefore = try runNER(["tag", "--model", tiny, "--format", "conll"], stdin: text)
        let tagsAfter = try runNER(["tag", "--model", out, "--format", "conll"], stdin: text)
        XCTAssertEqual(tagsBefore.status, 0, tagsBefore.stderr)
        XCTAssertEqual(tagsBefore.stdout, tagsAfter.stdout, "a temperature must not change the tags")
        let before = try scores(runNER(["tag", "--model", tiny, "--format", "json"], stdin: text).stdout)
        let after = try scores(runNER(["tag", "--model", out, "--format", "json"], stdin: text).stdout)
        XCTAssertFalse(before.isEmpty, "the tiny model finds entities in its own training sentences")
        XCTAssertEqual(before.count, after.count)
        XCTAssertNotEqual(before, after, "dividing the CRF scores by 1.8 changes the entity scores")
        // T > 1 makes confident entities less confident.
        XCTAssertLessThanOrEqual(zip(before, after).filter { $0.0 > 0.9 }.map { $0.1 - $0.0 }.max() ?? 0, 0)
    }

    func testATwinWithoutATemperatureIsAnErrorNamingIt() throws {
        let dir = try temporaryDirectory(self)
        let tiny = try TinyModel.path()
        let out = dir.appendingPathComponent("out.ner").path
        let run = try runNER(["calibrate", "--temperature-from", tiny, "--output", out, tiny])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains(tiny) && run.stderr.contains("no fitted temperature"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testNeitherGoldNorATwinIsAUsageError() throws {
        let run = try runNER(["calibrate", "--output", "/tmp/never-written.ner"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("--gold") && run.stderr.contains("--temperature-from"), run.stderr)
    }
}
