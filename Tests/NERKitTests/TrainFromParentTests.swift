import XCTest
@testable import NERKit

/// Training from a parent model (`TrainingRunConfig.initPath`): the grown model keeps every old
/// row of the parent bit for bit and tags what the parent could read as the parent does before
/// any training step; the parent is recorded in the provenance; the parent's types are kept in
/// the gold of data that lacks them; partial annotation and rehearsal run end to end, the
/// rehearsal optionally tagged by another model (self-training).
final class TrainFromParentTests: XCTestCase {
    func tempDir() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ner-init-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// The sample corpus with the tags of `drop` types (or of every type but `keepOnly`) set to O.
    func sampleVariant(_ dir: URL, name: String, drop: Set<String> = [], keepOnly: String? = nil, extra: String = "") throws -> String {
        let text = try String(contentsOfFile: TrainingRunTests.sample, encoding: .utf8)
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var fields = line.split(separator: " ").map(String.init)
            if let tag = fields.last, fields.count > 1, let p = ParsedTag(tag), !p.isOutside {
                if drop.contains(p.type) || (keepOnly != nil && p.type != keepOnly) { fields[fields.count - 1] = "O" }
            }
            lines.append(fields.joined(separator: " "))
        }
        let path = dir.appendingPathComponent(name).path
        try (lines.joined(separator: "\n") + extra).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func config(_ dir: URL, train: String, output: String, epochs: Int = 3) -> TrainingRunConfig {
        var c = TrainingRunConfig()
        c.trainPaths = [train]
        c.devPath = train
        c.output = dir.appendingPathComponent(output).path
        c.model.wordDim = 8; c.model.hidden = 8; c.model.charDim = 4; c.model.charHidden = 4; c.model.casingDim = 2
        c.training.epochs = epochs
        c.training.threads = 1
        c.training.learningRate = 0.01
        return c
    }

    /// A parent trained on the sample without MISC.
    func parent(_ dir: URL) throws -> String {
        let data = try sampleVariant(dir, name: "nomisc.conll", drop: ["MISC"])
        var c = config(dir, train: data, output: "parent.ner", epochs: 15)
        c.training.learningRate = 0.02
        c.singletonUnknownRate = 0
        _ = try TrainingRun(config: c) { _ in }.run(progress: { _ in }, shouldStop: { false })
        return c.output
    }

