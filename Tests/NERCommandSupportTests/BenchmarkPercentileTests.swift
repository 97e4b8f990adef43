import XCTest
@testable import NERCommandSupport
@testable import NERKit

/// Percentiles, latency summaries and the small parsers behind `ner bench`.
final class BenchmarkPercentileTests: XCTestCase {
    func testPercentileInterpolatesBetweenNearestRanks() {
        let sorted: [Double] = [1, 2, 3, 4]
        XCTAssertEqual(Percentile.of(sorted: sorted, 0), 1)
        XCTAssertEqual(Percentile.of(sorted: sorted, 50), 2.5)
        XCTAssertEqual(Percentile.of(sorted: sorted, 100), 4)
        // Position 0.9 · 3 = 2.7: 3 + 0.7 · (4 − 3).
        XCTAssertEqual(Percentile.of(sorted: sorted, 90)!, 3.7, accuracy: 1e-12)
        let tens = (1...10).map(Double.init)
        XCTAssertEqual(Percentile.of(sorted: tens, 90)!, 9.1, accuracy: 1e-12)
        XCTAssertEqual(Percentile.of(sorted: tens, 99)!, 9.91, accuracy: 1e-12)
        let hundred = (1...101).map(Double.init)
        XCTAssertEqual(Percentile.of(sorted: hundred, 99), 100)
    }

    func testPercentileEdgeCases() {
        XCTAssertNil(Percentile.of(sorted: [], 50))
        XCTAssertEqual(Percentile.of(sorted: [7], 0), 7)
        XCTAssertEqual(Percentile.of(sorted: [7], 99), 7)
        // Out-of-range requests are clamped, not read past the ends.
        XCTAssertEqual(Percentile.of(sorted: [1, 5], -10), 1)
        XCTAssertEqual(Percentile.of(sorted: [1, 5], 150), 5)
    }

    func testLatencySummarySortsItsSamples() {
        let summary = LatencySummary(milliseconds: [5, 1, 4, 2, 3])
        XCTAssertEqual(summary.p50, 3)
        XCTAssertEqual(summary.p90, 4.6, accuracy: 1e-12)
        XCTAssertEqual(summary.p99, 4.96, accuracy: 1e-12)
        XCTAssertEqual(summary.mean, 3)
        XCTAssertEqual(summary.samples, 5)
        XCTAssertEqual(LatencySummary(milliseconds: []), LatencySummary(p50: 0, p90: 0, p99: 0, mean: 0, samples: 0))
    }

    func testCPUModelIsTheFirstModelNameLine() {
        let cpuinfo = """
            processor\t: 0
            vendor_id\t: GenuineExample
            model name\t: Example CPU 3000 @ 2.00GHz
            cpu MHz\t\t: 2000.000

            processor\t: 1
            model name\t: Other CPU
            """
        XCTAssertEqual(MachineInfo.cpuModel(cpuinfo: cpuinfo), "Example CPU 3000 @ 2.00GHz")
        XCTAssertEqual(MachineInfo.cpuModel(cpuinfo: "processor : 0\nCPU part : 0xd0c\n"), "unknown")
        XCTAssertEqual(MachineInfo.cpuModel(cpuinfo: nil), "unknown")
    }

    func testCPUKindIsTheFirstFamilyAndModelLines() {
        let cpuinfo = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            cpu family\t: 26
            model\t\t: 2
            model name\t: AMD EPYC

            processor\t: 1
            cpu family\t: 25
            model\t\t: 1
            """
        XCTAssertEqual(MachineInfo.cpuKind(cpuinfo: cpuinfo), "family 26 model 2")
        XCTAssertEqual(MachineInfo.cpuKind(cpuinfo: "processor : 0\nCPU part : 0xd0c\n"), "")
        XCTAssertEqual(MachineInfo.cpuKind(cpuinfo: nil), "")
    }

    func testMemoryIsReported() throws {
        XCTAssertGreaterThan(ProcessMemory.peakResidentMB, 1)
        #if os(Linux)
        let now = try XCTUnwrap(ProcessMemory.currentResidentMB)
        XCTAssertGreaterThan(now, 1)
        XCTAssertLessThanOrEqual(now, ProcessMemory.peakResidentMB + 1)
        #endif
    }

    func testParagraphsFollowDocuments() {
        func s(_ text: String, doc: Bool = false) -> CoNLLSentence {
            CoNLLSentence(tokens: text.split(separator: " ").map(String.init), startsDocument: doc)
        }
        let sentences = [s("Ines Vogt sings .", doc: true), s("She lives in Tarbes ."), s("", doc: false),
                         s("Rain fell .", doc: true)]
        XCTAssertEqual(Tagger.paragraphs(of: sentences),
                       ["Ines Vogt sings . She lives in Tarbes .", "Rain fell ."])
        // Without document markers, a paragraph every N sentences.
        let plain = (1...5).map { s("Line \($0) .") }
        XCTAssertEqual(Tagger.paragraphs(of: plain, sentencesPerParagraph: 2),
                       ["Line 1 . Line 2 .", "Line 3 . Line 4 .", "Line 5 ."])
    }

    func testThousandsAreGrouped() {
        XCTAssertEqual(NumberText.grouped(0), "0")
        XCTAssertEqual(NumberText.grouped(999), "999")
        XCTAssertEqual(NumberText.grouped(1000), "1,000")
        XCTAssertEqual(NumberText.grouped(1_234_567), "1,234,567")
        XCTAssertEqual(NumberText.grouped(-12345), "-12,345")
    }
}
