/// The sentences of one record's text (`ner tag --input jsonl`/`lines`), split exactly as
/// `--input text` splits the same text read from a file: paragraphs end at blank lines (lines of
/// only whitespace) and are cut at a line end once they pass `maxParagraphBytes`, as
/// `ParagraphReader` does, and each paragraph goes through `Tokenizer.sentences`. So a document
/// gets the same entities whichever way it is fed, and a huge record is tokenised a paragraph at
/// a time (the tokenizer's working arrays are several times the size of the text it is given).
/// Offsets are Unicode scalar offsets into the record's text.
struct RecordSentences {
    let tokenizer = Tokenizer()
    var maxParagraphBytes = 1 << 20

    func sentences(of text: String) -> [TagInputSentence] {
        var result: [TagInputSentence] = []
        var utf8 = text
        utf8.withUTF8 { bytes in
            var lineStart = 0, scalars = 0
            var paragraphStart = -1, paragraphScalar = 0
            func flush(_ end: Int) {
                guard paragraphStart >= 0 else { return }
                let paragraph = String(decoding: UnsafeBufferPointer(rebasing: bytes[paragraphStart..<end]), as: UTF8.self)
                append(paragraph, scalarBase: paragraphScalar, to: &result)
                paragraphStart = -1
            }
            while lineStart < bytes.count {
                var lineEnd = lineStart, blank = true, lineScalars = 0
                while lineEnd < bytes.count {
                    let b = bytes[lineEnd]
                    lineEnd += 1
                    if b & 0xC0 != 0x80 { lineScalars += 1 }
                    if blank && !(b == 0x20 || (b >= 0x09 && b <= 0x0D)) { blank = false }
                    if b == 0x0A { break }
                }
                if blank {
                    flush(lineStart)
                } else {
                    if paragraphStart < 0 {
                        paragraphStart = lineStart
                        paragraphScalar = scalars
                    }
                    if lineEnd - paragraphStart >= maxParagraphBytes { flush(lineEnd) }
                }
                scalars += lineScalars
                lineStart = lineEnd
            }
            flush(bytes.count)
        }
        return result
    }

    private func append(_ paragraph: String, scalarBase: Int, to result: inout [TagInputSentence]) {
        let bytes = Array(paragraph.utf8)
        for s in tokenizer.sentences(paragraph, scalarBase: scalarBase, byteBase: 0) {
            let tokens = s.tokens.map { t in
                TagInputToken(text: t.text, normalized: t.normalized, start: t.scalarStart, end: t.scalarEnd,
                              utf8Range: (t.byteStart - s.byteStart)..<(t.byteEnd - s.byteStart))
            }
            result.append(TagInputSentence(tokens: tokens, text: String(decoding: bytes[s.byteStart..<s.byteEnd], as: UTF8.self),
                                           start: s.scalarStart))
        }
    }
}
