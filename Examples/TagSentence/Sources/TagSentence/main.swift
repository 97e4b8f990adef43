import Foundation
import NERKit

// Tags the text given as arguments (or a built-in sentence) with a model file and prints one
// entity per line: label, text and its code-point offsets.
//
//   swift run TagSentence --model ../../models/default.ner "Teddy Roosevelt was a great President."
var arguments = Array(CommandLine.arguments.dropFirst())
var modelPath = "../../models/default.ner"
if let i = arguments.firstIndex(of: "--model"), i + 1 < arguments.count {
    modelPath = arguments[i + 1]
    arguments.removeSubrange(i...(i + 1))
}
let text = arguments.isEmpty ? "Teddy Roosevelt was a great President." : arguments.joined(separator: " ")

do {
    let tagger = try Tagger(path: modelPath)
    let sentences = TagInputOpener.sentences(ofText: text)
    let tagged = tagger.tag(sentences.map(\.modelTokens))
    for (sentence, result) in zip(sentences, tagged) {
        for entity in result.entities {
            let first = sentence.tokens[entity.tokenStart], last = sentence.tokens[entity.tokenEnd - 1]
            let words = sentence.tokens[entity.tokenStart..<entity.tokenEnd].map(\.text).joined(separator: " ")
            print("\(entity.label)\t\(words)\t\(first.start)..<\(last.end)\t\(String(format: "%.3f", entity.score))")
        }
    }
} catch {
    FileHandle.standardError.write(Data("TagSentence: \(error)\n".utf8))
    exit(1)
}
