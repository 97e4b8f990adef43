import Foundation
import NERKit

/// What `ner report` shows about a model, as one self-contained HTML page (inline SVG and CSS,
/// no script, no network): what the model is and how it was trained (its provenance), the
/// learning curves of its metrics file, and, given gold files, its scores per type and the type
/// confusion matrix as a heat map.
package struct TrainingReport {
    /// Scores of the model on gold files.
    package struct GoldScores {
        package var files: [String]
        package var report: EvaluationReport
        package var errors: SpanErrorAnalysis?
        package var recase: Recasing?
        /// The calibration of the entity scores on these files (drawn as a reliability diagram).
        package var calibration: CalibrationReport?

        package init(files: [String], report: EvaluationReport, errors: SpanErrorAnalysis?, recase: Recasing? = nil, calibration: CalibrationReport? = nil) {
            self.files = files
            self.report = report
            self.errors = errors
            self.recase = recase
            self.calibration = calibration
        }
    }

    package var modelPath: String
    package var tagger: Tagger
    /// The epochs of the metrics file (empty when there is none).
    package var history: [EpochMetrics]
    /// Where the history was read from, or looked for.
    package var metricsPath: String?
    package var gold: [GoldScores]

    package init(modelPath: String, tagger: Tagger, history: [EpochMetrics], metricsPath: String?, gold: [GoldScores] = []) {
        self.modelPath = modelPath
        self.tagger = tagger
        self.history = history
        self.metricsPath = metricsPath
        self.gold = gold
    }

    /// Reads the metrics file `ner train` writes beside a model (`MODEL.metrics.jsonl`): one
    /// `EpochMetrics` JSON object per line; gzip is read too. Errors name the file and line.
    package static func readMetrics(_ path: String) throws -> [EpochMetrics] {
        let reader = try LineReader(path: path)
        var epochs: [EpochMetrics] = []
        while let line = try reader.next() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            do {
                epochs.append(try JSONDecoder().decode(EpochMetrics.self, from: Data(line)))
            } catch {
                throw NERError(path: path, line: reader.lineNumber, "not an epoch's metrics (a JSON object with epoch, loss, devF1, ...)")
            }
        }
        return epochs
    }

    package func html() -> String {
        var out = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>ner report: \(HTMLText.escape(modelPath))</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1000px; color: #222; padding: 0 1em; }
        h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #ddd; }
        table { border-collapse: collapse; margin: 0.5em 0; } td, th { padding: 0.2em 0.8em; border-bottom: 1px solid #eee; text-align: left; }
        td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
        .charts { display: flex; flex-wrap: wrap; gap: 1em; }
        svg text { font-family: system-ui, sans-serif; font-size: 12px; fill: #222; }
        svg .title { font-size: 14px; font-weight: 600; } svg .axis-label { font-size: 12px; fill: #555; }
        svg .tick { font-size: 11px; fill: #555; } svg .legend { font-size: 12px; } svg .cell { font-size: 12px; }
        svg .grid { stroke: #eee; } svg .axis { stroke: #999; } svg .frame { fill: none; stroke: #bbb; }
        svg .marker { stroke: #c92a2a; stroke-dasharray: 4 3; } svg .marker-label { fill: #c92a2a; font-size: 11px; }
        .note { color: #666; font-size: 0.9em; } code { background: #f4f4f4; padding: 0 0.2em; }
        </style>
        </head>
        <body>
        <h1>Training report: <code>\(HTMLText.escape(modelPath))</code></h1>
        <p class="note">Written by ner \(HTMLText.escape(NERVersion.string)).</p>

        """
        out += modelSection()
        out += curvesSection()
        for scores in gold { out += goldSection(scores) }
        out += "</body>\n</html>\n"
        return out
    }

    private func row(_ name: String, _ value: String) -> String {
        "<tr><th>\(HTMLText.escape(name))</th><td>\(HTMLText.escape(value))</td></tr>\n"
    }

    private func modelSection() -> String {
        let c = tagger.model.config, p = tagger.provenance, e = tagger.model.encoder
        var out = "<h2>Model</h2>\n<table>\n"
        var architecture = "word embeddings \(c.wordDim)-d"
        if c.casingDim > 0 { architecture += " + casing feature \(c.casingDim)-d" }
        if c.charEncoder != .none { architecture += " + character \(c.charEncoder.rawValue.uppercased()) (\(c.charDim)-d characters, \(c.charHidden) \(c.charEncoder == .cnn ? "filters" : "units"))" }
        architecture += " → \(c.bidirectional ? "BiLSTM \(c.hidden) + \(c.hidden)" : "LSTM \(c.hidden)")"
        if c.layers > 1 { architecture += " × \(c.layers) layers" }
        architecture += " → \(c.crf ? "CRF" : "softmax"); dropout \(c.dropout)"
        out += row("architecture", architecture)
        out += row("entity types", tagger.entityTypes.joined(separator: ", "))
        out += row("tag scheme", "\(tagger.scheme.rawValue) (training data)")
        out += row("vocabulary", "\(e.words.count) words, \(e.chars.count) characters, \(e.tags.count) tags")
        out += row("parameters", NumberText.grouped(tagger.model.parameters.reduce(0) { $0 + $1.count }))
        out += "</table>\n<h2>Provenance</h2>\n<table>\n"
        out += row("created", p.created.isEmpty ? "unknown" : p.created)
        out += row("ner version", p.nerVersion)
        for (path, crc) in p.trainFiles.sorted(by: { $0.key < $1.key }) { out += row("training file", "\(path) (CRC-32 \(crc))") }
        for (path, crc) in p.devFiles.sorted(by: { $0.key < $1.key }) { out += row("dev file", "\(path) (CRC-32 \(crc))") }
        if let c = p.calibration { out += row("score calibration", String(format: "temperature %.4f fitted on %@ (ECE there %.4f before, %.4f after)", c.temperature, c.fittedOn, c.eceBefore, c.eceAfter)) }
        if let parent = p.parent { out += row("parent model", "\(parent.path) (CRC-32 \(parent.checksum)); training started from its weights") }
        if let tagger = p.rehearsalTaggedBy { out += row("rehearsal tagged by", "\(tagger.path) (CRC-32 \(tagger.checksum)); its entities of the new types were trained on as gold in the old data") }
        out += row("embeddings", p.embeddings ?? "none (trained from scratch)")
        out += row("epochs", "\(p.epochs) (best: \(p.bestEpoch))")
        var dev = String(format: "%.2f", p.devF1)
        if let r = p.devRecasedF1 {
            dev += "; recased: " + Recasing.allCases.compactMap { c in r[c.rawValue].map { String(format: "%@ %.2f", c.rawValue, $0) } }.joined(separator: ", ")
        }
        out += row("dev F1 of the saved epoch", dev)
        if let t = p.training {
            var options = "\(t.optimizer.rawValue), lr \(t.effectiveLearningRate), batch \(t.batchSize), clip \(t.clipNorm), seed \(t.seed), patience \(t.patience), weight average \(t.averageDecay)"
            if let a = t.caseAugmentation { options += "; case augmentation: \(a.description)" }
            if let r = t.firstNameSwap, r > 0 { options += "; first-name swap \(r)" }
            out += row("training options", options)
        }
        out += "</table>\n"
        return out
    }

    private func curvesSection() -> String {
        var out = "<h2>Learning curves</h2>\n"
        guard !history.isEmpty else {
            out += "<p>No training metrics: \(metricsPath.map { "<code>\(HTMLText.escape($0))</code> was not found" } ?? "none given"). <code>ner train</code> writes them to <code>MODEL.metrics.jsonl</code>; pass that file with <code>--metrics</code>.</p>\n"
            return out
        }
        let best = history.last(where: \.best)?.epoch ?? tagger.provenance.bestEpoch
        let marker = best > 0 ? (x: Double(best), label: "best epoch \(best)") : nil
        let loss = SVGLineChart(title: "Training loss per sentence", xLabel: "epoch", yLabel: "loss",
                                series: [.init(name: "loss", color: "#495057", points: history.map { (Double($0.epoch), $0.loss) })],
                                marker: marker)
        var devSeries: [SVGLineChart.Series] = [
            .init(name: "F1", color: "#1c7ed6", points: history.map { (Double($0.epoch), $0.devF1) }),
            .init(name: "precision", color: "#37b24d", points: history.map { (Double($0.epoch), $0.devPrecision) }, dashed: true),
            .init(name: "recall", color: "#f08c00", points: history.map { (Double($0.epoch), $0.devRecall) }, dashed: true),
        ]
        let recasedColors: [Recasing: String] = [.lower: "#ae3ec9", .upper: "#e03131", .title: "#0c8599"]
        for r in Recasing.allCases where history.contains(where: { $0.devRecasedF1?[r.rawValue] != nil }) {
            devSeries.append(.init(name: "F1 \(r.rawValue)", color: recasedColors[r] ?? "#868e96",
                                   points: history.compactMap { m in m.devRecasedF1?[r.rawValue].map { (Double(m.epoch), $0) } }))
        }
        let dev = SVGLineChart(title: "Dev set scores", xLabel: "epoch", yLabel: "percent", series: devSeries, marker: marker)
        out += "<div class=\"charts\">\n" + loss.svg() + dev.svg() + "</div>\n"
        if let metricsPath { out += "<p class=\"note\">From <code>\(HTMLText.escape(metricsPath))</code>.</p>\n" }
        let p = tagger.provenance
        if p.devFiles.keys.contains(where: { p.trainFiles[$0] != nil }) {
            out += "<p class=\"note\">The dev file is also a training file of this model: its dev scores show how well the model fits data it was trained on, not how well it generalises.</p>\n"
        }
        out += "<details><summary>Every epoch</summary>\n<table>\n<tr><th class=\"n\">epoch</th><th class=\"n\">loss</th><th class=\"n\">dev P</th><th class=\"n\">dev R</th><th class=\"n\">dev F1</th><th class=\"n\">seconds</th><th class=\"n\">tokens/s</th><th></th></tr>\n"
        for m in history {
            out += String(format: "<tr><td class=\"n\">%d</td><td class=\"n\">%.3f</td><td class=\"n\">%.2f</td><td class=\"n\">%.2f</td><td class=\"n\">%.2f</td><td class=\"n\">%.1f</td><td class=\"n\">%.0f</td><td>%@</td></tr>\n",
                          m.epoch, m.loss, m.devPrecision, m.devRecall, m.devF1, m.seconds, m.trainTokensPerSecond, m.best ? "best so far" : "")
        }
        out += "</table>\n</details>\n"
        return out
    }

    private func goldSection(_ scores: GoldScores) -> String {
        let files = scores.files.map { "<code>\(HTMLText.escape($0))</code>" }.joined(separator: ", ")
        var out = "<h2>Scores on \(files)\(scores.recase.map { ", every token \(HTMLText.escape($0.rawValue))cased" } ?? "")</h2>\n"
        let r = scores.report
        out += "<table>\n<tr><th>type</th><th class=\"n\">precision</th><th class=\"n\">recall</th><th class=\"n\">F1</th><th class=\"n\">gold</th><th class=\"n\">found</th></tr>\n"
        func line(_ name: String, _ c: EvaluationCounts, bold: Bool = false) -> String {
            let (o, e) = bold ? ("<b>", "</b>") : ("", "")
            return String(format: "<tr><td>%@%@%@</td><td class=\"n\">%.2f</td><td class=\"n\">%.2f</td><td class=\"n\">%@%.2f%@</td><td class=\"n\">%d</td><td class=\"n\">%d</td></tr>\n",
                          o, HTMLText.escape(name), e, c.precision, c.recall, o, c.f1, e, c.gold, c.found)
        }
        out += line("all", r.overall, bold: true)
        for type in r.perType.keys.sorted() { out += line(type, r.perType[type]!) }
        out += "</table>\n"
        out += String(format: "<p class=\"note\">conlleval's scores: entity micro precision, recall and F1; token accuracy %.2f%% over %d tokens.</p>\n", r.accuracy, r.tokens)
        if let errors = scores.errors {
            let (labels, counts) = errors.confusionTable
            let map = SVGHeatMap(title: "Entity types: gold (rows) against predicted (columns)", rowTitle: "gold",
                                 columnTitle: "predicted (O: no entity)", labels: labels, counts: counts,
                                 blank: (SpanErrorAnalysis.noEntity, SpanErrorAnalysis.noEntity))
            out += map.svg()
            out += "<p class=\"note\">The diagonal counts entities found exactly; off the diagonal, an entity of the row's type found as the column's (with the same or overlapping boundaries); column O: missed, row O: found where there is none. Errors by kind: "
            out += SpanErrorKind.allCases.map { "\($0.rawValue) \(errors.countsByKind[$0] ?? 0)" }.joined(separator: ", ") + ".</p>\n"
        }
        if let calibration = scores.calibration {
            out += SVGReliabilityDiagram(report: calibration).svg()
            out += String(format: "<p class=\"note\">Each predicted entity's score (the CRF's probability of exactly its tags) against whether it is exactly right: the %d entities in 10 bins of their score. A calibrated model's bars reach the diagonal; expected calibration error (ECE) %.4f%@.</p>\n",
                          calibration.count, calibration.ece, tagger.scoreTemperature == 1 ? "" : String(format: "; scores divided by the temperature %.3f fitted on dev", tagger.scoreTemperature))
        }
        return out
    }
}
