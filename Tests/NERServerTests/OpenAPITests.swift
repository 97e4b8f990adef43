import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import XCTest
import Yams

#if canImport(Glibc)
import Glibc
#endif

@testable import NERServer

/// docs/openapi.yaml against the server: `GET /openapi.json` serves exactly that document (as
/// JSON), and every answer the tests can provoke, on every documented path, has a status the
/// description lists for that path and method (or, for an unknown path or method, its 404 and
/// 405), the documented content type and headers, and a JSON body with the documented required
/// fields and types (`SchemaCheck`). The statuses provoked: 200, 400, 401, 404, 405, 408, 413,
/// 415, 429, 431, 503 and 504; not 500, which takes a bug.
///
/// `NER_UPDATE_OPENAPI=1` rewrites Sources/NERServer/OpenAPIDocument.swift from the YAML (then
/// build and run again).
final class OpenAPITests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let yamlPath = root.appendingPathComponent("docs/openapi.yaml").path
    static let swiftPath = root.appendingPathComponent("Sources/NERServer/OpenAPIDocument.swift").path

    /// The description as read from docs/openapi.yaml.
    static func specification() throws -> JSONValue {
        let text = try String(contentsOfFile: yamlPath, encoding: .utf8)
        return try JSONValue(yaml: try XCTUnwrap(try Yams.load(yaml: text), "docs/openapi.yaml is empty"))
    }

    /// Waits (60 s at most: a loaded machine, ThreadSanitizer) until the application's model is
    /// loaded.
    static func waitUntilReady(_ client: any TestClientProtocol) async throws {
        let end = Date(timeIntervalSinceNow: 60)
        while Date() < end {
            if try await client.execute(uri: "/ready", method: .get).status == .ok { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        XCTFail("the model loads within 60 s")
    }

    /// Runs `test` against the application of `configuration` (`keys` the API keys), once its
    /// model is loaded.
    static func withServer(_ configuration: ServeConfiguration, keys: APIKeys? = nil,
                           _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let (app, batcher) = TagServer.application(configuration, logger: TagServerTests.quiet, keys: keys)
        try await app.test(.live) { client in
            try await waitUntilReady(client)
            try await test(client)
        }
        XCTAssertEqual(batcher.readiness, .stopping, "the batcher stops with the application")
    }

    /// Opens the write end of the FIFO `path` (once its reader waits in `open`) and closes it:
    /// the reader then reads an empty file.
    static func release(fifo path: String) {
        for _ in 0..<500 {
            let fd = open(path, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd); return }
            usleep(10_000)
        }
        XCTFail("nothing opened \(path) for reading")
    }

    // MARK: - The document served

    func testTheServedDocumentIsDocsOpenAPIYAML() async throws {
        let spec = try Self.specification()
        if ProcessInfo.processInfo.environment["NER_UPDATE_OPENAPI"] == "1" {
            try Self.rewriteEmbeddedDocument(spec)
            XCTFail("rewrote \(Self.swiftPath) from docs/openapi.yaml: build and run the tests again")
            return
        }
        try await Self.withServer(TagServerTests.configuration()) { client in
            let response = try await client.execute(uri: "/openapi.json", method: .get)
            XCTAssertEqual(response.status, .ok)
            XCTAssertEqual(response.headers[.contentType], "application/json; charset=utf-8")
            let served = try JSONValue(json: Data(String(buffer: response.body).utf8))
            XCTAssertTrue(served == spec, """
                GET /openapi.json differs from docs/openapi.yaml: run \
                NER_UPDATE_OPENAPI=1 swift test --disable-swift-testing --filter NERServerTests.OpenAPITests \
                to rewrite Sources/NERServer/OpenAPIDocument.swift (first difference: \(served.firstDifference(from: spec) ?? "?"))
                """)
        }
        // Every $ref of the document resolves, and every operation lists its answers.
        var refs: [String] = []
        spec.collectReferences(into: &refs)
        XCTAssertFalse(refs.isEmpty)
        for ref in refs { XCTAssertNotNil(spec.resolve(ref), "\(ref) resolves") }
    }

    static func rewriteEmbeddedDocument(_ spec: JSONValue) throws {
        let data = try JSONSerialization.data(withJSONObject: spec.foundationObject,
                                              options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        let json = String(decoding: data, as: UTF8.self)
        let old = try String(contentsOfFile: swiftPath, encoding: .utf8)
        guard let start = old.range(of: "    static let json = ##\"\"\"\n"), let end = old.range(of: "\n\"\"\"##", range: start.upperBound..<old.endIndex)
        else { throw CocoaError(.fileReadCorruptFile) }
        let text = String(old[..<start.upperBound]) + json + String(old[end.lowerBound...])
        try text.write(toFile: swiftPath, atomically: true, encoding: .utf8)
    }

    // MARK: - The answers against the description

    /// What the answers were checked for, by "METHOD path status".
    final class Coverage: @unchecked Sendable {
        private let lock = NSLock()
        private var seen = Set<String>()
        func add(_ key: String) { lock.withLock { _ = seen.insert(key) } }
        var all: Set<String> { lock.withLock { seen } }
    }

    /// Checks one answer against the description: the status is listed for `method` on `path`
    /// (or is 404 for an unknown path or 405 for an unlisted method, both described in
    /// components/responses), and its content type, headers and body are the documented ones.
    static func check(_ spec: JSONValue, method: String, path: String, status: Int, headers: [String: String], body: [UInt8],
                      coverage: Coverage, file: StaticString = #filePath, line: UInt = #line) {
        let context = "\(method) \(path) \(status): \(String(decoding: body, as: UTF8.self))"
        let operation = spec["paths"]?[path]?[method.lowercased()]
        var response: JSONValue?
        if spec["paths"]?[path] == nil {
            XCTAssertEqual(status, 404, "an unknown path is 404: \(context)", file: file, line: line)
            response = spec.resolve("#/components/responses/NotFound")
        } else if operation == nil {
            XCTAssertEqual(status, 405, "an unlisted method is 405: \(context)", file: file, line: line)
            response = spec.resolve("#/components/responses/MethodNotAllowed")
        } else {
            response = operation?["responses"]?[String(status)]
            XCTAssertNotNil(response, "the description lists status \(status) for \(method) \(path): \(context)", file: file, line: line)
        }
        guard var response else { return }
        if let ref = response["$ref"]?.string { response = spec.resolve(ref) ?? .null }
        coverage.add("\(method) \(path) \(status)")
        for (name, _) in response["headers"]?.object ?? [:] {
            XCTAssertNotNil(headers[name.lowercased()], "the documented header \(name): \(context) \(headers)", file: file, line: line)
        }
        guard let content = response["content"]?.object else { return }
        let mediaType = (headers["content-type"]?.split(separator: ";").first).map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard let schema = content[mediaType]?["schema"] else {
            return XCTFail("\(mediaType) is not a documented content type (\(content.keys.sorted())): \(context)", file: file, line: line)
        }
        if mediaType == "application/json" {
            do {
                let value = try JSONValue(json: Data(body))
                let problems = SchemaCheck(spec: spec).problems(value, schema, at: "body")
                XCTAssertEqual(problems, [], context, file: file, line: line)
            } catch {
                XCTFail("not JSON: \(context)", file: file, line: line)
            }
        } else {
            XCTAssertEqual(schema["type"]?.string, "string", context, file: file, line: line)
            XCTAssertFalse(body.isEmpty, context, file: file, line: line)
        }
    }

    static func check(_ spec: JSONValue, _ method: String, _ path: String, _ response: TestResponse, coverage: Coverage,
                      file: StaticString = #filePath, line: UInt = #line) {
        var headers: [String: String] = [:]
        for field in response.headers { headers[field.name.canonicalName] = field.value }
        check(spec, method: method, path: path, status: Int(response.status.code), headers: headers,
              body: Array(response.body.readableBytesView), coverage: coverage, file: file, line: line)
    }

    static func check(_ spec: JSONValue, _ method: String, _ path: String, _ answer: RawHTTP.Answer, coverage: Coverage,
                      file: StaticString = #filePath, line: UInt = #line) {
        check(spec, method: method, path: path, status: answer.status, headers: answer.headers, body: answer.body,
              coverage: coverage, file: file, line: line)
    }

    func testEveryAnswerIsDocumented() async throws {
        let spec = try Self.specification()
        let coverage = Coverage()
        let json: HTTPFields = [.contentType: "application/json"]

        // The default limits but for a small body limit and a short head deadline.
        var configuration = TagServerTests.configuration()
        configuration.headerTimeoutSeconds = 0.3
        try await Self.withServer(configuration) { client in
            let port = try XCTUnwrap(client.port)
            func tag(_ text: String, uri: String = "/v1/tag", headers: HTTPFields = [.contentType: "application/json"]) async throws {
                let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: text))
                Self.check(spec, "POST", "/v1/tag", response, coverage: coverage)
            }
            try await tag(#"{"text": "Teddy Roosevelt visited Paris.", "id": "a"}"#)
            try await tag(#"{"texts": ["Angela Merkel met Emmanuel Macron in Berlin.", "No names."], "ids": [1, "b"], "tokens": true, "scheme": "iob2"}"#)
            try await tag("Mr. Smith went to Washington.", uri: "/v1/tag?tokens=true&scheme=bioes", headers: [.contentType: "text/plain"])
            try await tag(#"{"text": "unclosed}"#)
            try await tag(#"{"txt": "typo"}"#)
            try await tag(#"{"text": "x"}"#, uri: "/v1/tag?colour=red")
            try await tag("x", headers: [.contentType: "image/png"])
            for path in ["/v1/model", "/health", "/ready", "/metrics", "/openapi.json", "/nowhere"] {
                Self.check(spec, "GET", path, try await client.execute(uri: path, method: .get), coverage: coverage)
            }
            Self.check(spec, "GET", "/v1/tag", try await client.execute(uri: "/v1/tag", method: .get), coverage: coverage)
            Self.check(spec, "POST", "/health", try await client.execute(uri: "/health", method: .post), coverage: coverage)

            // What the connection's guards answer, over connections of their own.
            let head = try RawHTTP.exchange(port: port, "GET /health HTTP/1.1\r\nHost: localhost\r\n")
            XCTAssertEqual(head.status, 408)
            Self.check(spec, "GET", "/health", head, coverage: coverage)
            let fields = (0..<120).map { "X-Field-\($0): \($0)\r\n" }.joined()
            let many = try RawHTTP.exchange(port: port, "GET /v1/model HTTP/1.1\r\nHost: localhost\r\n\(fields)\r\n")
            XCTAssertEqual(many.status, 431)
            Self.check(spec, "GET", "/v1/model", many, coverage: coverage)
            let large = try RawHTTP.exchange(port: port, "POST /v1/tag HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n")
            XCTAssertEqual(large.status, 413)
            Self.check(spec, "POST", "/v1/tag", large, coverage: coverage)
            let notHTTP = try RawHTTP.exchange(port: port, "HELLO\r\n\r\n")
            XCTAssertEqual(notHTTP.status, 400)
            XCTAssertEqual(SchemaCheck(spec: spec).problems(try JSONValue(json: Data(notHTTP.body)), .object(["$ref": .string("#/components/schemas/Error")]), at: "body"), [])
        }

        // API keys, a timeout no request meets, and one connection per client.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ner-openapi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = "a-key-of-at-least-16-characters"
        let keysPath = directory.appendingPathComponent("keys.txt").path
        try (key + "\n").write(toFile: keysPath, atomically: true, encoding: .utf8)
        configuration = TagServerTests.configuration()
        configuration.requestTimeoutSeconds = 0.001
        configuration.maxBodyBytes = 1 << 16  // room for the long request below
        configuration.maxConnectionsPerClient = 1
        try await Self.withServer(configuration, keys: try APIKeys(path: keysPath)) { client in
            let port = try XCTUnwrap(client.port)
            for path in ["/v1/model", "/metrics", "/openapi.json"] {
                let refused = try await client.execute(uri: path, method: .get)
                XCTAssertEqual(refused.status, .unauthorized)
                Self.check(spec, "GET", path, refused, coverage: coverage)
            }
            let wrongKey = try await client.execute(uri: "/v1/tag", method: .post, headers: [.contentType: "text/plain", .authorization: "Bearer not-the-key-at-all"],
                                                    body: ByteBuffer(string: "Paris."))
            XCTAssertEqual(wrongKey.status, .unauthorized)
            Self.check(spec, "POST", "/v1/tag", wrongKey, coverage: coverage)
            Self.check(spec, "GET", "/health", try await client.execute(uri: "/health", method: .get), coverage: coverage)
            // Long enough that tagging it takes longer than the 1 ms deadline on any CPU (60 of
            // these sentences were tagged within it on an AMD Zen 5).
            let long = String(repeating: "Angela Merkel met Emmanuel Macron in Berlin. ", count: 600)
            let late = try await client.execute(uri: "/v1/tag", method: .post, headers: [.contentType: "text/plain", .authorization: "Bearer \(key)"],
                                                body: ByteBuffer(string: long))
            XCTAssertEqual(late.status, .gatewayTimeout, String(buffer: late.body))
            Self.check(spec, "POST", "/v1/tag", late, coverage: coverage)
            // This client holds one connection (or did): of two more, the second is refused.
            let first = try RawHTTP.connect(port: port)
            defer { close(first) }
            let second = try RawHTTP.exchange(port: port, "")
            XCTAssertEqual(second.status, 429)
            Self.check(spec, "GET", "/health", second, coverage: coverage)
        }

        // A model that is still loading: a FIFO, whose open blocks until a writer comes.
        let fifo = directory.appendingPathComponent("loading.ner").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        configuration = TagServerTests.configuration()
        configuration.modelPath = fifo
        let (loading, _) = TagServer.application(configuration, logger: TagServerTests.quiet)
        do {
            try await loading.test(.live) { client in
                // The load then fails (an empty model file) and the server stops.
                defer { Self.release(fifo: fifo) }
                for path in ["/ready", "/v1/model"] {
                    let response = try await client.execute(uri: path, method: .get)
                    XCTAssertEqual(response.status, .serviceUnavailable)
                    Self.check(spec, "GET", path, response, coverage: coverage)
                }
                let response = try await client.execute(uri: "/v1/tag", method: .post, headers: json, body: ByteBuffer(string: #"{"text": "Paris."}"#))
                XCTAssertEqual(response.status, .serviceUnavailable)
                Self.check(spec, "POST", "/v1/tag", response, coverage: coverage)
            }
        } catch {
            // The empty model file stops the server with the loader's error; the 503s above were
            // checked (or are missing from the coverage below).
            print("OpenAPITests: the loading server ended with: \(error)")
        }

        // Every documented operation was checked at least once with a 2xx answer, and the
        // statuses not provoked are only those that need a bug or a shutdown.
        let seen = coverage.all
        var documented: [String] = []
        for (path, item) in spec["paths"]?.object ?? [:] {
            for (method, operation) in item.object ?? [:] {
                XCTAssertTrue(seen.contains(where: { $0.hasPrefix("\(method.uppercased()) \(path) 2") }), "\(method) \(path) answered 2xx")
                for status in (operation["responses"]?.object ?? [:]).keys { documented.append("\(method.uppercased()) \(path) \(status)") }
            }
        }
        let unchecked = documented.filter { !seen.contains($0) }.sorted()
        XCTAssertTrue(unchecked.allSatisfy { $0.hasSuffix(" 500") || $0.hasSuffix(" 408") || $0.hasSuffix(" 429") || $0.hasSuffix(" 431") },
                      "unchecked: \(unchecked)")
        print("OpenAPITests: \(seen.count) path, method and status combinations checked; documented but not provoked: \(unchecked.joined(separator: ", "))")
    }
}

/// A document of JSON values: what the YAML and the served JSON are compared as, and what the
/// schemas are checked on. Booleans and numbers stay apart (Foundation's `NSNumber` does not
/// keep them apart on Linux).
enum JSONValue: Equatable, Decodable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    init(json: Data) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: json)
    }

    /// A value as Yams constructs it (Swift's Bool, Int, Double, String, arrays and dictionaries).
    init(yaml value: Any) throws {
        switch value {
        case is NSNull: self = .null
        case let b as Bool: self = .bool(b)
        case let i as Int: self = .int(i)
        case let d as Double: self = .double(d)
        case let s as String: self = .string(s)
        case let a as [Any]: self = .array(try a.map(JSONValue.init(yaml:)))
        case let m as [AnyHashable: Any]:
            var object: [String: JSONValue] = [:]
            for (key, value) in m {
                guard let key = key.base as? String else { throw CocoaError(.coderInvalidValue) }
                object[key] = try JSONValue(yaml: value)
            }
            self = .object(object)
        default:
            throw CocoaError(.coderInvalidValue)
        }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    var object: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }

    /// The value a local reference (`#/components/schemas/Error`) points to.
    func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var value: JSONValue? = self
        for key in reference.dropFirst(2).split(separator: "/") { value = value?[String(key)] }
        return value
    }

    func collectReferences(into references: inout [String]) {
        switch self {
        case .object(let o):
            if let ref = o["$ref"]?.string { references.append(ref) }
            for value in o.values { value.collectReferences(into: &references) }
        case .array(let a):
            for value in a { value.collectReferences(into: &references) }
        default:
            break
        }
    }

    /// Where two documents first differ (a path of keys), for the failure message.
    func firstDifference(from other: JSONValue, at path: String = "") -> String? {
        switch (self, other) {
        case (.object(let a), .object(let b)):
            for key in Set(a.keys).union(b.keys).sorted() {
                guard let x = a[key], let y = b[key] else { return path + "/" + key + (a[key] == nil ? " (not served)" : " (not in the YAML)") }
                if let difference = x.firstDifference(from: y, at: path + "/" + key) { return difference }
            }
            return nil
        case (.array(let a), .array(let b)) where a.count == b.count:
            for (i, (x, y)) in zip(a, b).enumerated() {
                if let difference = x.firstDifference(from: y, at: path + "/\(i)") { return difference }
            }
            return nil
        default:
            return self == other ? nil : path
        }
    }

    /// The value as Foundation's JSON objects, for `JSONSerialization`.
    var foundationObject: Any {
        switch self {
        case .null: return NSNull()
        case .bool(let b): return b
        case .int(let i): return i
        case .double(let d): return d
        case .string(let s): return s
        case .array(let a): return a.map(\.foundationObject)
        case .object(let o): return o.mapValues(\.foundationObject)
        }
    }
}

/// The part of OpenAPI 3.0's schemas that docs/openapi.yaml uses: `$ref`, `oneOf`, `type`,
/// `required`, `properties`, `additionalProperties: false`, `items`, `enum`, `minimum` and
/// `maximum`. Returns every problem, by where in the value it is.
struct SchemaCheck {
    let spec: JSONValue

    func problems(_ value: JSONValue, _ schema: JSONValue, at place: String) -> [String] {
        if let ref = schema["$ref"]?.string {
            guard let target = spec.resolve(ref) else { return ["\(place): \(ref) does not resolve"] }
            return problems(value, target, at: place)
        }
        if let alternatives = schema["oneOf"]?.array {
            let each = alternatives.map { problems(value, $0, at: place) }
            let matching = each.filter(\.isEmpty).count
            if matching != 1 {
                return ["\(place): matches \(matching) of the \(alternatives.count) schemas of oneOf"] + each.joined()
            }
        }
        var found: [String] = []
        if let type = schema["type"]?.string {
            let ok: Bool
            switch (type, value) {
            case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("integer", .int),
                 ("number", .int), ("number", .double):
                ok = true
            default:
                ok = false
            }
            if !ok { return ["\(place): not of type \(type): \(value)"] }
        }
        if let allowed = schema["enum"]?.array, !allowed.contains(value) { found.append("\(place): \(value) is not one of \(allowed)") }
        let number: Double? = switch value {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
        if let number {
            if case .int(let least)? = schema["minimum"], number < Double(least) { found.append("\(place): \(number) < \(least)") }
            if case .int(let most)? = schema["maximum"], number > Double(most) { found.append("\(place): \(number) > \(most)") }
        }
        if case .object(let members) = value {
            for name in schema["required"]?.array?.compactMap(\.string) ?? [] where members[name] == nil {
                found.append("\(place): the required field '\(name)' is missing")
            }
            let properties = schema["properties"]?.object ?? [:]
            for (name, member) in members {
                if let property = properties[name] {
                    found += problems(member, property, at: place + "." + name)
                } else if schema["additionalProperties"] == .bool(false) {
                    found.append("\(place): the field '\(name)' is not documented")
                }
            }
        }
        if case .array(let elements) = value, let items = schema["items"] {
            for (i, element) in elements.enumerated() { found += problems(element, items, at: "\(place)[\(i)]") }
        }
        return found
    }
}

/// HTTP/1.1 over a socket of its own, byte for byte: for the answers a client library does not
/// let a test provoke (a head that never ends, too many header fields, a second connection).
enum RawHTTP {
    struct Answer {
        var status: Int
        /// By lowercased name.
        var headers: [String: String]
        var body: [UInt8]
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A connected socket to 127.0.0.1:`port`, reads timing out after 10 s.
    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw Failure(description: "connect: \(errno)")
        }
        return fd
    }

    /// Connects, sends `request` (perhaps only part of one) and reads one answer: its head and
    /// a body of its Content-Length.
    static func exchange(port: Int, _ request: String) throws -> Answer {
        let fd = try connect(port: port)
        defer { close(fd) }
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send: \(errno)") }
            sent += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        while true {
            if let end = received.firstRange(of: separator) {
                let head = String(decoding: received[..<end.lowerBound], as: UTF8.self)
                var lines = head.components(separatedBy: "\r\n")
                let statusLine = lines.removeFirst().split(separator: " ")
                guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure(description: "status line: \(head)") }
                var headers: [String: String] = [:]
                for line in lines {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                let length = Int(headers["content-length"] ?? "0") ?? 0
                if received.count - end.upperBound >= length {
                    return Answer(status: status, headers: headers, body: Array(received[end.upperBound..<(end.upperBound + length)]))
                }
            }
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { throw Failure(description: "the connection ended after \(received.count) bytes: \(String(decoding: received, as: UTF8.self))") }
            received += buffer[..<n]
        }
    }
}
