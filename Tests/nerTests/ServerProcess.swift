import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import XCTest

/// A `ner serve` process on a free loopback port (`--port 0`; the port is read from its
/// "listening" log line), for end-to-end tests with a real HTTP client. It is killed when the
/// test ends if the test has not stopped it.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    private(set) var port = 0
    private let condition = NSCondition()
    private var stderrText = ""
    private var stderrClosed = false

    /// Starts `ner serve` with `arguments` and waits until it is listening and ready.
    init(_ arguments: [String], test: XCTestCase, ready: Bool = true) async throws {
        process.executableURL = nerExecutable
        process.arguments = ["serve", "--port", "0"] + arguments
        let errPipe = Pipe()
        process.standardError = errPipe
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let running = process
        test.addTeardownBlock {
            if running.isRunning {
                kill(running.processIdentifier, SIGKILL)
                running.waitUntilExit()
            }
        }
        let reader = errPipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let data = reader.availableData
                condition.lock()
                if data.isEmpty { stderrClosed = true } else { stderrText += String(decoding: data, as: UTF8.self) }
                condition.broadcast()
                condition.unlock()
                if data.isEmpty { return }
            }
        }
        port = try waitForPort()
        if ready { try await waitUntilReady() }
    }

    /// Everything the server wrote to stderr so far (JSON log lines).
    var stderr: String {
        condition.lock()
        defer { condition.unlock() }
        return stderrText
    }

    /// The log lines parsed as JSON objects.
    var logLines: [[String: Any]] {
        stderr.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    /// The log lines that satisfy `isIncluded`, once there are at least `count` of them (or after
    /// 10 s, to let the caller's assertion say what is missing). The server writes a request's line
    /// before its answer, but this process reads stderr on another thread, so a line can still be
    /// on its way here when the answer has arrived.
    func logLines(atLeast count: Int, where isIncluded: ([String: Any]) -> Bool) -> [[String: Any]] {
        let deadline = Date(timeIntervalSinceNow: 10)
        while true {
            let lines = logLines.filter(isIncluded)
            condition.lock()
            let closed = stderrClosed
            condition.unlock()
            if lines.count >= count || closed || Date() >= deadline { return lines }
            condition.lock()
            _ = condition.wait(until: min(deadline, Date(timeIntervalSinceNow: 0.05)))
            condition.unlock()
        }
    }

    private func waitForPort() throws -> Int {
        let deadline = Date(timeIntervalSinceNow: 60)
        condition.lock()
        defer { condition.unlock() }
        while true {
            for line in stderrText.split(separator: "\n") {
                guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                      object["message"] as? String == "listening", let port = object["port"] as? Int else { continue }
                return port
            }
            if stderrClosed || !condition.wait(until: deadline) {
                throw NSError(domain: "ServerProcess", code: 1,
                              userInfo: [NSLocalizedDescriptionKey: "ner serve did not start listening:\n\(stderrText)"])
            }
        }
    }

    /// Polls `/ready` until it answers 200.
    func waitUntilReady() async throws {
        let deadline = Date(timeIntervalSinceNow: 60)
        while Date() < deadline {
            if let r = try? await get("/ready"), r.status == 200 { return }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        throw NSError(domain: "ServerProcess", code: 2, userInfo: [NSLocalizedDescriptionKey: "ner serve never became ready:\n\(stderr)"])
    }

    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var body: String
        /// The body parsed as a JSON object (empty if it is not one).
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]) ?? [:] }
    }

    func request(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, contentType: String? = "application/json",
                 headers: [(String, String)] = [], timeout: Int64 = 120) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout))
        let data = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: data))
    }

    func get(_ path: String) async throws -> Reply {
        try await request(.GET, path)
    }

    func post(_ path: String = "/v1/tag", json: String) async throws -> Reply {
        try await request(.POST, path, body: Array(json.utf8))
    }

    /// POSTs `{"text": text}` (plus `options`, JSON members) and returns the reply.
    func tag(_ text: String, options: String = "") async throws -> Reply {
        try await post(json: "{\"text\": \(jsonString(text))\(options.isEmpty ? "" : ", " + options)}")
    }

    /// Sends `signal` and waits for the process to exit; returns its exit status.
    func stop(_ signal: Int32 = SIGTERM) -> Int32 {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// `text` as a JSON string literal.
func jsonString(_ text: String) -> String {
    let data = try? JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])
    let array = data.map { String(decoding: $0, as: UTF8.self) } ?? "[\"\"]"
    return String(array.dropFirst().dropLast())
}

