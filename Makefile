# Quick start: `make demo` (install, release build, run ner on an example), `make test`.
.PHONY: deps build demo test test-spark bench-jsonl clean

deps:
	@bash scripts/install-deps.sh

build: deps
	swift build -c release --product ner

demo: build
	.build/release/ner tag < data/sample.txt

# The end-to-end tests that need release speed (100 MB inputs) run the release binary.
test: deps
	swift build -c release --product ner
	swift build --build-tests
	NER_RELEASE_BINARY=$(CURDIR)/.build/release/ner swift test --skip-build --disable-swift-testing

# The Spark job and the GNU parallel recipe against one `ner tag --input jsonl` run (installs Java,
# GNU parallel and a .venv-spark with pyspark when missing; builds ner in release mode).
test-spark: deps
	bash tests/spark/run_spark_test.sh

# Throughput of one process, GNU parallel and Spark on CoNLL-2003 as JSON lines (needs ../shared).
bench-jsonl: build
	bash bench/jsonl_bench.sh

clean:
	rm -rf .build
