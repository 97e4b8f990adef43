import XCTest
@testable import NERKit

/// A NaN in the loss or the gradients stops training at once, before the optimiser spreads it
/// into every weight, with a message naming the epoch and batch.
final class TrainingDivergenceTests: XCTestCase {
    func testNonFiniteLossStopsTrainingBeforeAnyUpdate() throws {
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("data/sample.conll").path
        let corpus = try LabeledCorpus.load(sample)
        var config = ModelConfig()
        config.hidden = 8; config.wordDim = 8; config.charDim = 4; config.charHidden = 4
        let (model, _) = ModelBuilder.makeModel(config: config, train: corpus.sentences.map(\.tokens), trainTags: corpus.bioesTags,
                                                extraWords: [], pretrained: nil, vocabulary: VocabularyOptions(), seed: 1)
        var surfaces = SurfaceTable()
        let encoded = zip(corpus.sentences, corpus.bioesTags).map { model.encoder.encode($0.tokens, tags: $1, surfaces: &surfaces)! }
        // Poison the embedding of every word (as a diverged update would).
        let table = model.wordEmbedding.table
        for i in 0..<table.count { table.value[i] = .nan }
        let before = model.parameters.filter { $0 !== table }.map(\.values)
        var options = TrainingOptions()
        options.threads = 1
        options.epochs = 3
        let trainer = Trainer(model: model, options: options, train: encoded, surfaces: surfaces,
                              dev: encoded, devSurfaces: surfaces, devGold: corpus.bioesTags)
        var epochs = 0, checkpoints = 0
        XCTAssertThrowsError(try trainer.run(progress: { _ in }, onEpoch: { _ in epochs += 1 }, checkpoint: { checkpoints += 1 },
                                             shouldStop: { false })) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("non-finite loss in epoch 1, batch 1 of 5"), message)
        }
        XCTAssertEqual(epochs, 0)
        XCTAssertEqual(checkpoints, 0)
        XCTAssertEqual(model.parameters.filter { $0 !== table }.map(\.values), before, "no update was applied")
    }
}
