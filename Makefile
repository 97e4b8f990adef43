# Quick start: `make demo` (install, release build, run ner on an example), `make test`.
# Everyday work: `make check` (one debug build, the unit tests and the fast end-to-end tests).
.PHONY: deps build demo check check-docs test challenge-check test-spark bench-jsonl bench-peers docs fuzz sanitize man install uninstall clean

deps:
	@bash scripts/timed.sh deps bash scripts/install-deps.sh

# RELEASE_FLAGS: extra flags of every release build here (`make test` sets them; empty otherwise).
RELEASE_FLAGS ?=
build: deps
	swift build -c release --product ner $(RELEASE_FLAGS)

demo: build
	.build/release/ner tag < data/sample.txt

# The fast tier for everyday work: one debug build (library, CLI, server and tests), the NERKit and
# NERCommandSupport unit tests and gradient checks, the end-to-end tests that need no trained model or long run,
# and the challenge set's check; first, the layer check (scripts/check_layers.py: NERKit's and
# NERCommandSupport's folders depend one way, no cycle) and the doc comment check
# (scripts/check_public_docs.py: every public declaration of NERKit has one).
# Under 3 minutes with a warm build on the project's 2-core machine. `make test` is the full run.
CHECK_FILTER ?= NERKitTests|NERCommandSupportTests|NERServerTests|nerTests.CLITests|nerTests.TokenizeCommandTests|nerTests.InspectCommandTests|nerTests.HelpRenderingTests|nerTests.TrainOptionValidationTests
check: deps
	python3 scripts/check_layers.py
	python3 scripts/check_public_docs.py
	swift build --build-tests
	swift test --skip-build --disable-swift-testing --filter '$(CHECK_FILTER)'
	bash IntegrationTests/challenge/run_challenge_test.sh

# The commands shown in README.md and docs/guide/*.md, run against the release binary and their
# output compared with the output shown (scripts/check_docs.py; -v lists what is run).
check-docs: build
	python3 scripts/check_docs.py .build/release/ner

# One build, in release mode: the product and the tests, with -enable-testing (RELEASE_FLAGS, for
# the tests' `@testable import`; it keeps internal symbols visible and changes no computation), so
# the package is not compiled a second time in debug. The unit tests run on that build; the
# end-to-end tests run its `ner` (NER_RELEASE_BINARY), and so do
# the commands shown in the docs (scripts/check_docs.py); then the Spark and GNU parallel paths,
# an outside package using NERKit by git URL and version (Examples/TagSentence), NERKit's DocC
# documentation, ner under ThreadSanitizer (tag, serve and train end to end), and a short run of
# every fuzz target (a debug build, a fixed seed and at most 20,000 inputs or 10 s each, as many at once as cores; the
# open-ended search, in release, is `make fuzz`). First, in a few seconds, the challenge set data/challenge.tsv
# is checked (it parses, its split is the recorded rule's) and its scorer tested
# (IntegrationTests/challenge), the layer check (scripts/check_layers.py) and the doc comment
# check (scripts/check_public_docs.py). Each step prints its time (scripts/timed.sh). After the
# build, two lanes run side by side (scripts/lanes.sh): the steps that use the build (the unit
# tests, mostly one core, then docs, DocC, install, report, Spark) and the fuzz targets, and the
# outside package and ThreadSanitizer steps, which build in folders of their own.
T = bash scripts/timed.sh
test: export RELEASE_FLAGS = -Xswiftc -enable-testing
test: deps
	@date +'make test: started at %H:%M:%S' >&2
	$(T) challenge bash IntegrationTests/challenge/run_challenge_test.sh
	$(T) layers python3 scripts/check_layers.py
	$(T) public-docs python3 scripts/check_public_docs.py
	$(T) release-build swift build -c release --build-tests $(RELEASE_FLAGS)
	@bash scripts/lanes.sh \
	  "xctest env NER_RELEASE_BINARY=$(CURDIR)/.build/release/ner swift test -c release --skip-build --disable-swift-testing" \
	  "docs python3 scripts/check_docs.py .build/release/ner" \
	  "docc bash scripts/docc.sh" \
	  "install bash IntegrationTests/install/run_install_test.sh" \
	  "report bash IntegrationTests/report/run_report_test.sh" \
	  "spark bash IntegrationTests/spark/run_spark_test.sh" \
	  "fuzz env FUZZ_CONFIG=debug FUZZ_SEED=1 FUZZ_RUNS=20000 bash scripts/fuzz.sh 10" \
	  -- \
	  "example-package bash scripts/example_package.sh" \
	  "tsan bash IntegrationTests/sanitize/run_tsan_test.sh"
	@date +'make test: done at %H:%M:%S' >&2

