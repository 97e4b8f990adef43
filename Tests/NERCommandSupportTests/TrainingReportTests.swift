import XCTest
@testable import NERCommandSupport
@testable import NERKit

/// The parts of `ner report` that compute rather than print: axis ticks, the metrics reader;
/// and the model's provenance on the page.
final class TrainingReportTests: XCTestCase {
    func testTicksAreRoundAndCoverTheData() {
        let cases: [(Double, Double, Bool)] = [(0.37, 2.29, false), (88.6, 99.4, false), (1, 16, true), (1, 1, true), (5, 5, false), (-3, 7, false)]
        for (low, high, integers) in cases {
            let t = SVGLineChart.ticks(from: low, to: high, count: 5, integers: integers)
            XCTAssertLessThanOrEqual(t.first!, low, "\(low)...\(high)")
            XCTAssertGreaterThanOrEqual(t.last!, high, "\(low)...\(high)")
            XCTAssertGreaterThanOrEqual(t.count, 2)
            XCTAssertLessThanOrEqual(t.count, 12, "\(t)")
            let step = t[1] - t[0]
            let mantissa = step / pow(10, floor(log10(step)))
            XCTAssertTrue([1, 2, 5].contains { abs($0 - mantissa) < 1e-9 }, "step \(step)")
            if integers { XCTAssertEqual(step, step.rounded()) }
        }
    }

    func testChartWithoutDataSaysSoAndChartWithDataDrawsEachSeries() {
        let empty = SVGLineChart(title: "t", xLabel: "x", yLabel: "y", series: []).svg()
        XCTAssertTrue(empty.contains("no data"))
        let chart = SVGLineChart(title: "a <b>", xLabel: "epoch", yLabel: "F1",
                                 series: [.init(name: "F1", color: "#000", points: [(1, 90), (2, 91.5)]),
                                          .init(name: "R", color: "#111", points: [(1, 89), (2, .nan)])],
                                 marker: (2, "best")).svg()
        XCTAssertEqual(chart.components(separatedBy: "<polyline").count - 1, 2)
        XCTAssertTrue(chart.contains("a &lt;b&gt;"), "titles are escaped")
        XCTAssertFalse(chart.contains("nan"), "non-finite points are left out")
        XCTAssertTrue(chart.contains(">best</text>"))
    }

    func testHeatMapShowsEveryCellAndBlanksTheOOCell() {
        let map = SVGHeatMap(title: "c", rowTitle: "gold", columnTitle: "predicted", labels: ["LOC", "PER", "O"],
                             counts: ["LOC": ["LOC": 90, "O": 3], "PER": ["LOC": 1, "PER": 50], "O": ["PER": 2]],
                             blank: ("O", "O")).svg()
        XCTAssertEqual(map.components(separatedBy: "<rect").count - 1, 9)
        XCTAssertTrue(map.contains("gold LOC, predicted O: 3"))
        XCTAssertTrue(map.contains("gold O, predicted O: -"))
        XCTAssertTrue(map.contains("gold PER, predicted LOC: 1"))
    }

    func testMetricsReaderNamesTheBadLine() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let good = #"{"epoch":1,"loss":2.5,"learningRate":0.001,"seconds":3,"trainTokensPerSecond":1000,"devPrecision":80,"devRecall":70,"devF1":74.7,"best":true}"#
        try (good + "\n\n" + good.replacingOccurrences(of: "\"epoch\":1", with: "\"epoch\":2") + "\n").write(to: url, atomically: true, encoding: .utf8)
        XCTAssertEqual(try TrainingReport.readMetrics(url.path).map(\.epoch), [1, 2])
        try (good + "\n{\"epoch\": \"x\"}\n").write(to: url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TrainingReport.readMetrics(url.path)) { error in
            XCTAssertEqual((error as? NERError)?.line, 2)
            XCTAssertEqual((error as? NERError)?.path, url.path)
        }
    }

    /// A model trained from a parent (`ModelFile.Provenance.parent`) shows the parent's path and
    /// checksum on the page.
    func testThePageShowsTheParentModel() throws {
        var words = VocabularyBuilder(), chars = VocabularyBuilder()
        for w in ["Japan", "won"] { words.count(WordKey.normalize(w)); for c in w.unicodeScalars { chars.count(String(c)) } }
        var tags = Vocabulary(specials: false)
        for t in ["O", "S-LOC"] { tags.add(t) }
        var config = ModelConfig()
        config.wordDim = 4; config.casingDim = 2; config.charEncoder = .none; config.hidden = 3
        let model = TaggerModel(config: config, encoder: FeatureEncoder(words: words.build(), chars: chars.build(), tags: tags))
        model.initialize(seed: 1)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ner-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("child.ner").path
        for parent in [nil, ModelFile.ParentModel(path: "/models/parent.ner", checksum: "1a2b3c4d")] {
            var provenance = ModelFile.Provenance()
            provenance.parent = parent
            try ModelFile.save(model, scheme: .bioes, provenance: provenance, to: path)
            let page = TrainingReport(modelPath: path, tagger: try Tagger(path: path), history: [], metricsPath: nil).html()
            XCTAssertEqual(page.contains("parent model"), parent != nil)
            if let parent {
                XCTAssertTrue(page.contains(parent.path))
                XCTAssertTrue(page.contains(parent.checksum))
            }
        }
    }
}
