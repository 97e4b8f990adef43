/// Where a request body stops being UTF-8, for a 400 that says so instead of text silently
/// repaired: the HTTP API takes UTF-8 only (JSON must be UTF-8, RFC 8259), so a client sending
/// Latin-1 learns it at once.
enum UTF8Check {
    /// The byte offset of the first invalid UTF-8 sequence in `bytes`, or nil if there is none.
    static func firstInvalidOffset<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
        if bytes.allSatisfy({ $0 < 0x80 }) { return nil }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                offset += encoded.count
            case .emptyInput:
                return nil
            case .error:
                return offset
            }
        }
    }
}