# The challenge set data/challenge.tsv parses, its split is the recorded rule's, and its scorer
# bench/challenge.py rejects broken files and scores a stand-in tagger right (a few seconds).
challenge-check:
	bash IntegrationTests/challenge/run_challenge_test.sh

# The Spark job and the GNU parallel recipe against one `ner tag --input jsonl` run (installs Java,
# GNU parallel and a .venv-spark with pyspark when missing; builds ner in release mode).
test-spark: deps
	bash IntegrationTests/spark/run_spark_test.sh

# Throughput of one process, GNU parallel and Spark on CoNLL-2003 as JSON lines (needs ../shared).
bench-jsonl: build
	bash bench/jsonl_bench.sh

# ner next to a PyTorch BiLSTM-CRF and spaCy on the same sentences, one run (needs ../shared;
# creates .venv-peers with torch and spacy).
bench-peers: build
	bash bench/peers/run.sh

# NERKit's documentation (DocC, warnings as errors), from the release build's NERKit module:
# .build/docc/NERKit.doccarchive (scripts/docc.sh).
docs: build
	bash scripts/docc.sh

# libFuzzer over every reader of user input: make fuzz FUZZ_SECONDS=600
FUZZ_SECONDS ?= 60
fuzz: deps
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

# The concurrent code (the two LSTM directions, the tag stream's reader thread, the server's
# batching, event loops and shutdown, in process and as the binary) under ThreadSanitizer, and
# everything under AddressSanitizer.
SANITIZE_FILTER ?= InferencePath|LayerGradient|TagOutputStream|TagStreamDocument|TagCommand|TagRecordCommand|BoundedQueue|ServeCommand|NERServerTests
sanitize: deps
	swift build --build-tests --sanitize=thread --scratch-path .build-tsan
	swift test --skip-build --sanitize=thread --scratch-path .build-tsan --disable-swift-testing --filter '$(SANITIZE_FILTER)'
	swift build --build-tests --sanitize=address --scratch-path .build-asan
	swift test --skip-build --sanitize=address --scratch-path .build-asan --disable-swift-testing

# Man pages (ner.1, ner.tag.1, ...) in .build/man, from the command definitions.
man: build
	bash scripts/man_pages.sh

# make install PREFIX=/usr/local (or DESTDIR=... for packaging): the binary, the default model and
# its card in PREFIX/share/ner (where the installed ner finds it without NER_MODEL), the man
# pages and the bash, zsh and fish completions. make uninstall removes exactly these.
PREFIX ?= /usr/local
DESTDIR ?=
bindir = $(DESTDIR)$(PREFIX)/bin
sharedir = $(DESTDIR)$(PREFIX)/share
install: man
	install -d "$(bindir)" "$(sharedir)/ner" "$(sharedir)/man/man1" "$(sharedir)/bash-completion/completions" \
	  "$(sharedir)/zsh/site-functions" "$(sharedir)/fish/vendor_completions.d"
	install -m 755 .build/release/ner "$(bindir)/ner"
	install -m 644 models/default.ner "$(sharedir)/ner/default.ner"
	install -m 644 models/README.md "$(sharedir)/ner/MODEL_CARD.md"
	install -m 644 .build/man/*.1 "$(sharedir)/man/man1/"
	.build/release/ner --generate-completion-script bash > "$(sharedir)/bash-completion/completions/ner"
	.build/release/ner --generate-completion-script zsh > "$(sharedir)/zsh/site-functions/_ner"
	.build/release/ner --generate-completion-script fish > "$(sharedir)/fish/vendor_completions.d/ner.fish"

uninstall:
	rm -f "$(bindir)/ner" "$(sharedir)/ner/default.ner" "$(sharedir)/ner/MODEL_CARD.md"
	rm -f "$(sharedir)/man/man1/ner.1" "$(sharedir)/man/man1/"ner.*.1
	rm -f "$(sharedir)/bash-completion/completions/ner" "$(sharedir)/zsh/site-functions/_ner" \
	  "$(sharedir)/fish/vendor_completions.d/ner.fish"
	-rmdir "$(sharedir)/ner" 2>/dev/null

clean:
	rm -rf .build
