import NERKit

/// The HTML output of `ner tag`: one self-contained page (inline CSS, no scripts or external
/// resources) written as a stream — `header()`, then each sentence, then `footer()`. Entities are
/// `<mark>`s coloured by type, with the type after them and the score in a tooltip. Text input
/// keeps its own spacing and line breaks (`white-space: pre-wrap`); token input shows one
/// sentence per line.
struct TagHTMLPage {
    let entityTypes: [String]
    private var wroteSentence = false

    init(entityTypes: [String]) {
        self.entityTypes = entityTypes
    }

    func header() -> String {
        var legend = ""
        for type in entityTypes {
            legend += "<mark style=\"background:\(Self.color(for: type))\" data-label=\"\(HTMLText.escape(type))\"></mark> "
        }
        return """
        <!DOCTYPE html>
        <html>
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="ner tag">
        <title>Named entities</title>
        <style>
        body { font: 16px/1.7 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; background: #fff; max-width: 52em; margin: 2em auto; padding: 0 1em; }
        .legend { font-size: 0.9em; color: #59636e; margin-bottom: 1.5em; }
        .text { white-space: pre-wrap; overflow-wrap: anywhere; }
        mark { color: inherit; border-radius: 0.3em; padding: 0.05em 0.2em; }
        mark::after { content: attr(data-label); font-size: 0.62em; font-weight: 600; letter-spacing: 0.03em; margin-left: 0.35em; vertical-align: 0.15em; opacity: 0.7; }
        .legend mark { margin-right: 0.4em; }
        .legend mark::after { margin-left: 0; font-size: 0.85em; vertical-align: baseline; }
        </style>
        </head>
        <body>
        <div class="legend">Entity types: \(legend)</div>
        <div class="text">
        """
    }

    mutating func sentence(_ sentence: TagInputSentence, _ result: TaggedSentence) -> String {
        var out = ""
        if sentence.afterBlankLine && wroteSentence { out += "\n" }
        wroteSentence = true
        out += HTMLText.escape(sentence.before)
        let bytes = Array(sentence.text.utf8)
        func text(_ from: Int, _ to: Int) -> String {
            from < to ? HTMLText.escape(String(decoding: bytes[from..<to], as: UTF8.self)) : ""
        }
        let tokens = sentence.tokens
        var entities = result.entities.filter { $0.tokenStart >= 0 && $0.tokenStart < $0.tokenEnd && $0.tokenEnd <= tokens.count }
            .makeIterator()
        var entity = entities.next()
        var position = 0  // byte offset in the sentence text written so far
        var k = 0
        while k < tokens.count {
            while let e = entity, e.tokenStart < k { entity = entities.next() }
            if let e = entity, e.tokenStart == k {
                let from = tokens[k].utf8Range.lowerBound, to = tokens[e.tokenEnd - 1].utf8Range.upperBound
                out += text(position, from)
                out += "<mark style=\"background:\(Self.color(for: e.label))\" data-label=\"\(HTMLText.escape(e.label))\""
                out += " title=\"\(HTMLText.escape(e.label)) \(TagJSONLine.rounded(e.score))\">"
                out += text(from, to) + "</mark>"
                position = to
                k = e.tokenEnd
                entity = entities.next()
            } else {
                k += 1
            }
        }
        out += text(position, bytes.count)
        out += HTMLText.escape(sentence.after)
        return out
    }

    func footer() -> String {
        "</div>\n</body>\n</html>\n"
    }

    /// The background colour of an entity type: fixed for the CoNLL types, otherwise a light
    /// colour derived from a hash of the name, the same in every run.
    static func color(for type: String) -> String {
        switch type {
        case "PER": return "#ffd8a8"
        case "LOC": return "#b2f2bb"
        case "ORG": return "#a5d8ff"
        case "MISC": return "#eebefa"
        default:
            var hash: UInt32 = 2_166_136_261  // FNV-1a
            for byte in type.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
            return "hsl(\(hash % 360), 75%, 82%)"
        }
    }
}
