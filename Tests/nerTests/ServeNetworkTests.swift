import Foundation
@testable import NERServer
import XCTest

/// `ner serve` against the clients a network brings: slow heads and bodies, many connections
/// from one address, oversized heads and bodies, and API keys. Each test runs the built binary
/// on a free loopback port with short deadlines, and talks to it over raw sockets where an HTTP
/// client would hide what happens (docs/guide/serve-network.md lists the threats and these tests).
final class ServeNetworkTests: XCTestCase {
    private var model: String { ServeCommandTests.defaultModel }

    /// What a raw connection received: the bytes, whether the server closed it, and when the
    /// first byte of the answer and the close came, in seconds after `start`.
    struct Received {
        var text: String
        var closed: Bool
        var answeredAfter: Double? = nil
        var closedAfter: Double? = nil
        var status: Int? { text.hasPrefix("HTTP/1.1 ") ? Int(text.dropFirst(9).prefix(3)) : nil }
        var body: String { text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n") }
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]) ?? [:] }
        func header(_ name: String) -> String? {
            let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
            for line in head.components(separatedBy: "\r\n").dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
    }

    /// Writes `pieces` to `fd` one every `every` seconds (the first at once), reading meanwhile,
    /// until the server closes the connection or `seconds` have passed. Write errors (the server
    /// has closed) end the writing, not the reading. With `closeWhenAnswered`, once everything is
    /// sent and an answer with `Connection: close` has arrived whole, the client ends its side as
    /// an HTTP client does (without, the server's own deadlines close the connection).
    private func exchange(_ fd: Int32, _ pieces: [[UInt8]], every: Double, seconds: Double,
                          closeWhenAnswered: Bool = true) -> Received {
        let start = Date()
        var received: [UInt8] = []
        var answered: Double?
        var next = 0
        var writing = true
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date().timeIntervalSince(start) < seconds {
            let now = Date().timeIntervalSince(start)
            if writing && next < pieces.count && now >= Double(next) * every {
                let piece = pieces[next]
                var sent = 0
                while sent < piece.count {
                    let n = piece[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if n <= 0 { writing = false; break }
                    sent += n
                }
                next += 1
            }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 20) > 0 else { continue }
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 {
                return Received(text: String(decoding: received, as: UTF8.self), closed: true, answeredAfter: answered,
                                closedAfter: Date().timeIntervalSince(start))
            }
            if answered == nil { answered = Date().timeIntervalSince(start) }
            received += buffer[..<n]
            if closeWhenAnswered && (next == pieces.count || !writing) {
                let text = String(decoding: received, as: UTF8.self)
                let last = text.range(of: "HTTP/1.1 ", options: .backwards).map { String(text[$0.lowerBound...]) } ?? text
                let answer = Received(text: last, closed: false)
                if answer.header("Connection") == "close", let length = answer.header("Content-Length").flatMap({ Int($0) }),
                   answer.body.utf8.count >= length {
                    shutdown(fd, Int32(SHUT_WR))
                }
            }
        }
        return Received(text: String(decoding: received, as: UTF8.self), closed: false, answeredAfter: answered, closedAfter: nil)
    }

    private func assertJSONError(_ received: Received, _ status: Int, _ fragment: String,
                                 file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(received.status, status, received.text, file: file, line: line)
        XCTAssertEqual(received.header("Content-Type"), "application/json; charset=utf-8", received.text, file: file, line: line)
        XCTAssertEqual(received.header("Connection"), "close", received.text, file: file, line: line)
        let message = received.json["error"] as? String ?? ""
        XCTAssertTrue(message.contains(fragment), "'\(message)' should contain '\(fragment)'", file: file, line: line)
    }

    // MARK: - Deadlines

    /// A head that trickles in, one header line every 0.3 s (each byte well within any idle
    /// timeout), is answered 408 when --header-timeout is up, and the client reads the end of the
    /// stream right after the answer (the output is closed with it; the client does not close its
    /// side here); a slow body likewise after --body-timeout. A connection's first deadline runs
    /// from its start: a client that waits before it begins to trickle gains nothing, and one that
    /// sends nothing is closed at that deadline without an answer. Each is closed within its
    /// deadline plus 1 s. Other clients are served throughout.
    func testSlowHeadAndSlowBodyAreAnswered408AtTheirDeadline() async throws {
        let server = try await ServerProcess(["--model", model, "--header-timeout", "1", "--body-timeout", "1.5"], test: self)
        let head = ["POST /v1/tag HTTP/1.1\r\nHost: x\r\n"] + (0..<30).map { "X-Slow-\($0): yes\r\n" }
        let fd = try connectLoopback(port: server.port)
        defer { close(fd) }
        let slowHead = exchange(fd, head.map { Array($0.utf8) }, every: 0.3, seconds: 8, closeWhenAnswered: false)
        assertJSONError(slowHead, 408, "the request's head did not arrive within 1.0 s (--header-timeout)")
        XCTAssertGreaterThanOrEqual(slowHead.answeredAfter ?? 0, 0.95)
        XCTAssertLessThan(slowHead.answeredAfter ?? 99, 2.0, "answered at its deadline")
        XCTAssertTrue(slowHead.closed, "closed after the 408")
        XCTAssertLessThan(slowHead.closedAfter ?? 99, 2.0, "closed within its deadline plus 1 s")
        XCTAssertLessThan((slowHead.closedAfter ?? 99) - (slowHead.answeredAfter ?? 0), 0.4,
                          "the end of the stream follows the answer, not a linger")

        // Waiting 0.6 s before the first byte does not move the first request's deadline.
        let lateFD = try connectLoopback(port: server.port)
        defer { close(lateFD) }
        let late = exchange(lateFD, [[], []] + head.map { Array($0.utf8) }, every: 0.3, seconds: 8, closeWhenAnswered: false)
        assertJSONError(late, 408, "(--header-timeout)")
        XCTAssertLessThan(late.answeredAfter ?? 99, 1.5, "answered at 1 s after the connect, not 1 s after the first byte")
        XCTAssertLessThan(late.closedAfter ?? 99, 2.0)

        // Nothing sent at all: closed at the deadline, without an answer.
        let silentFD = try connectLoopback(port: server.port)
        defer { close(silentFD) }
        let silent = exchange(silentFD, [], every: 0, seconds: 8, closeWhenAnswered: false)
        XCTAssertTrue(silent.closed, "a connection that sends nothing is closed")
        XCTAssertEqual(silent.text, "", "and not answered")
        XCTAssertGreaterThanOrEqual(silent.closedAfter ?? 0, 0.95)
        XCTAssertLessThan(silent.closedAfter ?? 99, 2.0)

        let body = String(repeating: "a", count: 40)
        let request = "POST /v1/tag HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: \(body.count)\r\n\r\n"
        let bodyFD = try connectLoopback(port: server.port)
        defer { close(bodyFD) }
        let slowBody = exchange(bodyFD, [Array(request.utf8)] + body.utf8.map { [$0] }, every: 0.2, seconds: 8,
                                closeWhenAnswered: false)
        assertJSONError(slowBody, 408, "the request's body did not arrive within 1.5 s (--body-timeout)")
        XCTAssertGreaterThanOrEqual(slowBody.answeredAfter ?? 0, 1.45)
        XCTAssertLessThan(slowBody.answeredAfter ?? 99, 2.5)
        XCTAssertTrue(slowBody.closed)
        XCTAssertLessThan(slowBody.closedAfter ?? 99, 2.5, "closed within its deadline plus 1 s")

        // A head that arrives whole, a byte short of the deadline's worth of pauses, is served.
        let paced = try connectLoopback(port: server.port)
        defer { close(paced) }
        let get = Array("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        let fine = exchange(paced, [Array(get[..<10]), Array(get[10...])], every: 0.5, seconds: 1.5)
        XCTAssertEqual(fine.status, 200, fine.text)
        XCTAssertFalse(fine.closed, "a keep-alive connection stays open")
        let log = server.logLines(atLeast: 3) { $0["status"] as? Int == 408 }
        XCTAssertEqual(log.count, 3, server.stderr)
        let metrics = try await server.get("/metrics").body
        XCTAssertTrue(metrics.contains("ner_errors_total{kind=\"request_timeout\"} 3"), metrics)
    }

    // MARK: - Connections per client

    /// A connection beyond --max-connections-per-client is answered 429 at once and its output
    /// closed with the answer (the client reads the end of the stream without closing its side);
    /// it holds no slot of its address meanwhile: once an admitted connection closes, the next is
    /// admitted even while refused ones are still open on the client's side.
    func testConnectionsBeyondThePerClientCapAreAnswered429() async throws {
        let server = try await ServerProcess(["--model", model, "--max-connections-per-client", "3"], test: self)
        // The client's pool may hold a connection from waiting for readiness: start afresh.
        try await Task.sleep(nanoseconds: 100_000_000)
        var held: [Int32] = []
        defer { held.forEach { close($0) } }
        var refused: [Int32] = []
        defer { refused.forEach { close($0) } }
        var answer: Received?
        for _ in 0..<6 {
            let fd = try connectLoopback(port: server.port)
            let received = exchange(fd, [], every: 0, seconds: 0.3, closeWhenAnswered: false)
            if received.status == 429 {
                answer = received
                refused.append(fd)
                break
            }
            held.append(fd)
        }
        XCTAssertLessThanOrEqual(held.count, 3, "at most 3 connections from 127.0.0.1")
        let first = try XCTUnwrap(answer, "a connection beyond the cap is answered")
        assertJSONError(first, 429, "this address already has 3 connections open (--max-connections-per-client)")
        XCTAssertEqual(first.header("Retry-After"), "1")
        XCTAssertTrue(first.closed, "the end of the stream follows the 429")
        XCTAssertLessThan(first.closedAfter ?? 99, 0.3)
        // Two more, sending a request: each answered 429, neither served.
        for _ in 0..<2 {
            let fd = try connectLoopback(port: server.port)
            refused.append(fd)
            let more = exchange(fd, [Array("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".utf8)], every: 0, seconds: 2,
                                closeWhenAnswered: false)
            XCTAssertEqual(more.status, 429, more.text)
            XCTAssertTrue(more.closed)
        }
        // Another address is served meanwhile.
        let other = try connectLoopback(port: server.port, from: "127.0.0.2")
        defer { close(other) }
        let fromOther = exchange(other, [Array("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".utf8)], every: 0, seconds: 1)
        XCTAssertEqual(fromOther.status, 200, fromOther.text)
        // Once an admitted connection closes, the address may open another: the three refused
        // ones, still open here, take no slot.
        close(held.removeLast())
        try await Task.sleep(nanoseconds: 100_000_000)
        let again = try connectLoopback(port: server.port)
        defer { close(again) }
        let served = exchange(again, [Array("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".utf8)], every: 0, seconds: 1)
        XCTAssertEqual(served.status, 200, served.text)
        // (127.0.0.1 is at its cap again: the metrics are read from the other address.)
        let metricsFD = try connectLoopback(port: server.port, from: "127.0.0.2")
        defer { close(metricsFD) }
        let metrics = exchange(metricsFD, [Array("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".utf8)], every: 0, seconds: 1)
        XCTAssertTrue(metrics.body.contains("ner_errors_total{kind=\"too_many_connections\"} 3"), metrics.text)
    }

    // MARK: - Oversized heads and bodies

    func testOversizedHeadIsAnswered431() async throws {
        let server = try await ServerProcess(["--model", model, "--max-header-bytes", "1024", "--max-headers", "10"], test: self)
        let long = "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 2000))\r\n\r\n"
        let many = "GET /health HTTP/1.1\r\nHost: x\r\n" + (0..<12).map { "X-\($0): y\r\n" }.joined() + "\r\n"
        let fit = "GET /health HTTP/1.1\r\nHost: x\r\nX-Fits: \(String(repeating: "c", count: 600))\r\n\r\n"
        for (request, status) in [(long, 431), (many, 431), (fit, 200)] {
            let fd = try connectLoopback(port: server.port)
            defer { close(fd) }
            let received = exchange(fd, [Array(request.utf8)], every: 0, seconds: status == 200 ? 1 : 8)
            if status == 431 {
                assertJSONError(received, 431, "larger than 1024 bytes or has more than 10 header fields")
                XCTAssertTrue(received.closed)
            } else {
                XCTAssertEqual(received.status, 200, received.text)
            }
        }
        // Pipelined behind a request that is answered, the 431 comes after its answer.
        let fd = try connectLoopback(port: server.port)
        defer { close(fd) }
        let both = exchange(fd, [Array((fit + long).utf8)], every: 0, seconds: 8)
        XCTAssertTrue(both.text.hasPrefix("HTTP/1.1 200"), both.text)
        XCTAssertTrue(both.text.contains("HTTP/1.1 431"), both.text)
        XCTAssertTrue(both.closed)
    }

    /// A body over --max-body-bytes is answered 413 whatever the client: one that sends the whole
    /// body before it reads (a raw socket as wrk does, Python's urllib and requests) and curl with
    /// and without `Expect: 100-continue`. The answer comes before the body is read and the
    /// connection lingers while the rest arrives, so no client is reset while sending.
    func testOversizedBodyIs413ForEveryClient() async throws {
        let server = try await ServerProcess(["--model", model, "--max-body-bytes", "1000"], test: self)
        let size = 8 << 20
        let big = "POST /v1/tag HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: \(size)\r\n\r\n"
        let fd = try connectLoopback(port: server.port)
        defer { close(fd) }
        let pieces = [Array(big.utf8)] + Array(repeating: [UInt8](repeating: 0x61, count: 1 << 20), count: 8)
        let raw = exchange(fd, pieces, every: 0.01, seconds: 10)
        assertJSONError(raw, 413, "larger than the limit of 1000 bytes")
        XCTAssertTrue(raw.closed)

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ner-413-\(UUID().uuidString)")
        try Data(repeating: 0x61, count: size).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let url = "http://127.0.0.1:\(server.port)/v1/tag"
        for expect in ["Expect: 100-continue", "Expect:"] {
            let curl = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["curl", "-s", "-m", "20", "-H", "Content-Type: text/plain", "-H", expect,
                                                       "--data-binary", "@" + file.path, "-w", "\n%{http_code}", url])
            XCTAssertTrue(curl.stdout.hasSuffix("\n413"), "curl with '\(expect)': \(curl.stdout) \(curl.stderr)")
            XCTAssertTrue(curl.stdout.contains("larger than the limit of 1000 bytes"), curl.stdout)
        }
        let python = """
        import sys, urllib.request, urllib.error
        data = b"a" * \(size)
        try:
            urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=data, headers={"Content-Type": "text/plain"}), timeout=20)
            print("urllib no error")
        except urllib.error.HTTPError as e:
            print("urllib", e.code, e.read().decode())
        try:
            import requests
        except ImportError:
            print("requests is not installed")
            sys.exit(0)
        r = requests.post(sys.argv[1], data=data, headers={"Content-Type": "text/plain"}, timeout=20)
        print("requests", r.status_code, r.text)
        """
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", python, url])
        XCTAssertTrue(result.stdout.contains("urllib 413 {\"error\": \"the request body is larger"), result.stdout + result.stderr)
        // Python's requests is checked where it is installed (it is on the project's machines).
        if !result.stdout.contains("requests is not installed") {
            XCTAssertTrue(result.stdout.contains("requests 413"), result.stdout + result.stderr)
        }
        let after = try await server.tag("Paris")
        XCTAssertEqual(after.status, 200)
    }

    /// A body too large pipelined behind an ordinary request: the ordinary one is answered first.
    func testOversizedBodyPipelinedBehindARequestIsAnsweredAfterIt() async throws {
        let server = try await ServerProcess(["--model", model, "--max-body-bytes", "1000"], test: self)
        let fine = rawRequest("POST", "/v1/tag", body: "{\"text\": \"Angela Merkel visited Paris.\"}")
        let big = "POST /v1/tag HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5000\r\n\r\n"
        let fd = try connectLoopback(port: server.port)
        defer { close(fd) }
        let received = exchange(fd, [Array((fine + big).utf8)], every: 0, seconds: 10)
        XCTAssertTrue(received.text.hasPrefix("HTTP/1.1 200"), received.text)
        XCTAssertTrue(received.text.contains("Angela Merkel"), received.text)
        let second = try XCTUnwrap(received.text.range(of: "HTTP/1.1 413"), received.text)
        XCTAssertTrue(received.text[second.upperBound...].contains("larger than the limit"), received.text)
        XCTAssertTrue(received.closed)
    }

    /// A body without a length (`Transfer-Encoding: chunked`) that grows over --max-body-bytes
    /// is answered 413 once it crosses the limit, with `Connection: close`, and the connection
    /// lingers while the rest arrives: received by a raw client that reads as it sends, one that
    /// sends everything before it reads, curl (with and without `Expect: 100-continue`), and
    /// Python's urllib and requests, which send chunks before they read. One within the limit is
    /// tagged; one to a path answered before its body is read gets that answer, then the close.
    func testChunkedBodyOverTheLimitIs413ForEveryClient() async throws {
        let server = try await ServerProcess(["--model", model, "--max-body-bytes", "1000"], test: self)
        func head(_ path: String = "/v1/tag", close: Bool = false) -> [UInt8] {
            Array(("POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
                   + (close ? "Connection: close\r\n" : "") + "\r\n").utf8)
        }
        func chunk(_ bytes: [UInt8]) -> [UInt8] { Array((String(bytes.count, radix: 16) + "\r\n").utf8) + bytes + Array("\r\n".utf8) }
        let last = Array("0\r\n\r\n".utf8)
        let piece = chunk([UInt8](repeating: 0x61, count: 64 << 10))

        // Within the limit, in two chunks: tagged.
        let smallFD = try connectLoopback(port: server.port)
        defer { close(smallFD) }
        let small = exchange(smallFD, [head(close: true) + chunk(Array("Angela Merkel ".utf8)) + chunk(Array("visited Paris.".utf8)) + last],
                             every: 0, seconds: 10)
        XCTAssertEqual(small.status, 200, small.text)
        XCTAssertTrue(small.body.contains("Angela Merkel"), small.text)

        // Over it, reading while sending: 8 pieces of 64 KiB.
        let rawFD = try connectLoopback(port: server.port)
        defer { close(rawFD) }
        let raw = exchange(rawFD, [head()] + Array(repeating: piece, count: 8) + [last], every: 0.01, seconds: 10)
        assertJSONError(raw, 413, "larger than the limit of 1000 bytes (--max-body-bytes)")
        XCTAssertTrue(raw.closed)

        // Over it, all 8 MiB sent in one blocking write before anything is read.
        let allFD = try connectLoopback(port: server.port)
        defer { close(allFD) }
        let all = exchange(allFD, [head() + Array(repeating: piece, count: 128).flatMap { $0 } + last], every: 0, seconds: 10)
        assertJSONError(all, 413, "larger than the limit of 1000 bytes")
        XCTAssertTrue(all.closed)

        // To a path that is answered before its body is read: that answer, then the close.
        let elsewhereFD = try connectLoopback(port: server.port)
        defer { close(elsewhereFD) }
        let elsewhere = exchange(elsewhereFD, [head("/nowhere")] + Array(repeating: piece, count: 8) + [last], every: 0.01, seconds: 10,
                                 closeWhenAnswered: false)
        XCTAssertEqual(elsewhere.status, 404, elsewhere.text)
        XCTAssertTrue(elsewhere.closed, "closed once the body passes the limit")

        let file = try temporaryDirectory(self).appendingPathComponent("big")
        try Data(repeating: 0x61, count: 8 << 20).write(to: file)
        let url = "http://127.0.0.1:\(server.port)/v1/tag"
        for expect in ["Expect: 100-continue", "Expect:"] {
            let curl = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), [
                "curl", "-s", "-m", "20", "-H", "Content-Type: text/plain", "-H", "Transfer-Encoding: chunked", "-H", expect,
                "--data-binary", "@" + file.path, "-w", "\n%{http_code}", url])
            XCTAssertTrue(curl.stdout.hasSuffix("\n413"), "curl with '\(expect)': \(curl.stdout) \(curl.stderr)")
            XCTAssertTrue(curl.stdout.contains("larger than the limit of 1000 bytes"), curl.stdout)
        }
        let python = """
        import sys, urllib.request, urllib.error
        def chunks():
            for _ in range(128):
                yield b"a" * 65536
        request = urllib.request.Request(sys.argv[1], data=chunks(), headers={"Content-Type": "text/plain"})
        try:
            urllib.request.urlopen(request, timeout=20)
            print("urllib no error")
        except urllib.error.HTTPError as e:
            print("urllib", e.code, request.get_header("Transfer-encoding"), e.read().decode())
        try:
            import requests
        except ImportError:
            print("requests is not installed")
            sys.exit(0)
        r = requests.post(sys.argv[1], data=chunks(), headers={"Content-Type": "text/plain"}, timeout=20)
        print("requests", r.status_code, r.request.headers.get("Transfer-Encoding"), r.text)
        """
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", python, url])
        XCTAssertTrue(result.stdout.contains("urllib 413 chunked {\"error\": \"the request body is larger"), result.stdout + result.stderr)
        if !result.stdout.contains("requests is not installed") {
            XCTAssertTrue(result.stdout.contains("requests 413 chunked {\"error\": \"the request body is larger"),
                          result.stdout + result.stderr)
        }
        let refusals = server.logLines(atLeast: 5) { $0["status"] as? Int == 413 }
        XCTAssertGreaterThanOrEqual(refusals.count, 5, server.stderr)
        XCTAssertTrue(refusals.allSatisfy { $0["path"] as? String == "/v1/tag" }, server.stderr)
        let after = try await server.tag("Paris")
        XCTAssertEqual(after.status, 200)
    }

    // MARK: - API keys

    private let keyA = "kA-3f9c2b7e8d1a4c6f"
    private let keyB = "kB-0a1b2c3d4e5f6789"
    private let keyC = "kC-new-key-after-hup"

    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    func testSHA256MatchesThePublishedExamples() {
        // FIPS 180-2, appendix B, and the empty message.
        XCTAssertEqual(hex(SHA256.hash(Array("abc".utf8))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(hex(SHA256.hash([])), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(hex(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(hex(SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000))),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testBearerTokenParsing() {
        XCTAssertEqual(APIKeys.bearerToken("Bearer abc"), "abc")
        XCTAssertEqual(APIKeys.bearerToken("bearer   abc  "), "abc")
        XCTAssertNil(APIKeys.bearerToken("Basic abc"))
        XCTAssertNil(APIKeys.bearerToken("Bearer "))
        XCTAssertNil(APIKeys.bearerToken("Bearerabc"))
    }

    func testAPIKeysAreRequiredComparedByHashAndReloadedOnSIGHUP() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ner-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = directory.appendingPathComponent("keys")
        try "# keys of the tagging service\n\(keyA)\n\n  sha256:\(hex(SHA256.hash(Array(keyB.utf8))).uppercased())  \n"
            .write(to: keys, atomically: true, encoding: .utf8)
        let server = try await ServerProcess(["--model", model, "--api-keys", keys.path], test: self)
        func tag(_ authorization: String?, path: String = "/v1/tag") async throws -> ServerProcess.Reply {
            try await server.request(.POST, path, body: Array("{\"text\": \"Angela Merkel visited Paris.\"}".utf8),
                                     headers: authorization.map { [("Authorization", $0)] } ?? [])
        }
        func get(_ path: String, _ authorization: String? = nil) async throws -> ServerProcess.Reply {
            try await server.request(.GET, path, headers: authorization.map { [("Authorization", $0)] } ?? [])
        }
        // Without a key, with a wrong one, with another scheme: 401, JSON, WWW-Authenticate.
        let wrong: [String?] = [nil, "Bearer wrong-key-0123456789", "Basic \(keyA)", "Bearer \(keyA)x", "Bearer " + String(keyA.dropLast())]
        for authorization in wrong {
            let reply = try await tag(authorization)
            XCTAssertEqual(reply.status, 401, "\(String(describing: authorization)): \(reply.body)")
            XCTAssertEqual(reply.headers.first(name: "WWW-Authenticate"), "Bearer")
            XCTAssertEqual(reply.headers.first(name: "Content-Type"), "application/json; charset=utf-8")
            XCTAssertNotNil(reply.json["error"] as? String, reply.body)
        }
        for path in ["/v1/model", "/metrics", "/nowhere", "/v1/tag?tokens=true"] {
            let reply = path.hasPrefix("/v1/tag") ? try await tag(nil, path: path) : try await get(path)
            XCTAssertEqual(reply.status, 401, path)
        }
        // The key itself and the hashed one, on the event loop's path and Hummingbird's.
        for key in [keyA, keyB] {
            let fast = try await tag("Bearer \(key)")
            XCTAssertEqual(fast.status, 200, fast.body)
            XCTAssertTrue(fast.body.contains("Angela Merkel"))
            let slow = try await tag("Bearer \(key)", path: "/v1/tag?tokens=true")
            XCTAssertEqual(slow.status, 200, slow.body)
            let status1 = try await get("/v1/model", "Bearer \(key)").status
            XCTAssertEqual(status1, 200)
            let status2 = try await get("/metrics", "bearer \(key)").status
            XCTAssertEqual(status2, 200)
        }
        let status3 = try await get("/health").status
        XCTAssertEqual(status3, 200)
        let status4 = try await get("/ready").status
        XCTAssertEqual(status4, 200)

        // SIGHUP reads the file again: key C replaces A and B.
        try "\(keyC)\n".write(to: keys, atomically: true, encoding: .utf8)
        kill(server.process.processIdentifier, SIGHUP)
        XCTAssertEqual(server.logLines(atLeast: 1) { $0["message"] as? String == "reloaded API keys" }.first?["keys"] as? Int, 1,
                       server.stderr)
        let status5 = try await tag("Bearer \(keyA)").status
        XCTAssertEqual(status5, 401)
        let status6 = try await tag("Bearer \(keyC)").status
        XCTAssertEqual(status6, 200)
        // A bad file on SIGHUP keeps the keys in use, and says which line is wrong.
        try "\(keyA)\nsha256:12\n".write(to: keys, atomically: true, encoding: .utf8)
        kill(server.process.processIdentifier, SIGHUP)
        let failed = server.logLines(atLeast: 1) { ($0["message"] as? String ?? "").hasPrefix("API keys not reloaded") }
        XCTAssertTrue((failed.first?["error"] as? String ?? "").contains("\(keys.path):2:"), server.stderr)
        let status7 = try await tag("Bearer \(keyC)").status
        XCTAssertEqual(status7, 200)
        let status8 = try await tag("Bearer \(keyA)").status
        XCTAssertEqual(status8, 401)
        XCTAssertTrue(server.process.isRunning, "SIGHUP does not end the server")

        // No key, whole or in part, ever reaches the log.
        let log = server.stderr
        for key in [keyA, keyB, keyC] {
            XCTAssertFalse(log.contains(key.dropFirst(3)), "the log shows a key:\n\(log)")
        }
        XCTAssertTrue(server.logLines.contains { $0["status"] as? Int == 401 }, log)
    }

    func testMetricsPublicAndBadKeyFiles() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ner-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = directory.appendingPathComponent("keys")
        try "\(keyA)\n".write(to: keys, atomically: true, encoding: .utf8)
        let server = try await ServerProcess(["--model", model, "--api-keys", keys.path, "--metrics-public"], test: self)
        let status9 = try await server.get("/metrics").status
        XCTAssertEqual(status9, 200)
        let status10 = try await server.get("/v1/model").status
        XCTAssertEqual(status10, 401)

        for (content, message) in [("", "no API keys in the file"), ("# only a comment\n", "no API keys in the file"),
                                   ("short\n", ":1: error: a key must be at least 16 characters long"),
                                   ("\(keyA)\nhas a space inside it\n", ":2: error: a key is printable ASCII without spaces"),
                                   ("sha256:xyz\n", ":1: error: a hashed key is 'sha256:' and 64 hex digits")] {
            try content.write(to: keys, atomically: true, encoding: .utf8)
            let result = try runNER(["serve", "--port", "0", "--model", model, "--api-keys", keys.path])
            XCTAssertEqual(result.status, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains(keys.path), result.stderr)
            XCTAssertTrue(result.stderr.contains(message), "\(message) in \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("inside"), "the line is not shown")
        }
        let missing = try runNER(["serve", "--port", "0", "--model", model, "--api-keys", directory.appendingPathComponent("none").path])
        XCTAssertEqual(missing.status, 1, missing.stderr)
    }

    // MARK: - TLS

    /// A self-signed certificate for 127.0.0.1 (ECDSA P-256, subject `CN=ner-test-NAME`), made now
    /// by openssl, with a new key or with the key file `key`.
    private func makeCertificate(_ directory: URL, _ name: String, key existing: String? = nil) throws -> (certificate: String, key: String) {
        let certificate = directory.appendingPathComponent("\(name).crt").path
        let key = existing ?? directory.appendingPathComponent("\(name).key").path
        let keyArguments = existing.map { ["-key", $0] }
            ?? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key]
        let made = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["openssl", "req", "-x509"] + keyArguments + [
            "-days", "1", "-subj", "/CN=ner-test-\(name)", "-addext", "subjectAltName=IP:127.0.0.1", "-out", certificate])
        XCTAssertEqual(made.status, 0, made.stderr)
        return (certificate, key)
    }

    private func curl(_ arguments: [String]) throws -> ProcessResult {
        try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["curl", "-s", "-m", "20"] + arguments)
    }

    func testTLSServesHTTPSRefusesPlainHTTPAndReloadsItsCertificate() async throws {
        let directory = try temporaryDirectory(self)
        let first = try makeCertificate(directory, "first")
        let live = (certificate: directory.appendingPathComponent("live.crt").path, key: directory.appendingPathComponent("live.key").path)
        try FileManager.default.copyItem(atPath: first.certificate, toPath: live.certificate)
        try FileManager.default.copyItem(atPath: first.key, toPath: live.key)
        let keys = directory.appendingPathComponent("keys")
        try "\(keyA)\n".write(to: keys, atomically: true, encoding: .utf8)
        let server = try await ServerProcess(["--model", model, "--tls-cert", live.certificate, "--tls-key", live.key,
                                              "--api-keys", keys.path, "--header-timeout", "2"], test: self, ready: false)
        let base = "https://127.0.0.1:\(server.port)"
        XCTAssertTrue(server.logLines.contains { $0["url"] as? String == base }, server.stderr)
        var ready = ProcessResult(status: -1, stdout: "", stderr: "")
        for _ in 0..<600 where !ready.stdout.contains("ready") {
            ready = try curl(["--cacert", first.certificate, base + "/ready"])
            if !ready.stdout.contains("ready") { try await Task.sleep(nanoseconds: 100_000_000) }
        }
        XCTAssertEqual(ready.stdout, "{\"status\": \"ready\"}\n", ready.stderr)
        let tagged = try curl(["--cacert", first.certificate, "-H", "Authorization: Bearer \(keyA)", "-w", "\n%{http_code} %{http_version}",
                               "-d", "{\"text\": \"Angela Merkel visited Paris.\"}", base + "/v1/tag"])
        XCTAssertTrue(tagged.stdout.hasSuffix("\n200 1.1"), tagged.stdout + tagged.stderr)
        XCTAssertTrue(tagged.stdout.contains("Angela Merkel"), tagged.stdout)
        let noKey = try curl(["--cacert", first.certificate, "-w", "\n%{http_code}", "-d", "{\"text\": \"Paris\"}", base + "/v1/tag"])
        XCTAssertTrue(noKey.stdout.hasSuffix("\n401"), noKey.stdout)
        // TLS 1.1 and older are refused (curl's exit 35: the handshake failed).
        let old = try curl(["--cacert", first.certificate, "--tlsv1.1", "--tls-max", "1.1", base + "/health"])
        XCTAssertEqual(old.status, 35, old.stderr)

        // Plain HTTP to the TLS port: a 400 in plain HTTP saying so, then the close.
        let fd = try connectLoopback(port: server.port)
        defer { close(fd) }
        let plain = exchange(fd, [Array("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".utf8)], every: 0, seconds: 5)
        assertJSONError(plain, 400, "this port speaks TLS: use https://")
        XCTAssertTrue(plain.closed)
        // Bytes that start like TLS but are not: the handshake fails, the connection is closed.
        let junkFD = try connectLoopback(port: server.port)
        defer { close(junkFD) }
        let junk = exchange(junkFD, [[0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5] + Array(repeating: 0xAB, count: 100)], every: 0, seconds: 5)
        XCTAssertTrue(junk.closed)
        // A client that sends nothing, or the start of a handshake and no more, is closed at
        // --header-timeout (2 s here), which bounds the handshake too.
        for start in [[], [0x16, 0x03, 0x01, 0x00, 0xC8, 0x01]] as [[UInt8]] {
            let stalled = try connectLoopback(port: server.port)
            defer { close(stalled) }
            let received = exchange(stalled, [start], every: 0, seconds: 8, closeWhenAnswered: false)
            XCTAssertTrue(received.closed, "\(start)")
            XCTAssertEqual(received.text, "", "\(start)")
            XCTAssertGreaterThanOrEqual(received.closedAfter ?? 0, 1.9, "\(start)")
            XCTAssertLessThan(received.closedAfter ?? 99, 3.0, "closed within --header-timeout plus 1 s: \(start)")
        }

        // SIGHUP: connections made after it get the new certificate.
        let second = try makeCertificate(directory, "second")
        try FileManager.default.removeItem(atPath: live.certificate)
        try FileManager.default.removeItem(atPath: live.key)
        try FileManager.default.copyItem(atPath: second.certificate, toPath: live.certificate)
        try FileManager.default.copyItem(atPath: second.key, toPath: live.key)
        kill(server.process.processIdentifier, SIGHUP)
        XCTAssertEqual(server.logLines(atLeast: 1) { $0["message"] as? String == "reloaded TLS certificate" }.count, 1, server.stderr)
        let withSecond = try curl(["--cacert", second.certificate, base + "/health"])
        XCTAssertEqual(withSecond.stdout, "{\"status\": \"ok\"}\n", withSecond.stderr)
        let withFirst = try curl(["--cacert", first.certificate, base + "/health"])
        XCTAssertEqual(withFirst.status, 60, "the old certificate is no longer served: \(withFirst.stderr)")
        XCTAssertTrue(server.process.isRunning)
    }

    /// SIGHUP under load: while clients keep tagging over HTTPS, each request on a connection of
    /// its own (a TLS handshake each), the key file, the certificate and the patterns file are
    /// replaced (each by a rename, as a deployment does) and SIGHUP sent, 11 times. Every
    /// request is answered 200 with the rules' entity, the server keeps running, and what was
    /// loaded last is what is served: the last keys, the last certificate, the last rules.
    func testSIGHUPUnderLoadReloadsKeysCertificateAndPatternsLosingNoRequest() async throws {
        let directory = try temporaryDirectory(self)
        // Two certificates of one key: replacing the certificate file alone keeps a usable pair.
        let first = try makeCertificate(directory, "first")
        let second = try makeCertificate(directory, "second", key: first.key)
        let bundle = directory.appendingPathComponent("both.crt")
        try (try Data(contentsOf: URL(fileURLWithPath: first.certificate)) + (try Data(contentsOf: URL(fileURLWithPath: second.certificate))))
            .write(to: bundle)
        let certificate = directory.appendingPathComponent("live.crt")
        let keys = directory.appendingPathComponent("keys")
        let patterns = directory.appendingPathComponent("rules.tsv")
        let certificates = [first.certificate, second.certificate].map { try? Data(contentsOf: URL(fileURLWithPath: $0)) }
        // Round i: certificate i % 2, keys A and B (even) or A and C (odd), one rule or two.
        func install(_ round: Int) throws {
            try XCTUnwrap(certificates[round % 2]).write(to: certificate, options: .atomic)
            try Data("\(keyA)\n\(round % 2 == 0 ? keyB : keyC)\n".utf8).write(to: keys, options: .atomic)
            try Data(("PRODUCT\tTeddy bears\n" + (round % 2 == 0 ? "" : "PRODUCT\tLego bricks\n")).utf8).write(to: patterns, options: .atomic)
        }
        try install(0)
        let server = try await ServerProcess(["--model", model, "--tls-cert", certificate.path, "--tls-key", first.key,
                                              "--api-keys", keys.path, "--patterns", patterns.path, "--patterns-mode", "override"],
                                             test: self, ready: false)
        let base = "https://127.0.0.1:\(server.port)"
        var ready = ProcessResult(status: -1, stdout: "", stderr: "")
        for _ in 0..<600 where !ready.stdout.contains("ready") {
            ready = try curl(["--cacert", bundle.path, base + "/ready"])
            if !ready.stdout.contains("ready") { try await Task.sleep(nanoseconds: 100_000_000) }
        }
        XCTAssertEqual(ready.stdout, "{\"status\": \"ready\"}\n", ready.stderr)

        // 6 clients, each a curl process a request (a connection and a handshake each), until
        // told to stop (or 300 requests each); every answer's status and entities on a line.
        let stop = directory.appendingPathComponent("stop")
        let script = """
        for client in 1 2 3 4 5 6; do
          (n=0; while [ ! -e '\(stop.path)' ] && [ $n -lt 300 ]; do
             n=$((n + 1))
             answer=$(curl -s -m 20 --cacert '\(bundle.path)' -H 'Authorization: Bearer \(keyA)' -H 'Content-Type: text/plain' \\
               -d 'Teddy bears and Lego bricks are on sale.' -w ' %{http_code}' '\(base)/v1/tag') || answer="curl failed: $?"
             echo "${answer//$'\\n'/}"
           done) > '\(directory.path)'/out.$client &
        done
        wait
        cat '\(directory.path)'/out.*
        """
        async let loadResult: ProcessResult? = withCheckedContinuation { done in
            DispatchQueue.global().async {
                done.resume(returning: try? runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["bash", "-c", script]))
            }
        }
        // Wait for the first answers, then reload 11 times, 100 ms apart.
        _ = server.logLines(atLeast: 6) { $0["status"] as? Int == 200 && $0["path"] as? String == "/v1/tag" }
        let pid = server.process.processIdentifier
        for round in 1...11 {
            try install(round)
            kill(pid, SIGHUP)
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        // Requests answered after the last reload, then stop the clients.
        let served = server.logLines.filter { $0["path"] as? String == "/v1/tag" }.count
        _ = server.logLines(atLeast: served + 6) { $0["path"] as? String == "/v1/tag" }
        FileManager.default.createFile(atPath: stop.path, contents: nil)

        let loaded = await loadResult
        let output = try XCTUnwrap(loaded).stdout
        let answers = output.split(separator: "\n")
        XCTAssertGreaterThan(answers.count, 24, output)
        for answer in answers {
            XCTAssertTrue(answer.hasSuffix("} 200"), "every request answered 200: \(answer)")
            XCTAssertTrue(answer.contains("\"label\": \"PRODUCT\", \"text\": \"Teddy bears\""), String(answer))
        }
        // The reloads came while requests were being answered: some were logged between them.
        let lines = server.logLines
        let reloadIndices = lines.indices.filter { ["reloaded API keys", "reloaded TLS certificate", "patterns reloaded"].contains(lines[$0]["message"] as? String) }
        let requestIndices = lines.indices.filter { lines[$0]["path"] as? String == "/v1/tag" }
        let between = requestIndices.filter { $0 > (reloadIndices.first ?? .max) && $0 < (reloadIndices.last ?? .min) }
        XCTAssertGreaterThan(between.count, 0, "requests were answered while the files were reloaded:\n\(server.stderr)")
        for message in ["reloaded API keys", "reloaded TLS certificate", "patterns reloaded"] {
            // Signals that come together may be delivered as one.
            XCTAssertTrue((1...11).contains(lines.filter { $0["message"] as? String == message }.count), "\(message):\n\(server.stderr)")
        }
        XCTAssertFalse(lines.contains { ($0["level"] as? String) == "error" }, server.stderr)
        XCTAssertEqual(requestIndices.filter { lines[$0]["status"] as? Int != 200 }.count, 0, server.stderr)

        // Round 11 is in effect: the second certificate, keys A and C, two rules.
        let withFirst = try curl(["--cacert", first.certificate, base + "/health"])
        XCTAssertEqual(withFirst.status, 60, "the first certificate is no longer served: \(withFirst.stderr)")
        let tagged = try curl(["--cacert", second.certificate, "-H", "Authorization: Bearer \(keyC)", "-H", "Content-Type: text/plain",
                               "-d", "Teddy bears and Lego bricks are on sale.", base + "/v1/tag"])
        XCTAssertTrue(tagged.stdout.contains("\"text\": \"Lego bricks\""), tagged.stdout + tagged.stderr)
        let withB = try curl(["--cacert", second.certificate, "-H", "Authorization: Bearer \(keyB)", "-w", "\n%{http_code}",
                              "-d", "{\"text\": \"Paris\"}", base + "/v1/tag"])
        XCTAssertTrue(withB.stdout.hasSuffix("\n401"), withB.stdout)
        XCTAssertTrue(server.process.isRunning)
        XCTAssertFalse(server.stderr.contains(String(keyA.dropFirst(3))), "no key in the log")
    }

    /// TLS to a plain port: the HTTP decoder finds no request in a ClientHello; the server
    /// answers 400 and closes, and goes on serving.
    func testTLSToThePlainPortIsRefusedHarmlessly() async throws {
        let server = try await ServerProcess(["--model", model], test: self)
        let https = try curl(["-k", "https://127.0.0.1:\(server.port)/health"])
        XCTAssertNotEqual(https.status, 0)
        // The start of a ClientHello, as bytes: a JSON 400 in plain HTTP, then the close.
        let fd = try connectLoopback(port: server.port)
        defer { close(fd) }
        let hello: [UInt8] = [0x16, 0x03, 0x01, 0x00, 0xC8, 0x01, 0x00, 0x00, 0xC4, 0x03, 0x03] + Array(repeating: 0x2A, count: 64)
        let answer = exchange(fd, [hello], every: 0, seconds: 5)
        assertJSONError(answer, 400, "the request is not valid HTTP/1.1")
        XCTAssertTrue(answer.closed)
        let status11 = try await server.get("/health").status
        XCTAssertEqual(status11, 200)
        XCTAssertTrue(server.process.isRunning)
    }

    func testBadTLSFilesAreReported() throws {
        let directory = try temporaryDirectory(self)
        let pair = try makeCertificate(directory, "pair")
        let other = try makeCertificate(directory, "other")
        let missing = try runNER(["serve", "--port", "0", "--model", model, "--tls-cert", directory.path + "/none.crt", "--tls-key", pair.key])
        XCTAssertEqual(missing.status, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("none.crt: error: cannot read the TLS certificate"), missing.stderr)
        let notAKey = try runNER(["serve", "--port", "0", "--model", model, "--tls-cert", pair.certificate, "--tls-key", pair.certificate])
        XCTAssertEqual(notAKey.status, 1, notAKey.stderr)
        XCTAssertTrue(notAKey.stderr.contains("pair.crt: error: cannot read the TLS private key"), notAKey.stderr)
        let mismatched = try runNER(["serve", "--port", "0", "--model", model, "--tls-cert", pair.certificate, "--tls-key", other.key])
        XCTAssertEqual(mismatched.status, 1, mismatched.stderr)
        XCTAssertTrue(mismatched.stderr.contains("do not make a usable pair"), mismatched.stderr)
        let alone = try runNER(["serve", "--tls-cert", pair.certificate])
        XCTAssertEqual(alone.status, 64, alone.stderr)
        XCTAssertTrue(alone.stderr.contains("--tls-cert needs --tls-key: the certificate and its key go together"), alone.stderr)
    }

    func testBadLimitOptionsAreRefused() throws {
        // The library's messages (ServeConfiguration.validate) with its settings named by their flags.
        for (arguments, message) in [(["--header-timeout", "0"], "--header-timeout must be more than 0 and at most 3600 seconds (got 0.0 s)"),
                                      (["--body-timeout", "4000"], "--body-timeout must be more than 0 and at most 3600 seconds (got 4000.0 s)"),
                                      (["--timeout", "inf"], "--timeout must be more than 0 and at most 86400 seconds (got inf s)"),
                                      (["--idle-timeout", "nan"], "--idle-timeout must be more than 0 and at most 86400 seconds"),
                                      (["--batch-wait-ms", "2000"], "--batch-wait-ms must be between 0 and 1 second (got 2.0 s)"),
                                      (["--max-connections-per-client", "0"], "--max-connections-per-client must be positive (got 0)"),
                                      (["--max-connections=-1"], "--max-connections must be positive (got -1)"),
                                      (["--max-header-bytes", "100"], "--max-header-bytes must be at least 256 (got 100)"),
                                      (["--max-headers", "0"], "--max-headers must be positive (got 0)"),
                                      (["--max-body-bytes", "0"], "--max-body-bytes must be positive (got 0)"),
                                      (["--batch-tokens", "0"], "--batch-tokens must be positive (got 0)"),
                                      (["--api-keys", ""], "--api-keys must name a file (it is empty)"),
                                      (["--tls-key", "tls.key"], "--tls-key needs --tls-cert")] {
            let result = try runNER(["serve"] + arguments)
            XCTAssertEqual(result.status, 64, result.stderr)
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}
