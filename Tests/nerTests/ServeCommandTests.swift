import AsyncHTTPClient
import Foundation
import NIOHTTP1
import XCTest

/// End-to-end tests of `ner serve`: the built binary on a free loopback port, called with a real
/// HTTP client (AsyncHTTPClient). Entities are compared with `ner tag --format json` on the
/// same texts, with the shipped default model.
final class ServeCommandTests: XCTestCase {
    static var defaultModel: String { repositoryRoot.appendingPathComponent("models/default.ner").path }

    static let texts = [
        "Mr. Smith went to Washington. He arrived on Jan. 5.",
        "Teddy Roosevelt was a great President. Teddy bears are on sale!",
        "Angela Merkel met Emmanuel Macron in Berlin on Tuesday, and the U.S. didn't send anyone.",
        "Zürich and São Paulo signed a deal with Ahmed Öztürk's firm 🚀.",
        "  Leading spaces, then a line break\nin the middle of a sentence about IBM and Microsoft.",
        "Two paragraphs: Paris is in France.\r\n\r\nThe second one mentions Barack Obama and the United Nations.",
        "",
    ]

    /// The entities of `ner tag --format json` for `text`, with token indices counted across
    /// the whole text as the service counts them.
    private func nerTagEntities(_ text: String) throws -> [[String: Any]] {
        let result = try runNER(["tag", "--model", Self.defaultModel, "--format", "json"], stdin: Data(text.utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        var entities: [[String: Any]] = []
        var offset = 0
        for line in result.stdout.split(separator: "\n") {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            for var entity in try XCTUnwrap(object["entities"] as? [[String: Any]]) {
                entity["token_start"] = try XCTUnwrap(entity["token_start"] as? Int) + offset
                entity["token_end"] = try XCTUnwrap(entity["token_end"] as? Int) + offset
                entities.append(entity)
            }
            offset += try XCTUnwrap(object["tokens"] as? [Any]).count
        }
        return entities
    }

    private func entities(_ reply: ServerProcess.Reply) -> [[String: Any]] {
        reply.json["entities"] as? [[String: Any]] ?? []
    }

    private func assertSame(_ a: [[String: Any]], _ b: [[String: Any]], _ message: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a as NSArray, b as NSArray, message, file: file, line: line)
    }

    // MARK: - Answers

    func testEntitiesAreThoseOfNerTag() async throws {
        let server = try await ServerProcess(["--model", Self.defaultModel], test: self)
        var expected: [[[String: Any]]] = []
        for text in Self.texts {
            let want = try nerTagEntities(text)
            expected.append(want)
            let reply = try await server.tag(text)
            XCTAssertEqual(reply.status, 200, reply.body)
            XCTAssertEqual(reply.headers.first(name: "Content-Type"), "application/json; charset=utf-8")
            assertSame(entities(reply), want, text)
            XCTAssertNil(reply.json["tokens"])

            let plain = try await server.request(.POST, "/v1/tag", body: Array(text.utf8), contentType: "text/plain; charset=utf-8")
            XCTAssertEqual(plain.status, 200, plain.body)
            assertSame(entities(plain), want, "text/plain: " + text)
        }
        XCTAssertTrue(expected.contains { !$0.isEmpty }, "the default model finds entities in these texts")
        XCTAssertTrue(expected[2].contains { $0["text"] as? String == "Angela Merkel" })

        // Several texts in one request, with ids echoed back in order.
        let list = Self.texts.map(jsonString).joined(separator: ", ")
        let ids = Self.texts.indices.map { $0 % 2 == 0 ? "\($0)" : "\"t\($0)\"" }.joined(separator: ", ")
        let many = try await server.post(json: "{\"texts\": [\(list)], \"ids\": [\(ids)]}")
        XCTAssertEqual(many.status, 200, many.body)
        let results = try XCTUnwrap(many.json["results"] as? [[String: Any]])
        XCTAssertEqual(results.count, Self.texts.count)
        for (i, result) in results.enumerated() {
            if i % 2 == 0 { XCTAssertEqual(result["id"] as? Int, i) } else { XCTAssertEqual(result["id"] as? String, "t\(i)") }
            assertSame(result["entities"] as? [[String: Any]] ?? [], expected[i], "texts[\(i)]")
        }
    }

    func testTokensTagsAndSentencesAreThoseOfNerTag() async throws {
        let server = try await ServerProcess(["--model", Self.defaultModel], test: self)
        let text = Self.texts[1]
        let tagged = try runNER(["tag", "--model", Self.defaultModel, "--format", "json"], stdin: Data(text.utf8))
        let lines = try tagged.stdout.split(separator: "\n").map {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let wantTokens = lines.flatMap { $0["tokens"] as? [[String: Any]] ?? [] }
        let reply = try await server.tag(text, options: "\"id\": \"x\", \"tokens\": true")
        XCTAssertEqual(reply.status, 200, reply.body)
        XCTAssertEqual(reply.json["id"] as? String, "x")
        assertSame(reply.json["tokens"] as? [[String: Any]] ?? [], wantTokens, "tokens")
        let sentences = try XCTUnwrap(reply.json["sentences"] as? [[String: Any]])
        XCTAssertEqual(sentences.count, 2)
        XCTAssertEqual(sentences.map { $0["start"] as? Int }, lines.map { $0["start"] as? Int })
        XCTAssertEqual(sentences.map { $0["end"] as? Int }, lines.map { $0["end"] as? Int })
        XCTAssertEqual(sentences.map { $0["token_end"] as? Int }, [7, 13])

        // Another scheme for the tags, and the same options as query parameters of a text/plain body.
        let bioes = try await server.tag("Teddy Roosevelt was a great President.", options: "\"tokens\": true, \"scheme\": \"bioes\"")
        let tags = (bioes.json["tokens"] as? [[String: Any]] ?? []).compactMap { $0["tag"] as? String }
        XCTAssertEqual(tags, ["B-PER", "E-PER", "O", "O", "O", "O", "O"])
        let plain = try await server.request(.POST, "/v1/tag?tokens=true&scheme=bioes",
                                             body: Array("Teddy Roosevelt was a great President.".utf8), contentType: "text/plain")
        XCTAssertEqual((plain.json["tokens"] as? [[String: Any]] ?? []).compactMap { $0["tag"] as? String }, tags)
    }

    func testHealthReadyModelAndMetrics() async throws {
        let server = try await ServerProcess(["--model", Self.defaultModel], test: self)
        let health = try await server.get("/health")
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(health.json["status"] as? String, "ok")
        let ready = try await server.get("/ready")
        XCTAssertEqual(ready.json["status"] as? String, "ready")

        let model = try await server.get("/v1/model")
        XCTAssertEqual(model.status, 200, model.body)
        XCTAssertEqual((model.json["labels"] as? [String])?.sorted(), ["LOC", "MISC", "ORG", "PER"])
        XCTAssertEqual(model.json["tag_scheme"] as? String, "iob2")
        // Provenance and configuration as the model file records them (whichever model ships).
        let provenance = try XCTUnwrap(model.json["provenance"] as? [String: Any])
        XCTAssertGreaterThan(try XCTUnwrap(provenance["dev_f1"] as? Double), 50)
        XCTAssertNotNil(provenance["train_files"] as? [String: String])
        XCTAssertGreaterThan(try XCTUnwrap((model.json["config"] as? [String: Any])?["hidden"] as? Int), 0)
        XCTAssertEqual((model.json["tags"] as? [String])?.count, 17)

        _ = try await server.tag("Angela Merkel visited Paris.")
        _ = try await server.get("/nowhere")
        let metrics = try await server.get("/metrics")
        XCTAssertEqual(metrics.status, 200)
        XCTAssertTrue(metrics.headers.first(name: "Content-Type")?.hasPrefix("text/plain") ?? false)
        for name in ["ner_http_requests_total{path=\"/v1/tag\",status=\"200\"} 1",
                     "ner_http_requests_total{path=\"other\",status=\"404\"} 1",
                     "ner_http_request_duration_seconds_bucket", "ner_tokens_tagged_total 5",
                     "ner_texts_tagged_total 1", "ner_batch_sentences_count 1", "ner_batch_tokens_sum 5",
                     "ner_queue_depth", "ner_errors_total{kind=\"not_found\"} 1"] {
            XCTAssertTrue(metrics.body.contains(name), "\(name) in\n\(metrics.body)")
        }
        // One access log line per request, as JSON (waiting for them: stderr is read on another thread).
        let tagged = server.logLines(atLeast: 1) {
            $0["message"] as? String == "request" && $0["path"] as? String == "/v1/tag" && $0["status"] as? Int == 200 && $0["tokens"] as? Int == 5
        }
        XCTAssertEqual(tagged.count, 1, server.stderr)
        let nowhere = server.logLines(atLeast: 1) {
            $0["message"] as? String == "request" && $0["path"] as? String == "/nowhere" && $0["status"] as? Int == 404
        }
        XCTAssertEqual(nowhere.count, 1, server.stderr)
    }

    func testConcurrentRequestsAreTaggedTogetherAndRight() async throws {
        let server = try await ServerProcess(["--model", Self.defaultModel], test: self)
        let sentences = try String(contentsOf: repositoryRoot.appendingPathComponent("data/name-pairs.tsv"), encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { $0.split(separator: "\t").dropFirst().first.map(String.init) }
        XCTAssertGreaterThan(sentences.count, 40)
        // One at a time first: the reference answers.
        var alone: [String: String] = [:]
        for s in sentences { alone[s] = try await server.tag(s).body }
        // Then all at once, three times over.
        let replies = try await withThrowingTaskGroup(of: (String, ServerProcess.Reply).self) { group in
            for s in sentences + sentences + sentences {
                group.addTask { (s, try await server.tag(s)) }
            }
            var all: [(String, ServerProcess.Reply)] = []
            for try await r in group { all.append(r) }
            return all
        }
        XCTAssertEqual(replies.count, sentences.count * 3)
        for (s, reply) in replies {
            XCTAssertEqual(reply.status, 200, reply.body)
            XCTAssertEqual(reply.body, alone[s], s)
        }
        let metrics = try await server.get("/metrics").body
        let batches = metrics.split(separator: "\n").first { $0.hasPrefix("ner_batch_sentences_count ") }
        let count = batches.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        XCTAssertGreaterThan(count, 0)
        XCTAssertLessThan(count, sentences.count * 4, "concurrent requests share batches")
    }

    /// Pipelined requests on one connection are answered in order, whether the event loop answers
    /// them (an ordinary POST /v1/tag) or Hummingbird does (a query string, another path), and
    /// the two give the same answer to the same text.
    func testPipelinedRequestsAreAnsweredInOrderByEitherPath() async throws {
        let server = try await ServerProcess(["--model", Self.defaultModel], test: self)
        let a = "Angela Merkel visited Paris.", b = "Barack Obama met the United Nations in New York."
        let aloneA = try await server.tag(a).body, aloneB = try await server.tag(b).body
        let requests = [
            rawRequest("POST", "/v1/tag", body: "{\"text\": \(jsonString(a))}"),
            rawRequest("GET", "/health"),
            rawRequest("POST", "/v1/tag?tokens=false", body: "{\"text\": \(jsonString(a))}"),
            rawRequest("POST", "/v1/tag", body: "{\"text\": \(jsonString(b))}"),
            rawRequest("POST", "/v1/tag", body: "{\"text\": \"unclosed"),
            rawRequest("POST", "/v1/tag", body: b, contentType: "text/plain"),
            rawRequest("GET", "/ready"),
        ]
        for _ in 0..<3 {
            let replies = try pipelined(port: server.port, requests, count: requests.count)
            XCTAssertEqual(replies.map(\.status), [200, 200, 200, 200, 400, 200, 200])
            XCTAssertEqual(replies[0].body, aloneA)
            XCTAssertEqual(replies[1].body, "{\"status\": \"ok\"}\n")
            XCTAssertEqual(replies[2].body, aloneA, "Hummingbird's answer is the event loop's")
            XCTAssertEqual(replies[3].body, aloneB)
            XCTAssertTrue(replies[4].body.contains("malformed JSON"), replies[4].body)
            XCTAssertEqual(replies[5].body, aloneB)
            XCTAssertEqual(replies[6].body, "{\"status\": \"ready\"}\n")
            for reply in replies {
                XCTAssertEqual(reply.headers["content-type"], "application/json; charset=utf-8")
                XCTAssertTrue(reply.headers["server"]?.hasPrefix("ner/") ?? false, "\(reply.headers)")
                XCTAssertTrue(reply.headers["date"]?.hasSuffix(" GMT") ?? false, "\(reply.headers)")
            }
        }
        // More than the fast path holds while tagging (it stops reading until it has caught up).
        let many = (0..<60).map { i in rawRequest("POST", "/v1/tag", body: "{\"text\": \(jsonString(i % 2 == 0 ? a : b))}") }
        let manyReplies = try pipelined(port: server.port, many, count: many.count, then: [many[1]])
        XCTAssertEqual(manyReplies.map(\.body), (0..<60).map { $0 % 2 == 0 ? aloneA : aloneB } + [aloneB])
        let expected = 2 + 3 * 5 + 61
        let log = server.logLines(atLeast: expected) { $0["message"] as? String == "request" && $0["path"] as? String == "/v1/tag" }
        XCTAssertEqual(log.count, expected, "one access log line per request")
        XCTAssertEqual(log.filter { $0["status"] as? Int == 400 }.count, 3)
        XCTAssertTrue(log.allSatisfy { $0["hb.request.id"] is String })
    }

    /// A malformed request pipelined behind requests still being answered is answered 400 after
    /// them, and only then is the connection closed: the answers before it are neither overtaken
    /// nor lost. (The decoder reports the error at once, while the first request is still with
    /// the tagging worker.)
    func testMalformedRequestIsAnsweredAfterThePipelinedRequestsBeforeIt() async throws {
        let server = try await ServerProcess(["--model", Self.defaultModel], test: self)
        let long = String(repeating: "Angela Merkel met Emmanuel Macron in Berlin on Tuesday. ", count: 200)
        let alone = try await server.tag(long).body
        for garbage in ["NOT HTTP AT ALL\r\n\r\n", "POST /v1/tag HTTP/1.1\r\nContent-Length: x\r\n\r\n"] {
            for middle in [[], [rawRequest("GET", "/health")]] {
                let requests = [rawRequest("POST", "/v1/tag", body: "{\"text\": \(jsonString(long))}")] + middle + [garbage]
                let replies = try pipelined(port: server.port, requests, count: requests.count, expectClose: true)
                XCTAssertEqual(replies.map(\.status), [200] + middle.map { _ in 200 } + [400], "\(garbage.debugDescription)")
                XCTAssertEqual(replies.first?.body, alone)
                XCTAssertEqual(replies.last?.headers["connection"], "close")
            }
        }
        let after = try await server.tag("Paris")
        XCTAssertEqual(after.status, 200)
    }

    /// Random mixes of every kind of request, pipelined, some ending in bytes that are not HTTP:
    /// every request before the garbage is answered, in order, with the answer it gets alone,
    /// then a 400 and the close; the server stays up throughout. (Seeded, so a failure repeats.)
    func testRandomPipelinedMixesAreAnsweredInOrder() async throws {
        let server = try await ServerProcess(["--model", Self.defaultModel], test: self)
        let long = String(repeating: "Angela Merkel met Emmanuel Macron in Berlin on Tuesday. ", count: 100)
        // (request, status, body it must have or nil)
        var kinds: [(String, Int, String?)] = []
        for text in ["Paris", "Barack Obama met the United Nations in New York.", long] {
            let body = "{\"text\": \(jsonString(text))}"
            kinds.append((rawRequest("POST", "/v1/tag", body: body), 200, try await server.post(json: body).body))
        }
        kinds.append((rawRequest("POST", "/v1/tag?tokens=false", body: "{\"text\": \"Paris\"}"), 200, nil))
        kinds.append((rawRequest("POST", "/v1/tag", body: "{\"text\": \"unclosed"), 400, nil))
        kinds.append((rawRequest("POST", "/v1/tag", body: "Paris", contentType: "text/plain"), 200, nil))
        kinds.append((rawRequest("GET", "/health"), 200, "{\"status\": \"ok\"}\n"))
        kinds.append((rawRequest("GET", "/nowhere"), 404, nil))
        kinds.append((rawRequest("GET", "/v1/tag"), 405, nil))
        let garbage = ["NOT HTTP AT ALL\r\n\r\n", "POST /v1/tag HTTP/1.1\r\nContent-Length: x\r\n\r\n", "GET / HTTP/9.9\r\n\r\n"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func random(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        for round in 0..<40 {
            let chosen = (0...random(8)).map { _ in kinds[random(kinds.count)] }
            let broken = random(3) == 0
            let requests = chosen.map(\.0) + (broken ? [garbage[random(garbage.count)]] : [])
            let replies = try pipelined(port: server.port, requests, count: requests.count, expectClose: broken)
            XCTAssertEqual(replies.map(\.status), chosen.map(\.1) + (broken ? [400] : []), "round \(round)")
            for (reply, kind) in zip(replies, chosen) where kind.2 != nil {
                XCTAssertEqual(reply.body, kind.2, "round \(round)")
            }
        }
        XCTAssertTrue(server.process.isRunning)
        let after = try await server.tag("Paris")
        XCTAssertEqual(after.status, 200)
    }

    /// The value of an unlabelled metric in Prometheus text, or -1.
    private func metric(_ text: String, _ name: String) -> Double {
        let line = text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? -1
    }

    // MARK: - Errors

    private func assertError(_ reply: ServerProcess.Reply, _ status: Int, _ fragment: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(reply.status, status, reply.body, file: file, line: line)
        XCTAssertEqual(reply.headers.first(name: "Content-Type"), "application/json; charset=utf-8", file: file, line: line)
        let message = reply.json["error"] as? String ?? ""
        XCTAssertTrue(message.contains(fragment), "'\(message)' should contain '\(fragment)'", file: file, line: line)
    }

    func testBadRequestsGetJSONErrors() async throws {
        let server = try await ServerProcess(["--model", Self.defaultModel, "--max-body-bytes", "2000"], test: self)
        assertError(try await server.post(json: "{\"text\": \"unclosed"), 400, "malformed JSON")
        assertError(try await server.post(json: "{\"text\": }"), 400, "malformed JSON")
        assertError(try await server.post(json: ""), 400, "the body is empty")
        assertError(try await server.post(json: "[\"a list\"]"), 400, "must be a JSON object")
        // An unpaired surrogate escape is U+FFFD, one code point, as `ner tag --input jsonl` reads it.
        let surrogate = try await server.post(json: "{\"text\": \"\\ud800 Paris\"}")
        XCTAssertEqual(surrogate.status, 200, surrogate.body)
        XCTAssertEqual((surrogate.json["entities"] as? [[String: Any]])?.first?["start"] as? Int, 2, surrogate.body)
        assertError(try await server.post(json: "{\"txt\": \"typo\"}"), 400, "unknown field 'txt'")
        assertError(try await server.post(json: "{\"id\": 1}"), 400, "missing field 'text'")
        assertError(try await server.post(json: "{\"text\": 12}"), 400, "'text' must be a string")
        assertError(try await server.post(json: "{\"text\": null}"), 400, "'text' must be a string, not null")
        assertError(try await server.post(json: "{\"text\": \"a\", \"text\": \"b\"}"), 400, "field 'text' appears twice")
        assertError(try await server.post(json: String(repeating: "[", count: 600) + String(repeating: "]", count: 600)),
                    400, "must be a JSON object such as {\"text\": \"...\"}, not an array")
        assertError(try await server.post(json: "{\"text\": \"a\"} x"), 400, "malformed JSON at byte 15: unexpected text after the JSON value")
        assertError(try await server.post(json: "{\"texts\": [\"a\", 2]}"), 400, "'texts' must be an array of strings (item 1 is not)")
        assertError(try await server.post(json: "{\"text\": \"a\", \"texts\": [\"b\"]}"), 400, "not both")
        assertError(try await server.post(json: "{\"texts\": [\"a\", \"b\"], \"ids\": [1]}"), 400, "'ids' has 1 items but 'texts' has 2")
        assertError(try await server.post(json: "{\"text\": \"a\", \"id\": [1]}"), 400, "a string or an integer")
        assertError(try await server.post(json: "{\"text\": \"a\", \"tokens\": \"yes\"}"), 400, "'tokens' must be true or false")
        assertError(try await server.post(json: "{\"text\": \"a\", \"scheme\": \"bilo\"}"), 400, "unknown tag scheme 'bilo'")
        assertError(try await server.request(.POST, "/v1/tag?colour=red", body: Array("a".utf8), contentType: "text/plain"),
                    400, "unknown query parameter 'colour'")
        var latin1 = Array("{\"text\": \"Z".utf8)
        latin1 += [0xFC] + Array("rich\"}".utf8)
        assertError(try await server.request(.POST, "/v1/tag", body: latin1), 400, "not valid UTF-8: invalid byte 0xFC at offset 11")
        assertError(try await server.request(.POST, "/v1/tag", body: [0x41, 0xC3], contentType: "text/plain"), 400, "not valid UTF-8")
        assertError(try await server.request(.POST, "/v1/tag", body: Array("a".utf8), contentType: "text/plain; charset=iso-8859-1"),
                    415, "unsupported content type")
        assertError(try await server.request(.POST, "/v1/tag", body: Array("a".utf8), contentType: "application/xml"),
                    415, "send application/json or text/plain")

        let big = "{\"text\": \"" + String(repeating: "word ", count: 500) + "\"}"
        assertError(try await server.post(json: big), 413, "larger than the limit of 2000 bytes")
        assertError(try await server.get("/v2/tag"), 404, "no such path '/v2/tag'")
        assertError(try await server.get("/"), 404, "no such path")
        let wrongMethod = try await server.get("/v1/tag")
        assertError(wrongMethod, 405, "GET is not allowed on /v1/tag")
        XCTAssertEqual(wrongMethod.headers.first(name: "Allow"), "POST")
        let delete = try await server.request(.DELETE, "/health")
        assertError(delete, 405, "DELETE is not allowed")
        XCTAssertEqual(delete.headers.first(name: "Allow"), "GET, HEAD")

        // None of that hurt the server.
        let fine = try await server.tag("Angela Merkel visited Paris.")
        XCTAssertEqual(fine.status, 200)
        // Read with the wait: stderr is read on another thread, so the line may still be on its way.
        let refusedLarge = server.logLines(atLeast: 1) {
            $0["message"] as? String == "request" && $0["status"] as? Int == 413 && ($0["error"] as? String ?? "").contains("2000 bytes")
        }
        XCTAssertFalse(refusedLarge.isEmpty)
        XCTAssertTrue(server.process.isRunning)
    }

    func testFullQueueAnswers503WithRetryAfterAndRecoversAtOnce() async throws {
        let server = try await ServerProcess(["--model", Self.defaultModel, "--max-queue", "1", "--batch-tokens", "500"], test: self)
        // Many long texts at once: one is tagged, one waits, the others find the queue full.
        let long = String(repeating: "Angela Merkel met Emmanuel Macron in Berlin on Tuesday. ", count: 60)
        let replies = try await withThrowingTaskGroup(of: ServerProcess.Reply.self) { group in
            for _ in 0..<16 { group.addTask { try await server.tag(long) } }
            var all: [ServerProcess.Reply] = []
            for try await r in group { all.append(r) }
            return all
        }
        let refused = replies.filter { $0.status == 503 }
        XCTAssertGreaterThan(refused.count, 0, "some requests must find the queue full")
        XCTAssertGreaterThan(replies.filter { $0.status == 200 }.count, 0)
        XCTAssertEqual(refused.count + replies.filter { $0.status == 200 }.count, replies.count)
        for reply in refused {
            assertError(reply, 503, "requests are already waiting (--max-queue)")
            XCTAssertEqual(reply.headers.first(name: "Retry-After"), "1")
        }
        let fine = try await server.tag("Angela Merkel visited Paris.")
        XCTAssertEqual(fine.status, 200, "recovers at once")
        let metrics = try await server.get("/metrics").body
        XCTAssertTrue(metrics.contains("ner_errors_total{kind=\"queue_full\"} \(refused.count)"), metrics)
    }

    func testSlowRequestTimesOutWith504() async throws {
        let server = try await ServerProcess(["--model", Self.defaultModel, "--timeout", "0.02"], test: self)
        // 40,000 tokens (220 KB): tagging them takes about 0.2 s in a release build, ten times
        // the deadline, and far longer in a debug build.
        let long = String(repeating: "Angela Merkel met Emmanuel Macron in Berlin on Tuesday. ", count: 4000)
        assertError(try await server.tag(long), 504, "not answered within 0.02 s")
        // Once the worker is done with it, short requests are answered again.
        var status = 0
        for _ in 0..<200 where status != 200 {
            status = try await server.tag("Paris").status
            if status != 200 { try await Task.sleep(nanoseconds: 50_000_000) }
        }
        XCTAssertEqual(status, 200)
        let metrics = try await server.get("/metrics").body
        XCTAssertTrue(metrics.contains("ner_errors_total{kind=\"timeout\"}"), metrics)
    }

    // MARK: - Lifecycle

    func testShutdownFinishesRequestsInFlightAndExitsZero() async throws {
        for signal in [SIGTERM, SIGINT] {
            // Each request its own batch (--batch-tokens), so requests wait while one is tagged.
            let server = try await ServerProcess(["--model", Self.defaultModel, "--batch-tokens", "100"], test: self)
            // Long enough that five requests are still waiting when the signal comes: 80 tokens
            // take a debug build tens of milliseconds, 10,000 take a release build as long.
            let long = String(repeating: "Angela Merkel met Emmanuel Macron in Berlin on Tuesday. ", count: nerIsReleaseBuild ? 1000 : 8)
            let inFlight = Task {
                try await withThrowingTaskGroup(of: ServerProcess.Reply.self) { group in
                    for _ in 0..<6 { group.addTask { try await server.tag(long) } }
                    var all: [ServerProcess.Reply] = []
                    for try await r in group { all.append(r) }
                    return all
                }
            }
            // Wait until the worker has tagged a first batch (the others are waiting), then stop.
            let deadline = Date(timeIntervalSinceNow: 60)
            while Date() < deadline {
                if metric(try await server.get("/metrics").body, "ner_batch_sentences_count") >= 1 { break }
                try await Task.sleep(nanoseconds: 5_000_000)
            }
            let status = server.stop(signal)
            XCTAssertEqual(status, 0, "exit status after signal \(signal)\n\(server.stderr)")
            let replies = try await inFlight.value
            XCTAssertEqual(replies.map(\.status), Array(repeating: 200, count: 6), "signal \(signal)")
            for reply in replies {
                XCTAssertTrue(entities(reply).contains { $0["text"] as? String == "Angela Merkel" })
            }
            // Requests were answered after the shutdown began.
            let log = server.logLines.compactMap { $0["message"] as? String }
            let notice = try XCTUnwrap(log.firstIndex { $0.hasPrefix("shutting down") }, server.stderr)
            XCTAssertTrue(log[notice...].contains("request"), server.stderr)
            XCTAssertEqual(log.last, "stopped")
            XCTAssertFalse(acceptsConnections(port: server.port), "nothing listens any more")
        }
    }

    func testPortInUseIsReported() async throws {
        let server = try await ServerProcess(["--model", Self.defaultModel], test: self)
        let second = try runNER(["serve", "--model", Self.defaultModel, "--port", String(server.port)])
        XCTAssertEqual(second.status, 1, second.stderr)
        XCTAssertTrue(second.stderr.hasSuffix("cannot listen on 127.0.0.1:\(server.port): Address already in use\n"), second.stderr)
        let health = try await server.get("/health")
        XCTAssertEqual(health.status, 200, "the first server still serves")
    }

    func testUnloadableModelAndBadOptionsAreReported() throws {
        let missing = try runNER(["serve", "--port", "0", "--model", "/nonexistent/model.ner"])
        XCTAssertEqual(missing.status, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/model.ner:"), missing.stderr)
        let port = try runNER(["serve", "--port", "70000"])
        XCTAssertEqual(port.status, 64)
        XCTAssertTrue(port.stderr.contains("--port must be between 0 and 65535"), port.stderr)
        let queue = try runNER(["serve", "--max-queue", "0"])
        XCTAssertEqual(queue.status, 64)
        XCTAssertTrue(queue.stderr.contains("--max-queue must be positive"), queue.stderr)
    }
}
