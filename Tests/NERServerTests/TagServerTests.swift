import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NERKit
import NIOCore
import ServiceLifecycle
import XCTest

@testable import NERServer

/// `ner serve`'s application in process, over a live local socket (HummingbirdTesting's `.live`
/// runs it with the server's own HTTP/1 channel and fast path): routing, error answers, and that
/// the batcher stops when the application shuts down. The default model answers.
final class TagServerTests: XCTestCase {
    static let modelPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("models/default.ner").path
    static let quiet = Logger(label: "ner.serve.test") { _ in SwiftLogNoOpLogHandler() }

    static func configuration() -> ServeConfiguration {
        var c = ServeConfiguration(modelPath: modelPath)
        c.port = 0
        c.maxBodyBytes = 4096
        return c
    }

    /// Runs `test` against the application of `configuration`, once its model is loaded.
    func withServer(_ configuration: ServeConfiguration = configuration(),
                    _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws -> TagBatcher {
        let (app, batcher) = TagServer.application(configuration, logger: Self.quiet)
        try await app.test(.live) { client in
            var ready = false
            for _ in 0..<400 where !ready {
                ready = try await client.execute(uri: "/ready", method: .get).status == .ok
                if !ready { try await Task.sleep(for: .milliseconds(25)) }
            }
            XCTAssertTrue(ready, "the model loads")
            try await test(client)
        }
        return batcher
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        let text = String(buffer: response.body)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    static func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    func testRoutes() async throws {
        _ = try await withServer { client in
            let health = try await client.execute(uri: "/health", method: .get)
            XCTAssertEqual(health.status, .ok)
            XCTAssertEqual(try Self.json(health)["status"] as? String, "ok")

            let model = try await client.execute(uri: "/v1/model", method: .get)
            XCTAssertEqual(model.status, .ok)
            let labels = "\(try Self.json(model))"
            for label in ["PER", "LOC", "ORG", "MISC"] { XCTAssertTrue(labels.contains(label), labels) }

            // The same text as JSON (the fast path) and as text/plain (the responder): the same entities.
            let text = "Teddy Roosevelt visited Paris."
            let asJSON = try await client.execute(uri: "/v1/tag", method: .post, headers: [.contentType: "application/json"],
                                                  body: Self.body(#"{"text": "\#(text)", "id": "a"}"#))
            XCTAssertEqual(asJSON.status, .ok, String(buffer: asJSON.body))
            let reply = try Self.json(asJSON)
            XCTAssertEqual(reply["id"] as? String, "a")
            let entities = try XCTUnwrap(reply["entities"] as? [[String: Any]])
            XCTAssertEqual(entities.map { "\($0["label"] ?? "")/\($0["text"] ?? "")" }, ["PER/Teddy Roosevelt", "LOC/Paris"])
            XCTAssertEqual(entities.first?["start"] as? Int, 0)
            XCTAssertEqual(entities.first?["end"] as? Int, 15)
            let asText = try await client.execute(uri: "/v1/tag", method: .post, headers: [.contentType: "text/plain"], body: Self.body(text))
            XCTAssertEqual(asText.status, .ok, String(buffer: asText.body))
            XCTAssertEqual(NSArray(array: try XCTUnwrap(try Self.json(asText)["entities"] as? [[String: Any]])), NSArray(array: entities))

            let many = try await client.execute(uri: "/v1/tag", method: .post, headers: [.contentType: "application/json"],
                                                body: Self.body(#"{"texts": ["\#(text)", "No names here."], "ids": [1, 2]}"#))
            XCTAssertEqual(many.status, .ok, String(buffer: many.body))
            let results = try XCTUnwrap(try Self.json(many)["results"] as? [[String: Any]])
            XCTAssertEqual(results.map { $0["id"] as? Int }, [1, 2])
            XCTAssertEqual((results[1]["entities"] as? [Any])?.count, 0)

            let metrics = try await client.execute(uri: "/metrics", method: .get)
            XCTAssertEqual(metrics.status, .ok)
            XCTAssertTrue(String(buffer: metrics.body).contains("ner_texts_tagged_total"), String(buffer: metrics.body))
        }
    }

    /// Every error is its status with a JSON body `{"error": ...}`, and the server goes on.
    func testErrorsAreStatusesWithAJSONBody() async throws {
        _ = try await withServer { client in
            func assertError(_ response: TestResponse, _ status: HTTPResponse.Status, _ words: String,
                             file: StaticString = #filePath, line: UInt = #line) throws {
                XCTAssertEqual(response.status, status, String(buffer: response.body), file: file, line: line)
                let message = try XCTUnwrap(try Self.json(response)["error"] as? String, file: file, line: line)
                XCTAssertTrue(message.contains(words), message, file: file, line: line)
            }
            let json: HTTPFields = [.contentType: "application/json"]
            try assertError(try await client.execute(uri: "/nowhere", method: .get), .notFound, "/nowhere")
            let wrongMethod = try await client.execute(uri: "/v1/tag", method: .get)
            try assertError(wrongMethod, .methodNotAllowed, "GET")
            XCTAssertEqual(wrongMethod.headers[.allow], "POST")
            try assertError(try await client.execute(uri: "/v1/tag", method: .post, headers: json, body: Self.body("{")), .badRequest, "JSON")
            try assertError(try await client.execute(uri: "/v1/tag", method: .post, headers: json, body: Self.body(#"{"txet": "x"}"#)),
                            .badRequest, "txet")
            try assertError(try await client.execute(uri: "/v1/tag", method: .post, headers: [.contentType: "image/png"], body: Self.body("x")),
                            .unsupportedMediaType, "image/png")
            let after = try await client.execute(uri: "/v1/tag", method: .post, headers: json, body: Self.body(#"{"text": "Paris."}"#))
            XCTAssertEqual(after.status, .ok, "the server answers after errors: \(String(buffer: after.body))")
            // Last: a body over the limit is answered 413 and the connection closed (after a
            // lingering close, docs/guide/serve-network.md), so this client can send no more.
            let large = Self.body(#"{"text": ""# + String(repeating: "a ", count: 4096) + #""}"#)
            let tooLarge = try await client.execute(uri: "/v1/tag", method: .post, headers: json, body: large)
            try assertError(tooLarge, .contentTooLarge, "4096")
            XCTAssertEqual(tooLarge.headers[.connection], "close")
        }
    }

    /// When the application shuts down (gracefully, as on SIGTERM), its batcher stops with it.
    func testShutdownStopsTheBatcher() async throws {
        let batcher = try await withServer { client in
            let reply = try await client.execute(uri: "/v1/tag", method: .post, headers: [.contentType: "text/plain"], body: Self.body("Paris."))
            XCTAssertEqual(reply.status, .ok)
        }
        XCTAssertEqual(batcher.readiness, .stopping)
    }
}
