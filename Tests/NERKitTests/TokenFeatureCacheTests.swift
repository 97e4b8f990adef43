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
}
