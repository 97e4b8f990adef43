import Foundation

/// Word vectors trained elsewhere (GloVe, word2vec, fastText `.vec`), used to initialise the
/// embedding table. Read from the common text format, plain or gzipped:
///
///     word v1 v2 ... vN          one word per line, values separated by spaces or tabs
///
/// optionally preceded by a word2vec header line `COUNT DIM` (a first line of exactly two
/// integers is taken as that header). Some files have words containing spaces; the last
/// `dimension` fields of a line are the values and everything before them is the word, unless
/// the field just before them is itself a number, which means the line has too many values.
package struct PretrainedVectors: Sendable {
    package let dimension: Int
    /// The stored words in file order. Changing it re-indexes `index(of:)`.
    package var words: [String] {
        didSet { indexByWord = PretrainedVectors.makeIndex(words) }
    }
    /// `words.count × dimension` values, row-major: row `i` is the vector of `words[i]`.
    package var vectors: [Float]
    private var indexByWord: [String: Int]

    /// Vectors built in memory. `vectors` must hold `words.count × dimension` values; if a word
    /// repeats, `index(of:)` finds its first row.
    package init(dimension: Int, words: [String], vectors: [Float]) throws {
        guard dimension > 0 else { throw NERError("pretrained vectors need a positive dimension, got \(dimension)") }
        guard vectors.count == words.count * dimension else {
            throw NERError("pretrained vectors: \(words.count) words of dimension \(dimension) need \(words.count * dimension) values, got \(vectors.count)")
        }
        self.dimension = dimension
        self.words = words
        self.vectors = vectors
        indexByWord = PretrainedVectors.makeIndex(words)
    }

    /// The row of `word`, or nil if it was not stored. Exact, case-sensitive match.
    package func index(of word: String) -> Int? {
        indexByWord[word]
    }

    /// The vector in row `index`.
    func vector(at index: Int) -> ArraySlice<Float> {
        vectors[index * dimension..<(index + 1) * dimension]
    }

    private static func makeIndex(_ words: [String]) -> [String: Int] {
        var index = [String: Int](minimumCapacity: words.count)
        for (i, w) in words.enumerated() where index[w] == nil { index[w] = i }
        return index
    }

    /// Reads the file; `keep(word, rank)` decides which words are stored (rank = 0-based line
    /// index among vectors), so callers can keep only corpus words plus the N most frequent
    /// without holding 400k vectors. Every line is still checked: a malformed line, a repeated
    /// stored word, an empty file or a word2vec header that disagrees with the file is a
    /// `NERError` naming the file and line.
    package static func load(path: String, keep: (String, Int) -> Bool = { _, _ in true }) throws -> PretrainedVectors {
        let reader = try LineReader(path: path)
        var dimension = 0
        var declaredCount: Int?
        var words: [String] = []
        var vectors: [Float] = []
        var lineOfWord: [String: Int] = [:]
        var rank = 0
        var fields: [Range<Int>] = []
        var values: [Float] = []

        while var line = try reader.next() {
            let lineNumber = reader.lineNumber
            func fail(_ message: String) -> NERError { NERError(path: path, line: lineNumber, message) }
            if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }

            try line.withUnsafeBufferPointer { bytes in
                splitFields(bytes, into: &fields)
                guard !fields.isEmpty else { throw fail("empty line (expected a word and its vector)") }

                if dimension == 0 {
                    if lineNumber == 1, fields.count == 2,
                       let count = integer(bytes, fields[0]), let dim = integer(bytes, fields[1]) {
                        guard dim > 0 else { throw fail("word2vec header gives dimension 0") }
                        declaredCount = count
                        dimension = dim
                        return
                    }
                    // Without a header the first line sets the dimension: its trailing numbers
                    // (at least one field is the word).
                    var trailing = 0
                    while trailing < fields.count - 1, parseFloat(bytes, fields[fields.count - 1 - trailing]) != nil {
                        trailing += 1
                    }
                    guard trailing > 0 else { throw fail("expected a word followed by numbers") }
                    dimension = trailing
                }

                let wordFields = fields.count - dimension
                guard wordFields >= 1 else {
                    throw fail("expected a word and \(dimension) values, found \(fields.count - 1) values")
                }
                if wordFields > 1, parseFloat(bytes, fields[wordFields - 1]) != nil {
                    throw fail("expected a word and \(dimension) values, found \(fields.count - 1) values")
                }
                values.removeAll(keepingCapacity: true)
                for (k, field) in fields[wordFields...].enumerated() {
                    guard let v = parseFloat(bytes, field) else {
                        let text = String(decoding: bytes[field], as: UTF8.self)
                        if parsesAsDecimal(bytes, field) {
                            throw fail("value \(k + 1) '\(text)' is out of the Float range")
                        }
                        throw fail("value \(k + 1) '\(text)' is not a number")
                    }
                    values.append(v)
                }
                let wordBytes = UnsafeBufferPointer(rebasing: bytes[fields[0].lowerBound..<fields[wordFields - 1].upperBound])
                guard let word = String(validating: wordBytes, as: UTF8.self) else {
                    throw fail("the word is not valid UTF-8")
                }
                if keep(word, rank) {
                    if let first = lineOfWord[word] {
                        throw fail("word '\(word)' already appeared on line \(first)")
                    }
                    lineOfWord[word] = lineNumber
                    words.append(word)
                    vectors.append(contentsOf: values)
                }
                rank += 1
            }
        }

        if let declaredCount, declaredCount != rank {
            throw NERError(path: path, line: 1, "word2vec header says \(declaredCount) vectors, but the file has \(rank)")
        }
        if rank == 0 {
            throw NERError(path: path, "no vectors: the file is empty")
        }
        return try PretrainedVectors(dimension: dimension, words: words, vectors: vectors)
    }
}

