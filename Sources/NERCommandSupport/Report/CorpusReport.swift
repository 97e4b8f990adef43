import NERKit

/// What a user checks about a corpus before training on it: its tag scheme, size, entity counts,
/// and every problem in it. Built by streaming through the file once (`CorpusReport.inspect`).
package struct CorpusReport: Sendable, Codable, Equatable {
    /// A `path:line: message` problem (an error, or a warning that does not stop training).
    package struct Problem: Sendable, Codable, Equatable, CustomStringConvertible {
        package var path: String
        package var line: Int?
        package var message: String
        /// The error's advice (`NERError.remedy`), for the front end to give in its own words.
        package var remedy: NERError.Remedy?

        enum CodingKeys: String, CodingKey { case path, line, message }

        package init(_ error: NERError, path: String) {
            self.path = error.path ?? path
            self.line = error.line
            self.message = error.message
            self.remedy = error.remedy
        }

        package init(path: String, line: Int?, message: String) {
            self.path = path
            self.line = line
            self.message = message
        }

        package var description: String {
            NERError(path: path, line: line, message, remedy: remedy).description
        }
    }

    package struct LongestSentence: Sendable, Codable, Equatable {
        package var tokens: Int
        /// Line of its first token.
        package var line: Int
    }

    /// Tokens of this file whose string never occurs in the training file.
    package struct UnknownTokens: Sendable, Codable, Equatable {
        package var trainingPath: String
        package var count: Int
        package var percent: Double
    }

    package var path: String
    package var scheme: TagScheme
    /// Number of `-DOCSTART-` lines.
    package var documents = 0
    package var sentences = 0
    package var tokens = 0
    /// Entity spans per type, read as the detected scheme's spans.
    package var entities: [String: Int] = [:]
    package var longestSentence: LongestSentence?
    package var unknownTokens: UnknownTokens?
    /// Errors: the file cannot be used as it is.
    package var errors: [Problem] = []
    /// Errors beyond the first `maximumStoredErrors`, counted but not kept.
    package var moreErrors = 0
    /// Warnings: the file can be read, but something is probably not what the user meant.
    package var warnings: [Problem] = []
    /// What was changed to put an annotation export's spans on tokens: counts by kind, and
    /// the first ones in full (`AlignmentLog.maximumKept`).
    package var adjustments = AlignmentLog()
    /// The format the file was read as.
    package var format: CorpusFormat = .conll

    package var entityTotal: Int { entities.values.reduce(0, +) }
    package var hasErrors: Bool { !errors.isEmpty || moreErrors > 0 }

    package static let maximumStoredErrors = 1000

    /// Reads the whole file at `path` and reports on it. `trainingTokens`, when given, are the
    /// token strings of the training file (named `trainingPath`), to count unknown tokens.
    /// `collectTokens` returns this file's token strings, for use as `trainingTokens` later.
    package static func inspect(path: String, columns: CoNLLColumns = .init(), options: CorpusReadOptions? = nil,
                               trainingPath: String? = nil, trainingTokens: Set<String>? = nil,
                               collectTokens: Bool = false) -> (report: CorpusReport, tokens: Set<String>) {
        var report = CorpusReport(path: path, scheme: .iob2)
        var collected = Set<String>()
        var detector = TagSchemeDetector()
        var unknown = 0
        // Sentences whose tags are not already in canonical form of each scheme (first lines kept).
        var invalidFor: [TagScheme: (count: Int, lines: [Int])] = [:]

        let reader: CorpusReader
        var reading = options ?? CorpusReadOptions()
        reading.columns = columns
        do {
            reader = try CorpusReader(path: path, options: reading)
            report.format = reader.format
        } catch {
            report.record(error, path: path)
            return (report, collected)
        }
        while true {
            let sentence: CoNLLSentence
            do {
                guard let s = try reader.next() else { break }
                sentence = s
            } catch let error as NERError {
                report.record(error, path: path)
                // A read error (no line to resume from) ends the file; a bad sentence does not.
                if error.line == nil { break }
                continue
            } catch {
                report.record(NERError(path: path, "\(error)"), path: path)
                break
            }
            report.sentences += 1
            report.tokens += sentence.tokens.count
            if sentence.tokens.count > (report.longestSentence?.tokens ?? 0) {
                report.longestSentence = LongestSentence(tokens: sentence.tokens.count, line: sentence.firstLine ?? 0)
            }
            let parsed = sentence.tags.map { ParsedTag($0) ?? .outside }
            detector.add(parsed: parsed)
            let spans = EntitySpan.spans(in: parsed)
            for span in spans { report.entities[span.type, default: 0] += 1 }
            for scheme in TagScheme.allCases where scheme.tags(for: spans, count: parsed.count) != sentence.tags {
                var entry = invalidFor[scheme] ?? (0, [])
                entry.count += 1
                if entry.lines.count < 3, let line = sentence.firstLine { entry.lines.append(line) }
                invalidFor[scheme] = entry
            }
            if let trainingTokens {
                for token in sentence.tokens where !trainingTokens.contains(token) { unknown += 1 }
            }
            if collectTokens { collected.formUnion(sentence.tokens) }
        }
        report.documents = reader.documentCount
        report.adjustments = reader.adjustments
        report.scheme = detector.scheme

        if report.sentences == 0 && !report.hasErrors {
            report.errors.append(Problem(path: path, line: nil, message: "no sentences found (is the file empty?)"))
        }
        if let invalid = invalidFor[report.scheme] {
            let lines = invalid.lines.map(String.init).joined(separator: ", ")
            let whereText = invalid.count == 1 ? "at line \(lines)" : "first at lines \(lines)"
            let reading = report.scheme == .bioes
                ? "entities are read as conlleval reads them"
                : "entities are read as conlleval reads them (an I- after O or another type starts an entity)"
            report.warnings.append(Problem(
                path: path, line: invalid.lines.first,
                message: "\(invalid.count) sentence\(invalid.count == 1 ? " has" : "s have") tags that are not valid "
                    + "\(report.scheme.displayName) (\(whereText)); \(reading)"))
        }
        if trainingTokens != nil, let trainingPath {
            report.unknownTokens = UnknownTokens(
                trainingPath: trainingPath, count: unknown,
                percent: report.tokens == 0 ? 0 : 100 * Double(unknown) / Double(report.tokens))
        }
        return (report, collected)
    }

    private mutating func record(_ error: Error, path: String) {
        let problem: Problem
        if let e = error as? NERError {
            problem = Problem(e, path: path)
        } else {
            problem = Problem(path: path, line: nil, message: "\(error)")
        }
        if errors.count < Self.maximumStoredErrors {
            errors.append(problem)
        } else {
            moreErrors += 1
        }
    }
}
