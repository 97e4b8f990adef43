import Foundation
import NERKit

/// A reliability diagram drawn as inline SVG, for the training report: for each confidence bin
/// of a `CalibrationReport`, a bar as high as the share of its entities that are correct,
/// beside the diagonal a perfectly calibrated model's bars would follow, with each bar's
/// entity count above it and the ECE in the title.
struct SVGReliabilityDiagram {
    var report: CalibrationReport
    var width = 440.0
    var height = 340.0
    private let left = 56.0, right = 16.0, top = 34.0, bottom = 64.0

    init(report: CalibrationReport) { self.report = report }

    func svg() -> String {
        let title = String(format: "Reliability of entity scores (ECE %.4f)", report.ece)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\" role=\"img\" aria-label=\"\(HTMLText.escape(title))\">\n"
        out += "<text x=\"\(f(width / 2))\" y=\"20\" text-anchor=\"middle\" class=\"title\">\(HTMLText.escape(title))</text>\n"
        let plotW = width - left - right, plotH = height - top - bottom
        func px(_ x: Double) -> Double { left + x * plotW }
        func py(_ y: Double) -> Double { top + plotH - y * plotH }
        for i in 0...5 {
            let v = Double(i) / 5
            out += "<line x1=\"\(f(left))\" y1=\"\(f(py(v)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py(v)))\" class=\"grid\"/>"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(py(v) + 4))\" text-anchor=\"end\" class=\"tick\">\(String(format: "%.1f", v))</text>\n"
            out += "<text x=\"\(f(px(v)))\" y=\"\(f(top + plotH + 17))\" text-anchor=\"middle\" class=\"tick\">\(String(format: "%.1f", v))</text>\n"
        }
        for b in report.bins where b.count > 0 {
            let x = px(b.lower) + 1, w = max(1, px(b.upper) - px(b.lower) - 2)
            out += "<rect x=\"\(f(x))\" y=\"\(f(py(b.accuracy)))\" width=\"\(f(w))\" height=\"\(f(py(0) - py(b.accuracy)))\" fill=\"#1971c2\" fill-opacity=\"0.75\"><title>\(String(format: "scores %.1f-%.1f: %d entities, mean score %.3f, %.3f correct", b.lower, b.upper, b.count, b.meanConfidence, b.accuracy))</title></rect>\n"
            out += "<line x1=\"\(f(x))\" y1=\"\(f(py(b.meanConfidence)))\" x2=\"\(f(x + w))\" y2=\"\(f(py(b.meanConfidence)))\" stroke=\"#c92a2a\" stroke-width=\"2\"/>\n"
            out += "<text x=\"\(f(x + w / 2))\" y=\"\(f(py(b.accuracy) - 4))\" text-anchor=\"middle\" class=\"tick\">\(b.count)</text>\n"
        }
        out += "<line x1=\"\(f(px(0)))\" y1=\"\(f(py(0)))\" x2=\"\(f(px(1)))\" y2=\"\(f(py(1)))\" stroke=\"#868e96\" stroke-dasharray=\"4 3\"/>\n"
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" class=\"frame\"/>\n"
        out += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(top + plotH + 34))\" text-anchor=\"middle\" class=\"axis-label\">entity score (bars: share correct; red: mean score; dashed: perfect)</text>\n"
        out += "<text transform=\"translate(14 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\" class=\"axis-label\">share of entities correct</text>\n"
        out += "</svg>\n"
        return out
    }

    private func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
