import ArgumentParser
import Foundation
import NERCommandSupport
import NERKit

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure training and tagging speed, latency, load time and memory.",
        discussion: """
        Trains a throwaway model of the default architecture (that of `ner train` without \
        options) on --train for a fixed number of batches, first with 1 and then with 2 threads, \
        and reports training tokens per second. Warm-up batches come first and are not timed. \
        Then the model that tags (the default model that ner tag uses, or --model; with \
        --throwaway the model just trained, saved to a temporary file) is loaded 5 times to time \
        the load, and the sentences of --dev (or of --train) are tagged:

        Tag, first pass, cold: one pass of the freshly loaded model over all sentences in \
        batches of 64, without entity scores: nothing is cached per spelling yet, so this is \
        what tagging new text gets, and the figure to quote.
        Tag, batched, warm: all sentences in batches of 64, with and without entity scores, \
        passes repeated.
        Latency: the first 2000 sentences one call each: p50, p90, p99 in ms.
        Tag raw text: each document's tokens joined by spaces into a paragraph, then tokenized, \
        split into sentences and tagged, as `ner tag` does.
        Model load: median of 5 loads of the model file.
        Memory: peak resident set size of the whole run (getrusage).

        Rates count tokens; for raw text, the tokens the tokenizer found. Tagging passes repeat \
        until half a second has passed (but the cold pass); like `ner tag` on a long input, the \
        tagger keeps what it computed per distinct spelling (bounded: features, character \
        vectors, first-layer projections), so warm passes are faster than the first. On two or \
        more cores the two \
        LSTM directions of a batch run in parallel.

        Nothing is written besides a temporary model file, which is removed. Progress goes to \
        stderr, the report to stdout. Other processes competing for the CPU lower the numbers: \
        benchmark an idle machine and a release build (`swift build -c release`); a debug build \
        is many times slower and is warned about.

        EXAMPLES
          $ ner bench --train train.txt --dev test.txt
          $ ner bench --train train.txt --dev test.txt --model model.ner \\
              --json > bench.json
          $ ner bench --train train.txt --threads 2 --batches 100 --throwaway
          $ ner bench --train train.txt --embeddings glove.6B.100d.txt.gz --seconds 30
        """
    )

    @Option(name: .customLong("train"), help: ArgumentHelp("Training file (CoNLL columns) for the training measurement.", valueName: "file"))
    var train: String

    @Option(help: ArgumentHelp("File whose sentences are tagged (default: the training file).", valueName: "file"))
    var dev: String?

    @Option(help: ArgumentHelp("Tag with this model (default: the default model that ner tag uses).", valueName: "file"))
    var model: String?

    @Option(help: "Arithmetic of the tagging model's recurrent products, float32 or bfloat16 (as ner tag; default: bfloat16 where it is the faster).")
    var precision: InferencePrecision = .fastest

    @Flag(help: "Tag with the throwaway model trained by the benchmark instead of a model file.")
    var throwaway = false

    @Option(help: ArgumentHelp("Pretrained word vectors for the throwaway model (GloVe/word2vec text, optionally gzipped).", valueName: "file"))
    var embeddings: String?

    @Option(help: ArgumentHelp("Measure training with this many threads only (default: 1, then 2).", valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("Timed training batches per thread count.", valueName: "n"))
    var batches: Int = 300

    @Option(help: ArgumentHelp("Untimed training batches before the timed ones.", valueName: "n"))
    var warmup: Int = 20

    @Option(help: ArgumentHelp("Stop each training measurement after this many timed seconds, even before --batches.", valueName: "s"))
    var seconds: Double?

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    @OptionGroup var corpus: CorpusOptions

    func validate() throws {
        if let t = threads, !(1...256).contains(t) { throw ValidationError("--threads must be in 1...256") }
        if batches < 1 { throw ValidationError("--batches must be at least 1") }
        if warmup < 0 { throw ValidationError("--warmup must not be negative") }
        if let s = seconds, !(s > 0 && s.isFinite) { throw ValidationError("--seconds must be a positive number") }
        if throwaway && model != nil { throw ValidationError("give --model or --throwaway, not both") }
    }

    func run() throws {
        if MachineInfo.buildConfiguration == "debug" {
            Diagnostics.warning("this is a debug build of ner; its numbers are many times lower than a release build's (swift build -c release)")
        }
        var config = BenchmarkConfig(trainPath: train)
        config.devPath = dev
        config.modelPath = throwaway ? nil : try model ?? DefaultModel.path()
        config.embeddingsPath = embeddings
        config.precision = precision
        config.threads = threads.map { [$0] } ?? [1, 2]
        config.batches = batches
        config.warmupBatches = warmup
        config.maxTrainSeconds = seconds
        config.columns = corpus.columns
        let result = try BenchmarkRun(config: config, log: { printError("bench: " + $0) }).run()
        let stdout = FileHandleOutputStream(FileHandle.standardOutput)
        stdout.write(json ? result.jsonString + "\n" : result.table)
        try stdout.check(name: "standard output")
    }
}
