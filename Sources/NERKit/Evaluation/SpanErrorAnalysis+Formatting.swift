extension SpanErrorAnalysis {
    /// Entity types in the confusion matrix, in conlleval's (byte) order, `O` last.
    var confusionLabels: [String] {
        var types = Set(confusion.keys)
        for row in confusion.values { types.formUnion(row.keys) }
        types.remove(Self.noEntity)
        return types.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } + [Self.noEntity]
    }

    /// Most entity types with a row and a column of their own in the printed confusion tables.
    /// A file may name any number of types and a table grows with their square (a 60 KB file of
    /// distinct types made a 100 MB table), so beyond this the least frequent are summed as
    /// `otherTypes`.
    static let maxTableTypes = 20
    static let otherTypes = "(other)"

    /// The confusion matrix as the tables print it: the `maxTableTypes` types with the most
    /// entities (gold or predicted) in conlleval's order, then `otherTypes` summing the rest if
    /// any, then `O`; and the counts by those labels.
    package var confusionTable: (labels: [String], counts: [String: [String: Int]]) {
        let all = confusionLabels.dropLast()
        guard all.count > Self.maxTableTypes else { return (confusionLabels, confusion) }
        var total: [String: Int] = [:]
        for (gold, row) in confusion {
            for (predicted, n) in row {
                total[gold, default: 0] += n
                total[predicted, default: 0] += n
            }
        }
        let kept = Set(all.sorted { (total[$0] ?? 0, $1) > (total[$1] ?? 0, $0) }.prefix(Self.maxTableTypes))
        func label(_ type: String) -> String { type == Self.noEntity || kept.contains(type) ? type : Self.otherTypes }
        var counts: [String: [String: Int]] = [:]
        for (gold, row) in confusion {
            for (predicted, n) in row { counts[label(gold), default: [:]][label(predicted), default: 0] += n }
        }
        return (all.filter(kept.contains) + [Self.otherTypes, Self.noEntity], counts)
    }

    /// The table printed after the report by `ner eval --errors`: errors by kind, then the
    /// type confusion matrix (the O/O cell is meaningless and shown as `-`).
    package func summaryText() -> String {
        var text = "\nspan errors by kind:\n"
        for kind in SpanErrorKind.allCases {
            text += "  " + pad(kind.rawValue, 16) + padLeft(String(countsByKind[kind] ?? 0), 8) + "\n"
        }
        text += "  " + pad("total", 16) + padLeft(String(totalErrors), 8) + "\n"

        let (labels, table) = confusionTable
        // A type name longer than a column should be is cut (with "…"): the table's width grows
        // with it, once per column.
        func shown(_ label: String) -> String { label.count > 24 ? String(label.prefix(23)) + "…" : label }
        let corner = "gold\\predicted"
        var width = 5
        for label in labels { width = max(width, shown(label).count) }
        for row in table.values { for n in row.values { width = max(width, String(n).count) } }
        let firstWidth = max(corner.count, labels.map { shown($0).count }.max() ?? 0)
        text += "\ntype confusion (rows: gold type, columns: predicted type, O: no entity):\n"
        text += pad(corner, firstWidth) + labels.map { " " + padLeft(shown($0), width) }.joined() + "\n"
        for gold in labels {
            text += pad(shown(gold), firstWidth)
            for predicted in labels {
                let cell = gold == Self.noEntity && predicted == Self.noEntity
                    ? "-" : String(table[gold]?[predicted] ?? 0)
                text += " " + padLeft(cell, width)
            }
            text += "\n"
        }
        return text
    }

    /// Every error with its sentence, for `ner eval --errors-file`: kind and location, the
    /// gold and the predicted entity (tokens numbered from 1), and the sentence as annotated
    /// and as predicted with entities in `[TYPE ...]` brackets.
    package func errorsText() -> String {
        var text = "# \(totalErrors) span error\(totalErrors == 1 ? "" : "s"). Each gives its kind and where its sentence starts,\n"
            + "# the gold and the predicted entity (tokens numbered from 1), and the sentence as annotated\n"
            + "# (gold) and as predicted, with entities in [TYPE ...] brackets.\n"
        for error in errors {
            let sentence = sentences[error.sentence]
            let words = sentence.tokens ?? []
            text += "\n" + error.kind.rawValue
            if let location = sentence.location { text += " at " + location }
            text += "\n"
            text += "  gold entity:        " + describe(error.gold, words) + "\n"
            text += "  predicted entity:   " + describe(error.predicted, words) + "\n"
            text += "  gold sentence:      " + marked(sentence.gold, in: sentence) + "\n"
            text += "  predicted sentence: " + marked(sentence.predicted, in: sentence) + "\n"
        }
        return text
    }

    /// Counts by kind and the confusion matrix as JSON object members.
    func jsonMembers() -> String {
        let kinds = SpanErrorKind.allCases.map {
            "\(JSONText.quoted($0.rawValue.replacingOccurrences(of: " ", with: "_"))): \(countsByKind[$0] ?? 0)"
        }
        let labels = confusionLabels
        let rows = labels.compactMap { gold -> String? in
            guard let row = confusion[gold] else { return nil }
            let cells = labels.compactMap { p in row[p].map { "\(JSONText.quoted(p)): \($0)" } }
            return "\(JSONText.quoted(gold)): {" + cells.joined(separator: ", ") + "}"
        }
        return "\"errors\": {" + kinds.joined(separator: ", ") + ", \"total\": \(totalErrors), "
            + "\"confusion\": {" + rows.joined(separator: ", ") + "}}"
    }

    private func describe(_ span: EntitySpan?, _ words: [String]) -> String {
        guard let span else { return "none" }
        let range = span.length == 1 ? "token \(span.start + 1)" : "tokens \(span.start + 1)-\(span.end)"
        guard span.end <= words.count else { return "\(span.type) \(range)" }
        return "\(span.type) \(range) \"" + words[span.start..<span.end].joined(separator: " ") + "\""
    }

    private func marked(_ spans: [EntitySpan], in sentence: AnalyzedSentence) -> String {
        let words = sentence.tokens ?? Array(repeating: "_", count: sentence.length)
        var starts: [Int: EntitySpan] = [:]
        for span in spans { starts[span.start] = span }
        var parts: [String] = []
        var i = 0
        while i < words.count {
            if let span = starts[i], span.end <= words.count {
                parts.append("[\(span.type) " + words[span.start..<span.end].joined(separator: " ") + "]")
                i = span.end
            } else {
                parts.append(words[i])
                i += 1
            }
        }
        return parts.joined(separator: " ")
    }
}

private func pad(_ text: String, _ width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - text.count))
}

private func padLeft(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
}