/// Whether something accepts TCP connections on 127.0.0.1:`port` (a plain connect, because an
/// HTTP client retries refused connections until its deadline).
func acceptsConnections(port: Int) -> Bool {
    guard let fd = try? connectLoopback(port: port) else { return false }
    close(fd)
    return true
}

/// A TCP socket connected to 127.0.0.1:`port` (from the loopback address `from` if given,
/// such as 127.0.0.2); the caller closes it.
func connectLoopback(port: Int, from: String? = nil) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw NSError(domain: "socket", code: Int(errno)) }
    if let from {
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(from)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let error = NSError(domain: "bind \(from)", code: Int(errno))
            close(fd)
            throw error
        }
    }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard result == 0 else {
        let error = NSError(domain: "connect", code: Int(errno))
        close(fd)
        throw error
    }
    return fd
}

/// One HTTP/1.1 answer read off a raw connection.
struct RawReply {
    var status: Int
    /// Header names lowercased.
    var headers: [String: String]
    var body: String
}

/// Writes `requests` to one new connection in a single write (pipelined) and reads `count`
/// answers, each framed by its Content-Length; then, on the same connection, the same for each
/// of `then`. Fails after 30 s without the answers. With `expectClose`, fails unless the server
/// then closes the connection with nothing more written.
func pipelined(port: Int, _ requests: [String], count: Int, then more: [String] = [], expectClose: Bool = false) throws -> [RawReply] {
    let fd = try connectLoopback(port: port)
    defer { close(fd) }
    var timeout = timeval(tv_sec: 30, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw NSError(domain: "write", code: Int(errno)) }
            sent += n
        }
    }
    try send(requests.joined())
    var received: [UInt8] = []
    var replies: [RawReply] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    var next = more[...]
    while replies.count < count + more.count {
        if replies.count >= count + (more.count - next.count), let request = next.popFirst() {
            try send(request)
        }
        // Parse every complete answer received so far.
        let separator = Array("\r\n\r\n".utf8)
        if let end = received.indices.dropLast(3).first(where: { Array(received[$0..<($0 + 4)]) == separator }) {
            let lines = String(decoding: received[..<end], as: UTF8.self).components(separatedBy: "\r\n")
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let length = Int(headers["content-length"] ?? "0") ?? 0
            if received.count >= end + 4 + length {
                let status = Int(lines[0].split(separator: " ")[1]) ?? 0
                replies.append(RawReply(status: status, headers: headers,
                                        body: String(decoding: received[(end + 4)..<(end + 4 + length)], as: UTF8.self)))
                received.removeFirst(end + 4 + length)
                continue
            }
        }
        let n = read(fd, &buffer, buffer.count)
        guard n > 0 else { throw NSError(domain: "read: \(replies.count) of \(count + more.count) answers; then \(String(decoding: received, as: UTF8.self))", code: Int(errno)) }
        received += buffer[..<n]
    }
    if expectClose {
        let n = read(fd, &buffer, buffer.count)
        guard n == 0, received.isEmpty else {
            throw NSError(domain: "expected the connection closed; read \(n) bytes after \(String(decoding: received, as: UTF8.self))", code: Int(errno))
        }
    }
    return replies
}

/// A raw HTTP/1.1 request.
func rawRequest(_ method: String, _ path: String, body: String = "", contentType: String = "application/json") -> String {
    let bodyBytes = Array(body.utf8)
    var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if method == "POST" { text += "Content-Type: \(contentType)\r\nContent-Length: \(bodyBytes.count)\r\n" }
    return text + "\r\n" + body
}
