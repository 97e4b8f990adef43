# Quick start: `make demo` (install, release build, run ner on an example), `make test`.
.PHONY: deps build demo test clean

deps:
	@bash scripts/install-deps.sh

build: deps
	swift build -c release --product ner

demo: build
	.build/release/ner tag < data/sample.txt

test: deps
	swift build --build-tests
	swift test --skip-build --disable-swift-testing

clean:
	rm -rf .build
