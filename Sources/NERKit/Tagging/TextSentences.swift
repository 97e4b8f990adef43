extension TagInputOpener {
    /// The sentences of `text` exactly as `ner tag --input text` reads them from a file holding
    /// that text: paragraphs at blank lines, the tokenizer's sentences and tokens, code point
    /// offsets from the start of `text`. For callers that get text whole (the HTTP service), so
    /// that they tag and report it exactly as `ner tag` does.
    package static func sentences(ofText text: String) -> [TagInputSentence] {
        let input = TextTagInput(ParagraphReader(bytes: Array(text.utf8)), file: nil)
        var sentences: [TagInputSentence] = []
        // Reading from memory cannot fail; an error would only mean no more sentences.
        while let sentence = try? input.next() { sentences.append(sentence) }
        return sentences
    }
}
