# gongkai — see scripts/README.md for what the test run does.
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)

# Extra arguments for go test, e.g. make test ARGS='-run Foo ./internal/store/...'
ARGS ?=

.PHONY: test run build bench scale fmt

# gofmt, go vet, a throwaway PostgreSQL, go test -race, browser tests.
test:
	bash scripts/test.sh $(ARGS)

# The demo site on embedded SQLite.
run:
	go run ./cmd/gongkai serve --demo

# A static binary, no cgo (STYLE.md rule 19).
build:
	CGO_ENABLED=0 go build -o bin/gongkai ./cmd/gongkai

bench:
	@if [ -f scripts/bench.sh ]; then \
		bash scripts/bench.sh $(ARGS); \
	else \
		echo "no benchmarks yet (scripts/bench.sh does not exist)"; \
	fi

# The speed-and-scale table of issue 17 (scripts/scale.sh; ARGS='--1m').
scale:
	bash scripts/scale.sh $(ARGS)

# Rewrites Go files in place; test.sh fails on any file this would change.
fmt:
	@files=$$(git ls-files --cached --others --exclude-standard -- '*.go' 2>/dev/null \
		|| find . -name '*.go' -not -path './.git/*'); \
	files=$$(printf '%s\n' $$files | grep -vE '(^|/)(node_modules|testdata|vendor)/' \
		| while IFS= read -r f; do [ -f "$$f" ] && printf '%s\n' "$$f"; done); \
	if [ -n "$$files" ]; then gofmt -l -w $$files; else echo "no Go files"; fi
