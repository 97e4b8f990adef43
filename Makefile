# Quick start: `make demo` (install, release build, run ner on an example), `make test`.
.PHONY: deps build demo test test-spark bench-jsonl fuzz sanitize clean

deps:
	@bash scripts/install-deps.sh

build: deps
	swift build -c release --product ner

demo: build
	.build/release/ner tag < data/sample.txt

# The end-to-end tests that need release speed (100 MB inputs) run the release binary; then
# the Spark and GNU parallel paths, an outside package using NERKit by git URL and version
# (Examples/TagSentence), and a short run of every fuzz target.
test: deps
	swift build -c release --product ner
	swift build --build-tests
	NER_RELEASE_BINARY=$(CURDIR)/.build/release/ner swift test --skip-build --disable-swift-testing
	bash tests/spark/run_spark_test.sh
	bash scripts/example_package.sh
	bash scripts/fuzz.sh 10

# The Spark job and the GNU parallel recipe against one `ner tag --input jsonl` run (installs Java,
# GNU parallel and a .venv-spark with pyspark when missing; builds ner in release mode).
test-spark: deps
	bash tests/spark/run_spark_test.sh

# Throughput of one process, GNU parallel and Spark on CoNLL-2003 as JSON lines (needs ../shared).
bench-jsonl: build
	bash bench/jsonl_bench.sh

# libFuzzer over every reader of user input: make fuzz FUZZ_SECONDS=600
FUZZ_SECONDS ?= 60
fuzz: deps
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

# The concurrent code (the two LSTM directions, the tag stream's reader thread, the server's
# batching) under ThreadSanitizer, and everything under AddressSanitizer.
SANITIZE_FILTER ?= InferencePath|LayerGradient|TagOutputStream|TagCommand|TagRecordCommand|BoundedQueue|ServeCommand
sanitize: deps
	swift build --build-tests --sanitize=thread --scratch-path .build-tsan
	swift test --skip-build --sanitize=thread --scratch-path .build-tsan --disable-swift-testing --filter '$(SANITIZE_FILTER)'
	swift build --build-tests --sanitize=address --scratch-path .build-asan
	swift test --skip-build --sanitize=address --scratch-path .build-asan --disable-swift-testing

clean:
	rm -rf .build
