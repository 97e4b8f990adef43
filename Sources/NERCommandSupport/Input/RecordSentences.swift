import NERKit

/// The sentences of one record's text (`ner tag --input jsonl`/`lines`), split as `--input text`
/// splits the same text read from a file: paragraphs end at blank lines (lines of only
/// whitespace) and are cut at a line end once they pass `maxParagraphBytes`; a line longer than
/// `maxLineBytes` is taken in pieces of at most that size, cut after a space or tab in the
/// piece's second half where there is one, else between two UTF-8 sequences (as `ParagraphReader`
/// does); each paragraph goes through `Tokenizer.sentences`. So a document gets the same entities
/// whichever way it is fed (for lines under `maxLineBytes`; `ParagraphReader` may cut an
/// over-long line elsewhere, depending on how the input arrives), and a huge record is tokenised
/// and handed on a paragraph at a time: the tokenizer's working arrays are many times the size of
/// the text they are given, and a record's tokens many times more. Offsets are Unicode scalar
/// offsets into the record's text.
struct RecordSentences {
    let tokenizer = Tokenizer()
    var maxParagraphBytes = 1 << 20
    var maxLineBytes = 1 << 20

    /// All the sentences of `text`.
    func sentences(of text: String) -> [TagInputSentence] {
        var all: [TagInputSentence] = []
        forEachParagraph(of: text) { all += $0; return true }
        return all
    }

    /// Calls `body` with the sentences of each paragraph of `text` that has any, in order, until
    /// it returns false.
    func forEachParagraph(of text: String, _ body: ([TagInputSentence]) -> Bool) {
        var copy = text
        copy.withUTF8 { bytes in
            let n = bytes.count
            var pos = 0, scalars = 0, midLine = false, going = true
            var paragraphStart = -1, paragraphScalar = 0
            func flush(_ end: Int) {
                guard paragraphStart >= 0 else { return }
                let paragraph = String(decoding: UnsafeBufferPointer(rebasing: bytes[paragraphStart..<end]), as: UTF8.self)
                paragraphStart = -1
                let found = sentences(ofParagraph: paragraph, scalarBase: paragraphScalar)
                if !found.isEmpty { going = body(found) }
            }
            while pos < n && going {
                // The next line, or the next piece of an over-long one.
                let limit = min(n, pos + max(2, maxLineBytes))
                var end = pos
                while end < limit && bytes[end] != 0x0A { end += 1 }
                let whole = !midLine
                if end < limit {
                    end += 1  // the line's "\n"
                    midLine = false
                } else if limit < n {
                    end = pieceEnd(bytes, from: pos, limit: limit)
                    midLine = true
                }
                var blank = whole && !midLine, pieceScalars = 0
                for i in pos..<end {
                    let b = bytes[i]
                    if b & 0xC0 != 0x80 { pieceScalars += 1 }
                    if blank && !(b == 0x20 || (b >= 0x09 && b <= 0x0D)) { blank = false }
                }
                if blank {
                    flush(pos)
                } else {
                    if paragraphStart < 0 {
                        paragraphStart = pos
                        paragraphScalar = scalars
                    }
                    if end - paragraphStart >= maxParagraphBytes { flush(end) }
                }
                scalars += pieceScalars
                pos = end
            }
            if going { flush(n) }
        }
    }

    /// Where to cut a piece off an over-long line: after the last space or tab in the second
    /// half of `pos..<limit`, else before the last UTF-8 lead byte at or before `limit`.
    private func pieceEnd(_ bytes: UnsafeBufferPointer<UInt8>, from pos: Int, limit: Int) -> Int {
        var i = limit
        while i > pos + (limit - pos) / 2 {
            if bytes[i - 1] == 0x20 || bytes[i - 1] == 0x09 { return i }
            i -= 1
        }
        i = limit
        while i > pos + 1 && i < bytes.count && bytes[i] & 0xC0 == 0x80 { i -= 1 }
        return i
    }

    private func sentences(ofParagraph paragraph: String, scalarBase: Int) -> [TagInputSentence] {
        let bytes = Array(paragraph.utf8)
        return tokenizer.sentences(paragraph, scalarBase: scalarBase, byteBase: 0).map { s in
            let tokens = s.tokens.map { t in
                TagInputToken(text: t.text, normalized: t.normalized, start: t.scalarStart, end: t.scalarEnd,
                              utf8Range: (t.byteStart - s.byteStart)..<(t.byteEnd - s.byteStart))
            }
            return TagInputSentence(tokens: tokens, text: String(decoding: bytes[s.byteStart..<s.byteEnd], as: UTF8.self),
                                    start: s.scalarStart)
        }
    }
}
