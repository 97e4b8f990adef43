import XCTest
@testable import NERKit

final class ModelFileTests: XCTestCase {
    func path(_ name: String) -> String {
        let p = FileManager.default.temporaryDirectory.appendingPathComponent("mf-\(UUID().uuidString)-\(name)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: p) }
        return p
    }

    func testRoundTripKeepsWeightsVocabulariesSchemeAndConfig() throws {
        let (model, batch) = ModelGradientTests.tinyModel(.lstm, crf: true, layers: 2)
        var provenance = ModelFile.Provenance()
        provenance.devF1 = 12.5
        let p = path("m.ner")
        try ModelFile.save(model, scheme: .iob1, provenance: provenance, to: p)
        let loaded = try ModelFile.load(p)
        XCTAssertEqual(loaded.scheme, .iob1)
        XCTAssertEqual(loaded.provenance.devF1, 12.5)
        XCTAssertEqual(loaded.model.config, model.config)
        XCTAssertEqual(loaded.model.encoder.words, model.encoder.words)
        XCTAssertEqual(loaded.model.encoder.tags, model.encoder.tags)
        for (a, b) in zip(model.parameters, loaded.model.parameters) {
            XCTAssertEqual(a.name, b.name)
            XCTAssertEqual(a.values, b.values, a.name)
        }
        XCTAssertEqual(loaded.model.predict(batch), model.predict(batch))
    }

    func testHalfPrecisionEmbeddingsStayClose() throws {
        let (model, batch) = ModelGradientTests.tinyModel(.cnn, crf: true)
        let p = path("half.ner")
        try ModelFile.save(model, scheme: .iob2, provenance: .init(), to: p, halfEmbeddings: true)
        let loaded = try ModelFile.load(p)
        let a = model.wordEmbedding.table.values, b = loaded.model.wordEmbedding.table.values
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: abs(x) * 1e-3 + 1e-6) }
        XCTAssertEqual(loaded.model.predict(batch), model.predict(batch))
    }

    func testOtherSafetensorsFilesAreRefusedClearly() throws {
        let p = path("other.ner")
        try SafeTensorsFile.write([StoredTensor(name: "w", shape: [2], floats: [1, 2])], metadata: ["format": "pt"], to: p)
        XCTAssertThrowsError(try ModelFile.load(p)) { e in
            XCTAssertEqual("\(e)", "\(p): not a ner model (format 'pt')")
        }
        let (model, _) = ModelGradientTests.tinyModel(.none, crf: false)
        let q = path("missing.ner")
        var tensors = model.parameters.map { StoredTensor(name: $0.name, shape: $0.shape, floats: $0.values) }
        tensors.removeLast()
        try ModelFile.save(model, scheme: .iob2, provenance: .init(), to: q)
        let (_, meta) = try SafeTensorsFile.read(q)
        try SafeTensorsFile.write(tensors, metadata: meta, to: q)
        XCTAssertThrowsError(try ModelFile.load(q)) { e in
            XCTAssertTrue("\(e)".hasPrefix("\(q): invalid model: tensor "), "\(e)")
        }
    }

    /// A model file with a valid checksum but an absurd config (a hidden size of 10^8, a
    /// vocabulary of millions with no table to match) is refused before anything is allocated.
    func testAbsurdConfigsAreRefusedBeforeAllocation() throws {
        let (model, _) = ModelGradientTests.tinyModel(.cnn, crf: true)
        let p = path("absurd.ner")
        try ModelFile.save(model, scheme: .iob2, provenance: .init(), to: p)
        let (tensors, meta) = try SafeTensorsFile.read(p)
        func rewrite(_ change: (inout [String: String]) -> Void) throws -> Error? {
            var m = meta
            change(&m)
            try SafeTensorsFile.write(Array(tensors.values), metadata: m, to: p)
            do { _ = try ModelFile.load(p); return nil } catch { return error }
        }
        let hidden = try rewrite { $0["config"] = $0["config"]!.replacingOccurrences(of: "\"hidden\":\(model.config.hidden)", with: "\"hidden\":100000000") }
        XCTAssertTrue("\(hidden.map { "\($0)" } ?? "loaded")".contains("config hidden must be in 1...4096 (got 100000000)"), "\(String(describing: hidden))")
        let words = ["<pad>", "<unk>"] + (0..<300_000).map { "w\($0)" }
        let vocab = try rewrite { $0["vocab.words"] = ModelFile.jsonString(words) }
        XCTAssertTrue("\(vocab.map { "\($0)" } ?? "loaded")".contains("tensor 'word.embedding' has shape"), "\(String(describing: vocab))")
        let dropout = try rewrite { meta in
            var config = try! JSONSerialization.jsonObject(with: Data(meta["config"]!.utf8)) as! [String: Any]
            config["dropout"] = 7
            meta["config"] = String(decoding: try! JSONSerialization.data(withJSONObject: config), as: UTF8.self)
        }
        XCTAssertTrue("\(dropout.map { "\($0)" } ?? "loaded")".contains("config dropout"), "\(String(describing: dropout))")
    }
}
