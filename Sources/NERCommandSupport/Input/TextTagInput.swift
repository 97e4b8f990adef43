import NERKit

/// Raw text input: paragraphs from a `ParagraphReader`, split into sentences by `TextSentences`
/// (the tokenizer's sentences, offsets from the start of the input, the text around each one).
final class TextTagInput: ParagraphTagInput {
    private var splitter = TextSentences()

    override func sentences(of paragraph: Paragraph) -> [TagInputSentence] {
        splitter.sentences(of: paragraph, file: file)
    }
}
