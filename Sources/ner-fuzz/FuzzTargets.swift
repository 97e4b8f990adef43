import Foundation
import NERCommandSupport
import NERKit

/// The inputs `ner` reads from users, each a function from arbitrary bytes to a run of the real
/// reader. A target must never crash, hang or trip a sanitizer, whatever the bytes; reading errors
/// are expected and ignored. Besides not crashing, a few cheap invariants are checked with
/// `precondition`, so that wrong results are found as well as crashes.
enum FuzzTarget: String, CaseIterable {
    case conll, tokenizer, predictions, embeddings, model, jsonl, annotations, labelstudio, conllu, brat, patterns

    func run(_ data: [UInt8]) {
        switch self {
        case .conll:
            withTemporaryFile(data) { path in
                guard let sentences = try? CoNLLReader.readAll(path: path) else { return }
                for s in sentences {
                    precondition(s.tokens.count == s.tags.count, "a sentence has as many tags as tokens")
                    precondition(s.tags.allSatisfy { ParsedTag($0) != nil }, "every tag read is valid")
                }
                let scheme = TagScheme.detect(sentences.map(\.tags))
                for s in sentences {
                    let bioes = scheme.convert(s.tags, to: .bioes)
                    precondition(TagScheme.bioes.convert(bioes, to: scheme) == scheme.convert(s.tags, to: scheme),
                                 "scheme conversion is lossless")
                }
            }
        case .tokenizer:
            let text = String(decoding: data, as: UTF8.self)
            let scalars = Array(text.unicodeScalars)
            var covered = 0
            for sentence in Tokenizer().sentences(text) {
                precondition(!sentence.tokens.isEmpty, "no empty sentence")
                for t in sentence.tokens {
                    precondition(t.scalarStart >= covered && t.scalarStart < t.scalarEnd && t.scalarEnd <= scalars.count,
                                 "tokens in order, non-empty, inside the text")
                    precondition(String(String.UnicodeScalarView(scalars[t.scalarStart..<t.scalarEnd])) == t.text,
                                 "offsets slice back to the token")
                    covered = t.scalarEnd
                }
            }
            // The streaming reader with a tiny line bound, fed the same bytes from a file.
            withTemporaryFile(data) { path in
                let fd = open(path, O_RDONLY)
                guard fd >= 0 else { return }
                defer { close(fd) }
                let reader = ParagraphReader(fileDescriptor: fd, path: path, maxParagraphBytes: 64, maxLineBytes: 32, bufferSize: 16)
                var bytes = 0
                while let p = try? reader.next() {
                    precondition(p.byteBase >= bytes, "paragraphs in order")
                    bytes = p.byteBase + p.text.utf8.count
                    _ = Tokenizer().sentences(p.text, scalarBase: p.scalarBase, byteBase: p.byteBase)
                }
            }
        case .predictions:
            withTemporaryFile(data) { path in
                guard let reader = try? PredictionFileReader(path: path) else { return }
                var evaluator = ConllEvaluator(collectingErrors: true)
                while let sentence = try? reader.next() {
                    precondition(sentence.gold.count == sentence.predicted.count, "one predicted tag per gold tag")
                    evaluator.add(gold: sentence.gold, predicted: sentence.predicted, tokens: sentence.tokens, location: "")
                }
                let report = evaluator.report
                precondition(report.f1.isFinite && report.f1 >= 0 && report.f1 <= 100, "F1 is a percentage")
                _ = report.conllevalText()
                _ = evaluator.errorAnalysis?.summaryText()
            }
        case .embeddings:
            withTemporaryFile(data) { path in
                guard let vectors = try? PretrainedVectors.load(path: path) else { return }
                precondition(vectors.vectors.count == vectors.words.count * vectors.dimension, "one vector per word")
                precondition(vectors.vectors.allSatisfy(\.isFinite), "only finite values")
            }
        case .jsonl:
            jsonl(data)
        case .annotations:
            withTemporaryFile(data) { path in readCorpus(path, .jsonl) }
        case .labelstudio:
            withTemporaryFile(data) { path in readCorpus(path, .labelStudio) }
        case .conllu:
            withTemporaryFile(data) { path in readCorpus(path, .conllu) }
        case .brat:
            // The bytes before the first NUL are the .txt file, the rest the .ann file.
            let cut = data.firstIndex(of: 0) ?? data.count
            let dir = "/dev/shm/ner-fuzz-brat-\(getpid())"
            try? FileManager.default.removeItem(atPath: dir)
            guard (try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)) != nil else { return }
            defer { try? FileManager.default.removeItem(atPath: dir) }
            FileManager.default.createFile(atPath: dir + "/d.txt", contents: Data(data[..<cut]))
            FileManager.default.createFile(atPath: dir + "/d.ann", contents: Data(data[min(cut + 1, data.count)...]))
            readCorpus(dir, .brat)
        case .patterns:
            patterns(data)
        case .model:
            withTemporaryFile(SafeTensorsFile.withChecksumRepaired(data)) { path in
                guard let loaded = try? ModelFile.load(path) else { return }
                let tagger = Tagger(model: loaded.model, scheme: loaded.scheme)
                let result = tagger.tag([["Anna", "met", "Carl", "in", "Oslo", "."]])
                precondition(result.count == 1 && result[0].tags.count == 6, "one tag per token")
            }
        }
    }

    /// A corpus reader of annotation exports, with every alignment policy: whatever it accepts is
    /// aligned consistently (tokens in order inside the text, entities on token boundaries and
    /// apart, one tag per token), and the spaCy/Prodigy JSON line written for it reads back the same.
    private func readCorpus(_ path: String, _ format: CorpusFormat) {
        for policy in MisalignedSpanPolicy.allCases {
            guard let reader = try? CorpusReader(path: path, options: CorpusReadOptions(format: format, misaligned: policy)) else { return }
            var documents = 0
            while documents < 1000, let next = try? reader.nextDocument() {
                documents += 1
                let doc = next
                let length = doc.text.unicodeScalars.count
                var end = 0
                for t in doc.tokens {
                    precondition(t.start >= end && t.start < t.end && t.end <= length, "tokens in order, non-empty, inside the text")
                    end = t.end
                }
                var entityEnd = 0
                for e in doc.entities {
                    precondition(e.tokenStart >= 0 && e.tokenStart < e.tokenEnd && e.tokenEnd <= doc.tokens.count, "entities cover tokens")
                    precondition(e.start == doc.tokens[e.tokenStart].start && e.end == doc.tokens[e.tokenEnd - 1].end, "entities on token boundaries")
                    precondition(e.tokenStart >= entityEnd, "entities apart")
                    entityEnd = e.tokenEnd
                }
                precondition(doc.tags.count == doc.tokens.count, "one tag per token")
                precondition(doc.sentences.reduce(0) { $0 + $1.count } == doc.tokens.count, "sentences cover the tokens")
                let line = AnnotationFormatter.spans(doc)
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      case .text(let text)? = try? AnnotationRecord.lineRecord(object, unit: .codepoints, location: doc.location, raw: nil),
                      let (again, _) = try? SpanAligner().align(text) else {
                    preconditionFailure("the JSON line written reads back")
                }
                precondition(again.tokens == doc.tokens && again.entities.map(\.label) == doc.entities.map(\.label), "read back the same")
            }
        }
    }

    /// `ner tag --patterns`'s reader: a file is read or refused with `file:line: message`, and
    /// the rules read match sentences without crashing, every match inside the sentence and no
    /// two sharing a token.
    private func patterns(_ data: [UInt8]) {
        withTemporaryFile(data) { path in
            let set: PatternSet
            do {
                set = try PatternSet.load([path])
            } catch {
                precondition("\(error)".hasPrefix(path + ":"), "errors name the file")
                return
            }
            let words = String(decoding: data.prefix(512), as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
                .map(String.init)
            for sentence in [words, words.map { $0.lowercased() }, ["Teddy", "bears", "1999", "ACME", "Corp", "."]] {
                var taken = [Bool](repeating: false, count: sentence.count)
                for m in set.matches(in: sentence) {
                    precondition(m.start >= 0 && m.start < m.end && m.end <= sentence.count, "a match lies inside the sentence")
                    precondition(!taken[m.start..<m.end].contains(true), "matches do not overlap")
                    for k in m.start..<m.end { taken[k] = true }
                    _ = set.label(of: m.rule)
                }
            }
        }
    }

    /// `ner tag --input jsonl`'s line scanner: every line is refused or located consistently.
    private func jsonl(_ data: [UInt8]) {
        let firstBad = UTF8Validation.firstInvalidIndex(data)
        precondition((firstBad == nil) == (String(validating: data, as: UTF8.self) != nil), "UTF-8 check agrees with the standard library")
        let object: JSONObjectLine
        do {
            object = try JSONObjectLine(data)
        } catch {
            if case .invalidUTF8(let offset) = error { precondition(offset == firstBad, "invalid UTF-8 reported where it is") }
            if case .syntax(let offset, _) = error { precondition(offset >= 0 && offset <= data.count, "error offset inside the line") }
            return
        }
        precondition(firstBad == nil, "only valid UTF-8 is accepted")
        precondition(data[object.objectRange.lowerBound] == UInt8(ascii: "{") && data[object.objectRange.upperBound - 1] == UInt8(ascii: "}"),
                     "the object is located")
        // A value is valid JSON by itself: as the only member of an object it scans the same.
        func standsAlone(_ value: JSONObjectLine.Member) -> Bool {
            let again = try? JSONObjectLine(Array("{\"k\": ".utf8) + Array(data[value.valueRange]) + Array("}".utf8))
            return again?.members.count == 1 && again?.members[0].kind == value.kind
        }
        var previous = object.objectRange.lowerBound + 1
        for member in object.members {
            precondition(member.valueRange.lowerBound > previous && member.valueRange.upperBound < object.objectRange.upperBound,
                         "members in order inside the object")
            previous = member.valueRange.upperBound
            if member.kind == "a string" {
                precondition(object.string(member) != nil, "a string member decodes")
            } else {
                precondition(object.string(member) == nil, "only strings decode")
            }
            precondition(standsAlone(member), "a member's value stands alone")
            // Arrays are split into elements as `ner serve` reads "texts" and "ids": each element is
            // a value of its own, in order, inside the brackets, and they are all there is.
            if let elements = object.elements(member) {
                precondition(member.kind == "an array", "only arrays have elements")
                var position = member.valueRange.lowerBound + 1
                for element in elements {
                    precondition(element.valueRange.lowerBound >= position && element.valueRange.upperBound < member.valueRange.upperBound,
                                 "elements in order inside the array")
                    position = element.valueRange.upperBound
                    precondition(standsAlone(element), "an element stands alone")
                    precondition((object.string(element) != nil) == (element.kind == "a string"), "string elements decode")
                }
                let rebuilt = "[" + elements.map { String(decoding: data[$0.valueRange], as: UTF8.self) }.joined(separator: ",") + "]"
                let reparsed = try? JSONObjectLine(Array("{\"k\": \(rebuilt)}".utf8))
                precondition(reparsed.flatMap { $0.elements($0.members[0]) }?.count == elements.count, "the elements are the whole array")
            } else {
                precondition(member.kind != "an array", "an array has elements")
            }
        }
    }

    private func withTemporaryFile(_ data: [UInt8], _ body: (String) -> Void) {
        let path = "/dev/shm/ner-fuzz-\(getpid())"
        guard FileManager.default.createFile(atPath: path, contents: Data(data)) else { return }
        defer { unlink(path) }
        body(path)
    }
}