    func testGrowingKeepsEveryOldRowAndTagsTheParentsTextAsTheParentDoes() throws {
        let dir = try tempDir()
        let parentPath = try parent(dir)
        let parent = try ModelFile.load(parentPath).model
        // New data: MISC only, with words and characters the parent has never seen.
        let newData = try sampleVariant(dir, name: "misc.conll", keepOnly: "MISC",
                                        extra: "\nZorblax NNP B-NP B-MISC\nquïxotic JJ I-NP O\n")
        let corpus = try LabeledCorpus.load(newData)
        let pretrained = try PretrainedVectors(dimension: 8, words: ["quïxotic"], vectors: (0..<8).map { Float($0) / 10 })
        let (child, added) = try ModelExtension.extend(parent, train: corpus.sentences.map(\.tokens), trainTags: corpus.bioesTags,
                                                       extraWords: [], pretrained: pretrained, vocabulary: VocabularyOptions(), seed: 5)
        XCTAssertEqual(added.types, ["MISC"])
        XCTAssertEqual(added.words, 2)
        XCTAssertEqual(added.pretrainedWords, 1)
        let newChars = Set(corpus.sentences.flatMap { $0.tokens.flatMap { $0.unicodeScalars.map { String($0) } } }).filter { !parent.encoder.chars.contains($0) }
        XCTAssertTrue(newChars.contains("ï"))
        XCTAssertEqual(added.characters, newChars.count)
        // Old ids unchanged, new ones appended.
        let e = child.encoder, p = parent.encoder
        XCTAssertEqual(Array(e.words.items.prefix(p.words.count)), p.words.items)
        XCTAssertEqual(Array(e.chars.items.prefix(p.chars.count)), p.chars.items)
        XCTAssertEqual(Array(e.tags.items.prefix(p.tags.count)), p.tags.items)
        XCTAssertEqual(Array(e.tags.items.suffix(4)), ["B-MISC", "I-MISC", "E-MISC", "S-MISC"])
        // The pretrained vector went to its word.
        let row = Int(e.words.id("quïxotic")!)
        XCTAssertEqual(Array(UnsafeBufferPointer(start: child.wordEmbedding.table.value + row * 8, count: 8)), pretrained.vectors)
        // Every old value bit for bit: same-shaped tensors whole, grown ones in their old rows
        // (the transitions in their old K0 × K0 block).
        let K0 = parent.tagCount, K = child.tagCount
        let old = Dictionary(uniqueKeysWithValues: parent.parameters.map { ($0.name, $0) })
        for q in child.parameters {
            let o = old[q.name]!
            if q.name == "crf.transitions" {
                for i in 0..<K0 { for j in 0..<K0 { XCTAssertEqual(q.value[i * K + j].bitPattern, o.value[i * K0 + j].bitPattern) } }
            } else {
                let same = (0..<o.count).allSatisfy { q.value[$0].bitPattern == o.value[$0].bitPattern }
                XCTAssertTrue(same, "\(q.name): an old value changed")
            }
        }
        // Tagging the parent's own data: the same tags and no MISC before any training step.
        let parentData = try LabeledCorpus.load(dir.appendingPathComponent("nomisc.conll").path)
        let before = ParentAnnotation.predict(parent, parentData.sentences)
        let after = ParentAnnotation.predict(child, parentData.sentences)
        XCTAssertEqual(before, after)
        XCTAssertTrue(before.contains { $0.contains { $0 != "O" } }, "the parent should find some entities")
        // A model trained from scratch on the same words would not: the check is not vacuous.
        let other = TaggerModel(config: parent.config, encoder: parent.encoder)
        other.initialize(seed: 99)
        XCTAssertNotEqual(ParentAnnotation.predict(other, parentData.sentences), before)
    }

    func testParentIsRecordedInTheProvenanceAndTheTypesAreKept() throws {
        let dir = try tempDir()
        let parentPath = try parent(dir)
        let newData = try sampleVariant(dir, name: "misc.conll", keepOnly: "MISC")
        var c = config(dir, train: newData, output: "child.ner", epochs: 2)
        c.initPath = parentPath
        c.model.hidden = 77  // ignored: the shape is the parent's
        var log: [String] = []
        _ = try TrainingRun(config: c) { log.append($0) }.run(progress: { _ in }, shouldStop: { false })
        let loaded = try ModelFile.load(c.output)
        XCTAssertEqual(loaded.provenance.parent, ModelFile.ParentModel(path: parentPath, checksum: LabeledCorpus.checksum(parentPath)))
        XCTAssertEqual(loaded.model.config.hidden, 8)
        XCTAssertEqual(Set(Tagger(model: loaded.model, scheme: loaded.scheme).entityTypes), ["LOC", "MISC", "ORG", "PER"])
        // Keeping types is the default when the new data lacks the parent's types.
        let keepLine = try XCTUnwrap(log.first { $0.hasPrefix("keeping the parent's types:") }, "\(log)")
        XCTAssertTrue(keepLine.contains("LOC, ORG, PER"), keepLine)
        XCTAssertFalse(keepLine.hasPrefix("keeping the parent's types: 0 "), keepLine)

        // Naive fine-tuning: off when asked, with a warning that the types will be forgotten.
        var naive = c
        naive.keepTypes = false
        naive.output = dir.appendingPathComponent("naive.ner").path
        var warnings: [String] = []
        log = []
        _ = try TrainingRun(config: naive, log: { log.append($0) }, warn: { warnings.append($0.message) }).run(progress: { _ in }, shouldStop: { false })
        XCTAssertFalse(log.contains { $0.hasPrefix("keeping the parent's types") })
        XCTAssertTrue(warnings.contains { $0.contains("will be forgotten") }, "\(warnings)")
    }

