import Foundation
import NERKit

/// A line chart drawn as inline SVG (no script, no external resource), for the training report:
/// one or more series over the same x axis, "nice" axis ticks, a legend and an optional vertical
/// marker (the best epoch).
struct SVGLineChart {
    struct Series {
        var name: String
        var color: String
        var points: [(x: Double, y: Double)]
        var dashed = false
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series]
    /// A vertical line at this x, labelled.
    var marker: (x: Double, label: String)? = nil
    var width = 440.0
    var height = 320.0

    private let left = 56.0, right = 16.0, top = 34.0, bottom = 64.0

    func svg() -> String {
        let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.f(width))\" height=\"\(Self.f(height))\" viewBox=\"0 0 \(Self.f(width)) \(Self.f(height))\" role=\"img\" aria-label=\"\(HTMLText.escape(title))\">\n"
        out += "<text x=\"\(Self.f(width / 2))\" y=\"20\" text-anchor=\"middle\" class=\"title\">\(HTMLText.escape(title))</text>\n"
        guard let xMin = all.map(\.x).min(), let xMax = all.map(\.x).max(),
              let yLow = all.map(\.y).min(), let yHigh = all.map(\.y).max() else {
            out += "<text x=\"\(Self.f(width / 2))\" y=\"\(Self.f(height / 2))\" text-anchor=\"middle\">no data</text>\n</svg>\n"
            return out
        }
        let xTicks = Self.ticks(from: xMin, to: xMax, count: 8, integers: true)
        let yTicks = Self.ticks(from: yLow, to: yHigh, count: 5, integers: false)
        let x0 = xTicks.first!, x1 = max(xTicks.last!, x0 + 1)
        let y0 = yTicks.first!, y1 = max(yTicks.last!, y0 + 1e-9)
        let plotW = width - left - right, plotH = height - top - bottom
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (y - y0) / (y1 - y0) * plotH }

        for t in yTicks {
            out += "<line x1=\"\(Self.f(left))\" y1=\"\(Self.f(py(t)))\" x2=\"\(Self.f(left + plotW))\" y2=\"\(Self.f(py(t)))\" class=\"grid\"/>"
            out += "<text x=\"\(Self.f(left - 6))\" y=\"\(Self.f(py(t) + 4))\" text-anchor=\"end\" class=\"tick\">\(Self.label(t, step: yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1))</text>\n"
        }
        for t in xTicks {
            out += "<line x1=\"\(Self.f(px(t)))\" y1=\"\(Self.f(top + plotH))\" x2=\"\(Self.f(px(t)))\" y2=\"\(Self.f(top + plotH + 4))\" class=\"axis\"/>"
            out += "<text x=\"\(Self.f(px(t)))\" y=\"\(Self.f(top + plotH + 17))\" text-anchor=\"middle\" class=\"tick\">\(Self.label(t, step: 1))</text>\n"
        }
        out += "<rect x=\"\(Self.f(left))\" y=\"\(Self.f(top))\" width=\"\(Self.f(plotW))\" height=\"\(Self.f(plotH))\" class=\"frame\"/>\n"
        out += "<text x=\"\(Self.f(left + plotW / 2))\" y=\"\(Self.f(top + plotH + 34))\" text-anchor=\"middle\" class=\"axis-label\">\(HTMLText.escape(xLabel))</text>\n"
        out += "<text transform=\"translate(14 \(Self.f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\" class=\"axis-label\">\(HTMLText.escape(yLabel))</text>\n"
        if let marker, marker.x >= x0, marker.x <= x1 {
            out += "<line x1=\"\(Self.f(px(marker.x)))\" y1=\"\(Self.f(top))\" x2=\"\(Self.f(px(marker.x)))\" y2=\"\(Self.f(top + plotH))\" class=\"marker\"/>"
            // The label on the side of the line with more room.
            let onLeft = px(marker.x) > left + plotW * 0.7
            out += "<text x=\"\(Self.f(px(marker.x) + (onLeft ? -4 : 4)))\" y=\"\(Self.f(top + 12))\" text-anchor=\"\(onLeft ? "end" : "start")\" class=\"marker-label\">\(HTMLText.escape(marker.label))</text>\n"
        }
        for s in series {
            let points = s.points.filter { $0.x.isFinite && $0.y.isFinite }
            guard !points.isEmpty else { continue }
            let path = points.map { "\(Self.f(px($0.x))),\(Self.f(py($0.y)))" }.joined(separator: " ")
            out += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\"\(s.dashed ? " stroke-dasharray=\"5 3\"" : "")><title>\(HTMLText.escape(s.name))</title></polyline>\n"
            if points.count == 1 {
                out += "<circle cx=\"\(Self.f(px(points[0].x)))\" cy=\"\(Self.f(py(points[0].y)))\" r=\"3\" fill=\"\(s.color)\"/>\n"
            }
        }
        // Legend, in one row under the x-axis label.
        var lx = left
        let ly = height - 10
        for s in series {
            out += "<line x1=\"\(Self.f(lx))\" y1=\"\(Self.f(ly - 4))\" x2=\"\(Self.f(lx + 18))\" y2=\"\(Self.f(ly - 4))\" stroke=\"\(s.color)\" stroke-width=\"2\"\(s.dashed ? " stroke-dasharray=\"5 3\"" : "")/>"
            out += "<text x=\"\(Self.f(lx + 22))\" y=\"\(Self.f(ly))\" class=\"legend\">\(HTMLText.escape(s.name))</text>\n"
            lx += 30 + Double(s.name.count) * 7
        }
        out += "</svg>\n"
        return out
    }

    /// Evenly spaced round values (steps of 1, 2 or 5 times a power of ten) that cover
    /// `low...high` in about `count` steps.
    static func ticks(from low: Double, to high: Double, count: Int, integers: Bool) -> [Double] {
        var low = low, high = high
        if high - low < 1e-12 { low -= integers ? 1 : max(abs(low) * 0.05, 0.5); high += integers ? 1 : max(abs(high) * 0.05, 0.5) }
        let raw = (high - low) / Double(max(count, 1))
        let magnitude = pow(10, floor(log10(raw)))
        var step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        if integers { step = max(1, step.rounded()) }
        let first = floor(low / step) * step, last = ceil(high / step) * step
        var values: [Double] = []
        var v = first
        while v <= last + step / 2 && values.count < 100 {
            values.append(v)
            v += step
        }
        return values
    }

    /// A tick value with as many decimals as its step needs.
    static func label(_ value: Double, step: Double) -> String {
        let decimals = step >= 1 ? 0 : min(6, Int(ceil(-log10(step))))
        return String(format: "%.\(decimals)f", value)
    }

    /// A coordinate with at most one decimal (SVG accepts any; shorter pages diff better).
    static func f(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(format: "%.1f", r)
    }
}
