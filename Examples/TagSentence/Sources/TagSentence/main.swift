import Foundation
import NERKit

// Tags the text given as arguments (or a built-in sentence) with a model file and prints one
// entity per line: label, text, its code-point offsets and the model's probability for it.
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
    for sentence in tagger.tag(text: text) {
        for entity in sentence.entities {
            print("\(entity.label)\t\(entity.text)\t\(entity.start)..<\(entity.end)\t\(String(format: "%.3f", entity.score))")
        }
    }
} catch {
    FileHandle.standardError.write(Data("TagSentence: \(error)\n".utf8))
    exit(1)
}
