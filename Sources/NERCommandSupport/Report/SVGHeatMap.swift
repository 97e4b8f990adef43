import NERKit

/// A matrix of counts drawn as an inline SVG heat map: the type confusion matrix of
/// `SpanErrorAnalysis` in the training report. Cell colour grows with the count (on a square
/// root scale, so small error counts stay visible beside the large diagonal); every cell shows
/// its number.
struct SVGHeatMap {
    var title: String
    var rowTitle: String
    var columnTitle: String
    var labels: [String]
    /// counts[row][column]; a missing cell is 0.
    var counts: [String: [String: Int]]
    /// A cell shown as "-" (the O/O cell of the confusion matrix, which means nothing).
    var blank: (row: String, column: String)? = nil

    func svg() -> String {
        let cell = 54.0, left = 110.0, top = 70.0
        let n = Double(labels.count)
        // Wide enough for the title too (about 8 px a character at 14 px).
        let width = max(left + n * cell + 20, Double(title.count) * 8 + 24), height = top + n * cell + 20
        let maximum = labels.flatMap { r in labels.map { c in count(r, c) } }.max() ?? 0
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(SVGLineChart.f(width))\" height=\"\(SVGLineChart.f(height))\" viewBox=\"0 0 \(SVGLineChart.f(width)) \(SVGLineChart.f(height))\" role=\"img\" aria-label=\"\(HTMLText.escape(title))\">\n"
        out += "<text x=\"\(SVGLineChart.f(width / 2))\" y=\"18\" text-anchor=\"middle\" class=\"title\">\(HTMLText.escape(title))</text>\n"
        out += "<text x=\"\(SVGLineChart.f(left + n * cell / 2))\" y=\"38\" text-anchor=\"middle\" class=\"axis-label\">\(HTMLText.escape(columnTitle))</text>\n"
        out += "<text x=\"10\" y=\"\(SVGLineChart.f(top - 8))\" class=\"axis-label\">\(HTMLText.escape(rowTitle))</text>\n"
        for (j, label) in labels.enumerated() {
            out += "<text x=\"\(SVGLineChart.f(left + (Double(j) + 0.5) * cell))\" y=\"\(SVGLineChart.f(top - 8))\" text-anchor=\"middle\" class=\"tick\">\(HTMLText.escape(label))</text>\n"
        }
        for (i, row) in labels.enumerated() {
            let y = top + Double(i) * cell
            out += "<text x=\"\(SVGLineChart.f(left - 8))\" y=\"\(SVGLineChart.f(y + cell / 2 + 4))\" text-anchor=\"end\" class=\"tick\">\(HTMLText.escape(row))</text>\n"
            for (j, column) in labels.enumerated() {
                let x = left + Double(j) * cell
                let isBlank = blank.map { $0.row == row && $0.column == column } ?? false
                let value = count(row, column)
                let strength = isBlank || maximum == 0 ? 0 : (Double(value) / Double(maximum)).squareRoot()
                let fill = Self.color(strength)
                let text = isBlank ? "-" : String(value)
                out += "<rect x=\"\(SVGLineChart.f(x))\" y=\"\(SVGLineChart.f(y))\" width=\"\(SVGLineChart.f(cell - 2))\" height=\"\(SVGLineChart.f(cell - 2))\" fill=\"\(fill)\"><title>gold \(HTMLText.escape(row)), predicted \(HTMLText.escape(column)): \(text)</title></rect>"
                out += "<text x=\"\(SVGLineChart.f(x + cell / 2 - 1))\" y=\"\(SVGLineChart.f(y + cell / 2 + 4))\" text-anchor=\"middle\" class=\"cell\" style=\"fill:\(strength > 0.55 ? "#fff" : "#222")\">\(text)</text>\n"
            }
        }
        out += "</svg>\n"
        return out
    }

    private func count(_ row: String, _ column: String) -> Int {
        if let blank, blank.row == row, blank.column == column { return 0 }
        return counts[row]?[column] ?? 0
    }

    /// White to dark blue.
    static func color(_ strength: Double) -> String {
        let s = min(max(strength, 0), 1)
        let (r, g, b) = (247 - s * (247 - 8), 251 - s * (251 - 48), 255 - s * (255 - 107))
        return "rgb(\(Int(r.rounded())),\(Int(g.rounded())),\(Int(b.rounded())))"
    }
}
