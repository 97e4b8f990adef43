import Foundation
import NERKit

/// Training throughput of one configuration: what `ner train` would do per second.
package struct TrainingSpeed: Codable, Equatable, Sendable {
    package var threads: Int
    /// Batches timed (after the warm-up).
    package var batches: Int
    package var tokens: Int
    package var seconds: Double
    package var tokensPerSecond: Double

    package init(threads: Int, batches: Int, tokens: Int, seconds: Double) {
        self.threads = threads
        self.batches = batches
        self.tokens = tokens
        self.seconds = seconds
        tokensPerSecond = seconds > 0 ? Double(tokens) / seconds : 0
    }

    enum CodingKeys: String, CodingKey {
        case threads, batches, tokens, seconds
        case tokensPerSecond = "tokens_per_s"
    }
}

/// A monotonic clock in seconds, for timing.
@inline(__always) func monotonicSeconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e9
}

extension Trainer {
    /// Trains `warmup` batches untimed, then times up to `batches` more (or fewer when
    /// `maxSeconds` of timed work have passed), going through `run` exactly as `ner train` does
    /// (batch schedule, word dropout, loss, clipping, optimizer step). Time spent scoring the dev
    /// set at an epoch's end is not counted; give the trainer large `epochs` and `patience` so
    /// small corpora keep going for the whole measurement.
    package func measureSpeed(warmup: Int, batches: Int, maxSeconds: Double? = nil) throws -> TrainingSpeed {
        var done = 0, timedBatches = 0, timedTokens = 0
        var timedSeconds = 0.0
        var mark = monotonicSeconds()
        var lastTokens = 0
        let target = warmup + batches
        _ = try run(
            progress: { _ in
                let now = monotonicSeconds()
                let tokens = self.state.epochTokens - lastTokens
                lastTokens = self.state.epochTokens
                done += 1
                if done > warmup {
                    timedBatches += 1
                    timedTokens += tokens
                    timedSeconds += now - mark
                }
                mark = monotonicSeconds()
            },
            onEpoch: { _ in },
            checkpoint: {
                // An epoch ended (its token count was reset) and the dev set was scored: restart the clock.
                lastTokens = self.state.epochTokens
                mark = monotonicSeconds()
            },
            shouldStop: {
                done >= target || (done > warmup && maxSeconds.map { timedSeconds >= $0 } ?? false)
            })
        return TrainingSpeed(threads: options.threads, batches: timedBatches, tokens: timedTokens, seconds: timedSeconds)
    }
}
