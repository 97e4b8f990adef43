import Foundation

extension EvaluationReport {
    /// The report exactly as conlleval prints it, byte for byte: the totals line, the overall
    /// line (left out, as conlleval does, when there are no tokens), one line per type.
    package func conllevalText() -> String {
        var text = "processed \(tokens) tokens with \(overall.gold) phrases; "
            + "found: \(overall.found) phrases; correct: \(overall.correct).\n"
        if tokens > 0 {
            text += "accuracy: \(fixed(accuracy, width: 6))%; "
                + "precision: \(fixed(precision, width: 6))%; "
                + "recall: \(fixed(recall, width: 6))%; "
                + "FB1: \(fixed(f1, width: 6))\n"
        }
        for type in sortedTypes {
            let counts = perType[type] ?? EvaluationCounts()
            // `%17s` pads by bytes, as Perl does with undecoded input.
            text += String(repeating: " ", count: max(0, 17 - type.utf8.count)) + type + ": "
                + "precision: \(fixed(counts.precision, width: 6))%; "
                + "recall: \(fixed(counts.recall, width: 6))%; "
                + "FB1: \(fixed(counts.f1, width: 6))  \(counts.found)\n"
        }
        return text
    }

    /// The same figures as one JSON object for scripts; percentages rounded to two decimals
    /// as in the text report, counts exact. Ends with a newline.
    package func json() -> String {
        "{" + jsonMembers() + "}\n"
    }

    /// The report with an `errors` member added: counts by kind (keys with `_` for spaces),
    /// `total`, and `confusion` {goldType: {predictedType: count}}, `O` meaning no entity.
    package func json(with errors: SpanErrorAnalysis) -> String {
        "{" + jsonMembers() + ", " + errors.jsonMembers() + "}\n"
    }

    /// The report's members without the enclosing braces, so other objects can extend it.
    func jsonMembers() -> String {
        var members = [
            "\"tokens\": \(tokens)",
            "\"correct_tags\": \(correctTags)",
            "\"phrases\": \(overall.gold)",
            "\"found\": \(overall.found)",
            "\"correct\": \(overall.correct)",
            "\"accuracy\": \(fixed(accuracy))",
            "\"precision\": \(fixed(precision))",
            "\"recall\": \(fixed(recall))",
            "\"f1\": \(fixed(f1))",
        ]
        let types = sortedTypes.map { type -> String in
            let c = perType[type] ?? EvaluationCounts()
            return "\(JSONText.quoted(type)): {\"precision\": \(fixed(c.precision)), \"recall\": \(fixed(c.recall)), "
                + "\"f1\": \(fixed(c.f1)), \"found\": \(c.found), \"gold\": \(c.gold), \"correct\": \(c.correct)}"
        }
        members.append("\"per_type\": {" + types.joined(separator: ", ") + "}")
        return members.joined(separator: ", ")
    }
}

/// `value` formatted by the C library as `%<width>.2f`, the conversion Perl's printf uses, so
/// rounding matches conlleval's to the last digit.
func fixed(_ value: Double, width: Int = 0) -> String {
    var buffer = [CChar](repeating: 0, count: 400)
    let format = "%\(width).2f"
    let count = withVaList([value]) { args in
        buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, args) }
    }
    guard count > 0 else { return "" }
    return String(decoding: buffer.prefix(Int(count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

