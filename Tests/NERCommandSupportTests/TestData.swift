import Foundation
@testable import NERKit

/// What several tests of this target share: the sample corpus and a tiny tagger (the same as
/// NERKitTests' `TrainingRunTests.sample` and `ModelGradientTests.tinyModel(.cnn, crf: true)`).
enum TestData {
    /// data/sample.conll of the repository.
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("data/sample.conll").path

    /// An untrained model with a character CNN and a CRF over four short sentences' words
    /// (tags in BIOES for PER, LOC and ORG), tagging in IOB2.
    static func tinyTagger() -> Tagger {
        let sentences = [["Teddy", "Roosevelt", "was", "here"], ["Paris", "is", "big"], ["ACME", "Corp", "sells", "Teddy", "bears"], ["Hi"]]
        var words = VocabularyBuilder(), chars = VocabularyBuilder()
        for toks in sentences { for t in toks { words.count(WordKey.normalize(t)); for c in t.unicodeScalars { chars.count(String(c)) } } }
        var tags = Vocabulary(specials: false)
        for t in ["O", "B-PER", "I-PER", "E-PER", "S-PER", "B-LOC", "I-LOC", "E-LOC", "S-LOC", "B-ORG", "I-ORG", "E-ORG", "S-ORG"] { tags.add(t) }
        var config = ModelConfig()
        config.wordDim = 4; config.casingDim = 2; config.charEncoder = .cnn
        config.charDim = 3; config.charHidden = 2; config.hidden = 3; config.crf = true
        config.dropout = 0
        let model = TaggerModel(config: config, encoder: FeatureEncoder(words: words.build(), chars: chars.build(), tags: tags))
        model.initialize(seed: 7)
        return Tagger(model: model, scheme: .iob2)
    }
}
