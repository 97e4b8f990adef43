import XCTest
@testable import NERKit

/// Word vectors kept as halves for tagging (`Embedding.keepRowsInHalfPrecision`): only when every
/// value is a half already, the same rows as the float32 table, and a tagger loaded from a file
/// with half-precision vectors tags exactly as the same model with float32 rows.
final class EmbeddingHalfRowsTests: XCTestCase {
    func testKeepsRowsOnlyWhenEveryValueIsAHalfAndGivesTheSameRows() {
        let embedding = Embedding(name: "w", count: 300, dimension: 13)
        var rng = SeededRandom(seed: 3)
        embedding.initialize(&rng)
        XCTAssertFalse(embedding.keepRowsInHalfPrecision(), "random floats are not halves")
        XCTAssertFalse(embedding.keepsRowsInHalfPrecision)
        XCTAssertFalse(embedding.table.valuesDiscarded)
        let n = embedding.table.count
        for i in 0..<n { embedding.table.value[i] = Float(Float16(embedding.table.value[i])) }
        embedding.table.value[n - 1] = 65504  // the largest half, and a zero and a subnormal
        embedding.table.value[0] = 0
        embedding.table.value[1] = Float(Float16.leastNonzeroMagnitude)
        let before = embedding.table.values
        XCTAssertTrue(embedding.keepRowsInHalfPrecision())
        XCTAssertTrue(embedding.keepsRowsInHalfPrecision)
        XCTAssertTrue(embedding.table.valuesDiscarded)
        var row = [Float](repeating: .nan, count: 13)
        for id in [0, 1, 17, 150, 299] {
            row.withUnsafeMutableBufferPointer { embedding.copyRow(Int32(id), into: $0.baseAddress!) }
            XCTAssertEqual(row.map(\.bitPattern), before[(id * 13)..<((id + 1) * 13)].map(\.bitPattern), "row \(id)")
        }
        row.withUnsafeMutableBufferPointer { embedding.copyRow(-1, into: $0.baseAddress!) }
        XCTAssertEqual(row, [Float](repeating: 0, count: 13), "padding")
    }

    func testATaggerLoadedWithHalfVectorsTagsAsTheFloat32Model() throws {
        let model = ModelGradientTests.tinyModel(.cnn, crf: true).0
        var rng = SeededRandom(seed: 5)
        for p in model.parameters { for i in 0..<p.count { p.value[i] += rng.uniform(3) } }
        model.crf?.applyConstraints()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("half-rows-\(UUID().uuidString).ner").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(model, scheme: .bioes, provenance: ModelFile.Provenance(), to: path, halfEmbeddings: true)
        let loaded = try Tagger(path: path, precision: .float32)
        XCTAssertTrue(loaded.model.wordEmbedding.keepsRowsInHalfPrecision)
        let reference = Tagger(model: try ModelFile.load(path).model, scheme: .bioes)
        XCTAssertFalse(reference.model.wordEmbedding.keepsRowsInHalfPrecision)
        let sentences = [["Jörg", "met", "Ana", "in", "ÅRHUS", "on", "2024-05-01", "."], ["Ana", "met", "jörg", "again", "!"],
                         ["Unseen", "Zqx", "words", "9.5"]]
        let a = loaded.tag(sentences), b = reference.tag(sentences)
        XCTAssertEqual(a.map(\.tags), b.map(\.tags))
        XCTAssertEqual(a.flatMap(\.entities).map(\.score), b.flatMap(\.entities).map(\.score))
        XCTAssertGreaterThan(Set(a.flatMap(\.tags)).count, 1, "all tags equal: the comparison proves little")
        // A model saved with float32 vectors keeps them.
        try ModelFile.save(model, scheme: .bioes, provenance: ModelFile.Provenance(), to: path)
        XCTAssertFalse(try Tagger(path: path).model.wordEmbedding.keepsRowsInHalfPrecision)
    }
}
