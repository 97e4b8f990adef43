import Foundation
import NERKit

extension Tagger {
    /// Tokens per second of `tag` over all of `sentences` in batches of `batchSize`; whole passes
    /// are repeated until `minimumSeconds` have passed (at least one pass).
    package func measureThroughput(_ sentences: [[String]], scores: Bool, batchSize: Int = Tagger.defaultBatchSentences, minimumSeconds: Double = 0) -> Double {
        let tokensPerPass = sentences.reduce(0) { $0 + $1.count }
        var tokens = 0, entities = 0
        let start = monotonicSeconds()
        var elapsed = 0.0
        repeat {
            entities += tag(sentences, scores: scores, batchSize: batchSize).reduce(0) { $0 + $1.entities.count }
            tokens += tokensPerPass
            elapsed = monotonicSeconds() - start
        } while elapsed < minimumSeconds
        withExtendedLifetime(entities) {}
        return elapsed > 0 ? Double(tokens) / elapsed : 0
    }

    /// The time of tagging each sentence alone (with entity scores), as a service answering one
    /// request at a time would.
    package func measureLatency(_ sentences: [[String]]) -> LatencySummary {
        var samples: [Double] = []
        samples.reserveCapacity(sentences.count)
        var entities = 0
        for sentence in sentences {
            let start = monotonicSeconds()
            entities += tag([sentence]).first?.entities.count ?? 0
            samples.append((monotonicSeconds() - start) * 1000)
        }
        withExtendedLifetime(entities) {}
        return LatencySummary(milliseconds: samples)
    }

    /// Tokens per second from raw text to entities: each paragraph is tokenized, split into
    /// sentences and tagged (with scores) in one call. Tokens are those the tokenizer found.
    /// Whole passes are repeated until `minimumSeconds` have passed (at least one pass).
    package func measureTextThroughput(_ paragraphs: [String], batchSize: Int = Tagger.defaultBatchSentences, minimumSeconds: Double = 0) -> Double {
        let tokenizer = Tokenizer()
        var tokens = 0, entities = 0
        let start = monotonicSeconds()
        var elapsed = 0.0
        repeat {
            for paragraph in paragraphs {
                let sentences = tokenizer.sentences(paragraph).map { $0.tokens.map(\.normalized) }
                tokens += sentences.reduce(0) { $0 + $1.count }
                entities += tag(sentences, batchSize: batchSize).reduce(0) { $0 + $1.entities.count }
            }
            elapsed = monotonicSeconds() - start
        } while elapsed < minimumSeconds
        withExtendedLifetime(entities) {}
        return elapsed > 0 ? Double(tokens) / elapsed : 0
    }

    /// Raw text made from tokenised sentences: the tokens of each document (sentences after a
    /// `-DOCSTART-` line) joined with spaces into one paragraph. Files without document markers
    /// are cut every `sentencesPerParagraph` sentences instead.
    package static func paragraphs(of sentences: [CoNLLSentence], sentencesPerParagraph: Int = 20) -> [String] {
        let hasDocuments = sentences.contains { $0.startsDocument }
        var paragraphs: [String] = []
        var current: [String] = [], count = 0
        for s in sentences where !s.tokens.isEmpty {
            let startsNew = hasDocuments ? s.startsDocument : count == sentencesPerParagraph
            if startsNew && !current.isEmpty {
                paragraphs.append(current.joined(separator: " "))
                current = []; count = 0
            }
            current.append(s.tokens.joined(separator: " "))
            count += 1
        }
        if !current.isEmpty { paragraphs.append(current.joined(separator: " ")) }
        return paragraphs
    }
}