    func testPartialAnnotationAndRehearsalRunEndToEnd() throws {
        let dir = try tempDir()
        let parentPath = try parent(dir)
        let newData = try sampleVariant(dir, name: "misc.conll", keepOnly: "MISC")
        var c = config(dir, train: newData, output: "partial.ner", epochs: 1)
        c.initPath = parentPath
        c.partialAnnotation = true
        c.rehearsePath = dir.appendingPathComponent("nomisc.conll").path
        c.rehearseRatio = 0.5
        var log: [String] = []
        _ = try TrainingRun(config: c) { log.append($0) }.run(progress: { _ in }, shouldStop: { false })
        let corpus = try LabeledCorpus.load(newData)
        let half = Int((0.5 * Double(corpus.sentences.count)).rounded())
        XCTAssertTrue(log.contains { $0.hasPrefix("rehearsal: \(half) of the \(corpus.sentences.count) sentences") }, "\(log)")
        // Partial annotation alone does not merge the parent's entities; the O tokens of both files are open.
        XCTAssertFalse(log.contains { $0.hasPrefix("keeping the parent's types") })
        let partialLine = try XCTUnwrap(log.first { $0.hasPrefix("partial annotation:") })
        let unknown = Int(partialLine.split(separator: " ")[2])!
        let newO = corpus.bioesTags.reduce(0) { $0 + $1.filter { $0 == "O" }.count }
        XCTAssertGreaterThan(unknown, newO, "the rehearsal sentences' O tokens are open for MISC too")
        XCTAssertNotNil(try ModelFile.load(c.output).provenance.parent)
    }

