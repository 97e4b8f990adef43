import XCTest
@testable import NERKit

final class TokenFeatureCacheTests: XCTestCase {
    let sentences: [[String]] = [
        ["Jörg", "met", "Ana", "in", "ÅRHUS", "on", "2024-05-01", "."],
        ["Ana", "met", "jörg", "again", "!"],
        ["Unseen", "Zqx", "words", "9.5"],
    ]

    func testSameFeaturesAsTheEncoder() {
        let encoder = ModelGradientTests.tinyModel(.cnn, crf: true).0.encoder
        let cache = TokenFeatureCache()
        for _ in 0..<2 {  // the second pass is served from the cache
            let cached = cache.encode(sentences, encoder: encoder)
            var surfaces = SurfaceTable()
            for (s, c) in zip(sentences, cached) {
                let direct = encoder.encode(s, surfaces: &surfaces)!
                XCTAssertEqual(c.words, direct.words)
                XCTAssertEqual(c.casings, direct.casings)
                XCTAssertEqual(c.surfaces.map { cache.surfaces.chars[Int($0)] }, direct.surfaces.map { surfaces.chars[Int($0)] })
            }
        }
        // Each distinct spelling once.
        XCTAssertEqual(cache.count, Set(sentences.joined()).count)
    }

    func testStartsAfreshWhenFull() {
        let encoder = ModelGradientTests.tinyModel(.cnn, crf: true).0.encoder
        let cache = TokenFeatureCache(capacity: 5)
        _ = cache.encode([sentences[0]], encoder: encoder)
        XCTAssertEqual(cache.count, 8)  // a call may go past the capacity…
        let second = cache.encode([sentences[1]], encoder: encoder)
        XCTAssertEqual(cache.count, 5)  // …and the next one starts afresh
        XCTAssertEqual(second[0].surfaces, [0, 1, 2, 3, 4])
        var surfaces = SurfaceTable()
        XCTAssertEqual(second[0].words, encoder.encode(sentences[1], surfaces: &surfaces)!.words)
    }

    func testCharacterVectorsAreTheEncodersOutputPerSpelling() {
        for kind in [ModelConfig.CharEncoderKind.cnn, .lstm] {
            let model = ModelGradientTests.tinyModel(kind, crf: true).0
            let encoder = model.charEncoder!, C = encoder.outputSize
            let cache = TokenFeatureCache()
            _ = cache.encode([sentences[0]], encoder: model.encoder)
            _ = cache.charVectors(encoder, chunk: 3)
            // New spellings later: computed then, earlier rows kept.
            _ = cache.encode(Array(sentences[1...]), encoder: model.encoder)
            let vectors = cache.charVectors(encoder, chunk: 2)
            for id in 0..<cache.count {
                let alone = encoder.forward([cache.surfaces.chars[id]])
                for j in 0..<C { XCTAssertEqual(vectors[id * C + j], alone[j], accuracy: 1e-6, "\(kind) spelling \(id)") }
            }
        }
    }

    /// A tagger loaded from a file keeps character vectors across calls; it must tag exactly as
    /// the same model without the cache.
    func testLoadedTaggerTagsAsTheUncachedModel() throws {
        let model = ModelGradientTests.tinyModel(.cnn, crf: true).0
        var rng = SeededRandom(seed: 5)
        for p in model.parameters { for i in 0..<p.count { p.value[i] += rng.uniform(3) } }
        model.crf?.applyConstraints()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("feature-cache-\(UUID().uuidString).ner").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(model, scheme: .bioes, provenance: ModelFile.Provenance(), to: path)
        // float32, as the model passed in: this compares the caches, not the arithmetic.
        let loaded = try Tagger(path: path, precision: .float32)
        let plain = Tagger(model: model, scheme: .bioes)
        XCTAssertTrue(loaded.charVectorsAreCached)
        XCTAssertFalse(plain.charVectorsAreCached)
        for _ in 0..<2 {
            for batchSize in [1, 2, 32] {
                let a = loaded.tag(sentences, batchSize: batchSize), b = plain.tag(sentences, batchSize: batchSize)
                XCTAssertEqual(a.map(\.tags), b.map(\.tags))
                for (x, y) in zip(a, b) {
                    XCTAssertEqual(x.entities.count, y.entities.count)
                    for (e, f) in zip(x.entities, y.entities) { XCTAssertEqual(e.score, f.score, accuracy: 1e-4) }
                }
            }
        }
        XCTAssertGreaterThan(Set(plain.tag(sentences).flatMap(\.tags)).count, 1)
    }

    /// Past the first allocation the buffer grows, keeping the rows computed before.
    func testCharacterVectorsSurviveGrowth() {
        let model = ModelGradientTests.tinyModel(.cnn, crf: true).0
        let encoder = model.charEncoder!, C = encoder.outputSize
        let cache = TokenFeatureCache()
        let spellings = (0..<2500).map { "Tok\($0 % 7 == 0 ? "ä" : "")\($0)" }
        _ = cache.encode([Array(spellings[..<1000])], encoder: model.encoder)
        _ = cache.charVectors(encoder)
        _ = cache.encode([Array(spellings[1000...])], encoder: model.encoder)
        let vectors = cache.charVectors(encoder)
        XCTAssertEqual(cache.count, 2500)
        for id in [0, 1, 7, 500, 999, 1000, 1500, 2499] {
            let alone = encoder.forward([cache.surfaces.chars[id]])
            for j in 0..<C { XCTAssertEqual(vectors[id * C + j], alone[j], accuracy: 1e-6, "spelling \(id)") }
        }
    }
}
