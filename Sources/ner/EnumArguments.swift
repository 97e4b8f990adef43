import ArgumentParser
import NERCommandSupport
import NERKit

// The fixed-value options are NERKit's own enums, so ArgumentParser lists their values in help
// and rejects any other with its standard usage error (exit 64).

extension TagOutputFormat: ExpressibleByArgument {}
extension Recasing: ExpressibleByArgument {}
extension InferencePrecision: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension DevSelection: ExpressibleByArgument {}
extension ModelConfig.CharEncoderKind: ExpressibleByArgument {}
extension MisalignedSpanPolicy: ExpressibleByArgument {}
extension OffsetUnit: ExpressibleByArgument {}
extension AnnotationOutputFormat: ExpressibleByArgument {}
extension AnnotationTokenization: ExpressibleByArgument {}

extension CorpusFormat: ExpressibleByArgument {
    /// Also the tools' names (spacy, prodigy, doccano mean jsonl).
    public init?(argument: String) { self.init(name: argument) }
}

extension TagScheme: ExpressibleByArgument {
    /// Also the schemes' other names (iob, bio, iobes), as everywhere in ner.
    public init?(argument: String) { self.init(name: argument) }
}

/// The values of `ner serve --log-level` (swift-log's levels).
enum LogLevelOption: String, CaseIterable, ExpressibleByArgument {
    case trace, debug, info, notice, warning, error, critical
}
extension PatternMode: ExpressibleByArgument {}