// MARK: - Byte-level parsing

/// Ranges of the space- or tab-separated fields of a line.
private func splitFields(_ bytes: UnsafeBufferPointer<UInt8>, into fields: inout [Range<Int>]) {
    fields.removeAll(keepingCapacity: true)
    var i = 0
    let n = bytes.count
    while i < n {
        while i < n, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        guard i < n else { break }
        let start = i
        while i < n, bytes[i] != 0x20, bytes[i] != 0x09 { i += 1 }
        fields.append(start..<i)
    }
}

/// A non-negative decimal integer made only of digits.
private func integer(_ bytes: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> Int? {
    guard field.count <= 18 else { return nil }
    var value = 0
    for i in field {
        let d = Int(bytes[i]) - 48
        guard d >= 0, d <= 9 else { return nil }
        value = value * 10 + d
    }
    return value
}

private let exactPowersOfTen: [Float] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10]

/// Whether the field is a decimal number `[+-]digits[.digits][(e|E)[+-]digits]` (also `.5`, `5.`).
private func parsesAsDecimal(_ bytes: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> Bool {
    DecimalScan(bytes, field) != nil
}

/// The syntax of a decimal number and, when it has at most 19 significant digits, its value
/// as `mantissa × 10^exponent`.
private struct DecimalScan {
    var negative = false
    var mantissa: UInt64 = 0
    var exponent = 0
    var tooManyDigits = false

    init?(_ bytes: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) {
        var i = field.lowerBound
        let end = field.upperBound
        if i < end, bytes[i] == 0x2D || bytes[i] == 0x2B {
            negative = bytes[i] == 0x2D
            i += 1
        }
        var digits = 0
        var significant = 0
        var seenPoint = false
        while i < end {
            let c = bytes[i]
            if c >= 0x30, c <= 0x39 {
                digits += 1
                if mantissa == 0, c == 0x30 {
                    if seenPoint { exponent -= 1 }
                } else if significant < 19 {
                    mantissa = mantissa * 10 + UInt64(c - 0x30)
                    significant += 1
                    if seenPoint { exponent -= 1 }
                } else {
                    tooManyDigits = true
                    if !seenPoint { exponent += 1 }
                }
            } else if c == 0x2E, !seenPoint {
                seenPoint = true
            } else {
                break
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        if i < end, bytes[i] == 0x65 || bytes[i] == 0x45 {
            i += 1
            var expNegative = false
            if i < end, bytes[i] == 0x2D || bytes[i] == 0x2B {
                expNegative = bytes[i] == 0x2D
                i += 1
            }
            var e = 0
            var exponentDigits = 0
            while i < end, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                if e < 100_000 { e = e * 10 + Int(bytes[i] - 0x30) }
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0 else { return nil }
            exponent += expNegative ? -e : e
        }
        guard i == end else { return nil }
    }
}

/// The correctly rounded finite `Float` value of a decimal field, or nil if it is not a decimal
/// number or overflows. Common short numbers take an exact fast path (both operands exactly
/// representable, so one correctly rounded multiply or divide); others go through `strtof`.
private func parseFloat(_ bytes: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> Float? {
    guard let scan = DecimalScan(bytes, field) else { return nil }
    if !scan.tooManyDigits, scan.mantissa <= 1 << 24, abs(scan.exponent) <= 10 {
        let m = Float(scan.mantissa)
        let v = scan.exponent >= 0 ? m * exactPowersOfTen[scan.exponent] : m / exactPowersOfTen[-scan.exponent]
        return scan.negative ? -v : v
    }
    // Slow path: strtof on a NUL-terminated copy (the syntax was already checked above).
    var buffer = [CChar](repeating: 0, count: field.count + 1)
    for (k, i) in field.enumerated() { buffer[k] = CChar(bitPattern: bytes[i]) }
    let v = strtof(buffer, nil)
    return v.isFinite ? v : nil
}
