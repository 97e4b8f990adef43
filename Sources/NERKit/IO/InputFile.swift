import CZlib
import Foundation

/// The one way NERKit opens an input: a file by its path, or standard input; plain text or
/// gzip-compressed, recognised by its first two bytes (1F 8B) so that compressed pipes work too.
/// Bytes are read with read(2), so from a pipe or a terminal they come as soon as they arrive
/// rather than when a block of input has filled up. `LineReader` cuts them into lines,
/// `ParagraphReader` into paragraphs.
package final class InputFile {
    /// The name for messages: the path, or the name given to standard input.
    package let name: String
    private let fd: Int32
    private let ownsDescriptor: Bool
    /// Bytes read before the format was known (the magic number check).
    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var format: Format = .unknown
    private var inflater: Inflater?

    private enum Format { case unknown, plain, gzip }

    /// Opens `path`, or standard input when it is nil (named `stdinName` in messages).
    package convenience init(path: String?, stdinName: String = "<stdin>") throws {
        if let path {
            self.init(descriptor: try Self.open(path), name: path, owned: true)
        } else {
            self.init(descriptor: STDIN_FILENO, name: stdinName, owned: false)
        }
    }

    /// Reads an open descriptor, which stays open (for callers that own it).
    package convenience init(fileDescriptor: Int32, name: String) {
        self.init(descriptor: fileDescriptor, name: name, owned: false)
    }

    private init(descriptor: Int32, name: String, owned: Bool) {
        fd = descriptor
        self.name = name
        ownsDescriptor = owned
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// Opens `path` for reading, with the one set of messages for an input that cannot be
    /// opened: no such file, a directory, or the system's reason.
    package static func open(_ path: String) throws -> Int32 {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw NERError(path: path, "no such file")
        }
        guard !isDirectory.boolValue else { throw NERError(path: path, "is a directory, not a file") }
        let descriptor = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw NERError(path: path, "cannot open for reading: \(String(cString: strerror(errno)))")
        }
        return descriptor
    }

    /// Reads up to `count` bytes of the (decompressed) input into `out`: how many, 0 only at the
    /// end of the input. `line` is the line being read, for the message of a read error.
    package func read(into out: UnsafeMutablePointer<UInt8>, count: Int, line: Int) throws -> Int {
        guard count > 0 else { return 0 }
        if format == .unknown { try detectFormat(line: line) }
        switch format {
        case .unknown, .plain:
            if pendingStart < pending.count {
                let n = min(count, pending.count - pendingStart)
                pending.withUnsafeBufferPointer { p in out.update(from: p.baseAddress! + pendingStart, count: n) }
                pendingStart += n
                if pendingStart == pending.count { pending = []; pendingStart = 0 }
                return n
            }
            return try readSome(into: out, count: count, line: line)
        case .gzip:
            return try inflater!.inflate(into: out, count: count) { [self] chunk in
                try chunk.withUnsafeMutableBufferPointer { try readSome(into: $0.baseAddress!, count: $0.count, line: line) }
            }
        }
    }

    /// The whole (decompressed) input, for a reader that needs a document whole.
    package func readAll() throws -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var line = 1
        while true {
            let n = try chunk.withUnsafeMutableBufferPointer { try read(into: $0.baseAddress!, count: $0.count, line: line) }
            if n == 0 { return out }
            line += chunk[..<n].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            out += chunk[..<n]
        }
    }

    /// Reads until the first two bytes are known (or the input ends) and picks the format.
    private func detectFormat(line: Int) throws {
        var head = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try head.withUnsafeMutableBufferPointer { try readSome(into: $0.baseAddress!, count: $0.count, line: line) }
            pending += head[..<n]
            if n > 0 && pending.count < 2 && pending[0] == 0x1F { continue }  // could be gzip: need byte 2
            break
        }
        if pending.count >= 2 && pending[0] == 0x1F && pending[1] == 0x8B {
            format = .gzip
            inflater = try Inflater(path: name, initialInput: pending)
            pending = []
        } else {
            format = .plain
        }
    }

    /// One read(2) of at most `count` bytes (retried on EINTR); 0 at the end of the input.
    private func readSome(into out: UnsafeMutablePointer<UInt8>, count: Int, line: Int) throws -> Int {
        while true {
            let n = Foundation.read(fd, out, count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw NERError(path: name, line: line, "read error: \(String(cString: strerror(errno)))")
        }
    }
}