    /// A model that knows MISC tags the rehearsal sample: its MISC entities are added to the old
    /// data where the old gold has none, that data then counts as annotating MISC (its O tokens
    /// are no longer open for it), and the tagger is recorded in the provenance.
    func testRehearsalTaggedByAModelAddsItsNewTypeAndClosesTheOldDatasOTokens() throws {
        let dir = try tempDir()
        let parentPath = try parent(dir)
        // The tagger: trained on the whole sample and twenty sentences where "Zorblax" is MISC;
        // the old data has five of those sentences with every tag O.
        func zorblax(_ tag: String, _ count: Int) -> String {
            String(repeating: "\nZorblax NNP B-NP \(tag)\nfans NNS I-NP O\ncheer VBP B-VP O\n. . O O\n", count: count)
        }
        var full = config(dir, train: try sampleVariant(dir, name: "tagger.conll", extra: zorblax("B-MISC", 20)), output: "full.ner", epochs: 15)
        full.training.learningRate = 0.02
        full.singletonUnknownRate = 0
        _ = try TrainingRun(config: full) { _ in }.run(progress: { _ in }, shouldStop: { false })
        let oldPath = try sampleVariant(dir, name: "old.conll", drop: ["MISC"], extra: zorblax("O", 5))
        let old = try LabeledCorpus.load(oldPath)
        let predicted = ParentAnnotation.predict(try ModelFile.load(full.output).model, old.sentences)
        let expected = zip(old.bioesTags, predicted).reduce(0) { $0 + ParentAnnotation.merge(gold: $1.0, predicted: $1.1, types: ["MISC"]).added }
        XCTAssertGreaterThan(expected, 0, "the tagger finds MISC in the old data")

        let newData = try sampleVariant(dir, name: "misc.conll", keepOnly: "MISC")
        let newO = try LabeledCorpus.load(newData).bioesTags.reduce(0) { $0 + $1.filter { $0 == "O" }.count }
        var c = config(dir, train: newData, output: "self.ner", epochs: 1)
        c.initPath = parentPath
        c.partialAnnotation = true
        c.rehearsePath = oldPath
        c.rehearseRatio = 1000  // every old sentence
        c.rehearseTaggerPath = full.output
        var log: [String] = []
        _ = try TrainingRun(config: c) { log.append($0) }.run(progress: { _ in }, shouldStop: { false })
        XCTAssertTrue(log.contains("rehearsal tagged by \(full.output): \(expected) entities of MISC added"), "\(log)")
        // Only the new data's O tokens stay open (for PER, LOC and ORG); the old data's are O.
        let partialLine = try XCTUnwrap(log.first { $0.hasPrefix("partial annotation:") }, "\(log)")
        XCTAssertEqual(Int(partialLine.split(separator: " ")[2]), newO, partialLine)
        let provenance = try ModelFile.load(c.output).provenance
        XCTAssertEqual(provenance.rehearsalTaggedBy, ModelFile.ParentModel(path: full.output, checksum: LabeledCorpus.checksum(full.output)))

        // Resuming tags the sample again, and only with the same model.
        var again = c
        again.resume = true
        again.training.epochs = 2
        again.rehearseTaggerPath = parentPath
        XCTAssertThrowsError(try TrainingRun(config: again) { _ in }.run(progress: { _ in }, shouldStop: { false })) { error in
            let message = (error as? NERError)?.message ?? "\(error)"
            XCTAssertTrue(message.contains("tagged by \(full.output)") && message.contains("not by \(parentPath)"), message)
        }
        again.rehearseTaggerPath = full.output
        XCTAssertEqual(try TrainingRun(config: again) { _ in }.run(progress: { _ in }, shouldStop: { false }).epochs, 2)

        // Tagged by the parent, which knows no MISC: nothing is added and the old O stays open.
        var byParent = c
        byParent.rehearseTaggerPath = parentPath
        byParent.output = dir.appendingPathComponent("by-parent.ner").path
        log = []
        _ = try TrainingRun(config: byParent) { log.append($0) }.run(progress: { _ in }, shouldStop: { false })
        XCTAssertTrue(log.contains { $0.hasPrefix("rehearsal tagged by \(parentPath): 0 entities of no type") }, "\(log)")
        let open = Int(try XCTUnwrap(log.first { $0.hasPrefix("partial annotation:") }).split(separator: " ")[2])!
        XCTAssertGreaterThan(open, newO)
    }

    func testOptionsThatNeedAParentAreRefusedWithoutNamingFlags() {
        func message(_ c: TrainingRunConfig) -> String? {
            do { try c.validate(); return nil } catch let e as ConfigurationError { return e.describe(naming: { $0 }) } catch { return "\(error)" }
        }
        var c = TrainingRunConfig()
        c.trainPaths = ["new.txt"]
        XCTAssertNil(message(c))
        c.partialAnnotation = true
        XCTAssertEqual(message(c)?.hasPrefix("partialAnnotation needs initPath"), true, message(c) ?? "")
        XCTAssertEqual(message(c)?.contains("--"), false)
        c.partialAnnotation = false
        c.keepTypes = true
        XCTAssertEqual(message(c)?.hasPrefix("keepTypes needs initPath"), true, message(c) ?? "")
        c.keepTypes = nil
        c.rehearsePath = "old.txt"
        XCTAssertEqual(message(c)?.hasPrefix("rehearsePath needs initPath"), true, message(c) ?? "")
        c.initPath = "parent.ner"
        XCTAssertNil(message(c))
        c.rehearseTaggerPath = "first.ner"
        XCTAssertNil(message(c))
        c.rehearsePath = nil
        XCTAssertEqual(message(c)?.hasPrefix("rehearseTaggerPath needs rehearsePath"), true, message(c) ?? "")
        c.rehearseTaggerPath = nil
        c.rehearsePath = "old.txt"
        c.rehearseRatio = 0
        XCTAssertEqual(message(c)?.contains("rehearseRatio must be a number in (0, 1000]"), true, message(c) ?? "")
    }
}
