#!/usr/bin/env bash
# The whole test run: what `make test` and so CI (.ci/run) execute.
#
#   scripts/test.sh [go test args...]
#
# Stages, stopping at the first failure:
#   deps      Go, a C compiler for -race; installed with apt-get when missing
#   gofmt     gofmt -l over tracked and untracked (not ignored) Go files
#   vet       go vet ./...
#   postgres  a throwaway PostgreSQL server (scripts/pg.sh), stopped on exit
#   s3 server the S3-compatible server of the object-storage tests (versitygw),
#             built once per machine into the user cache (GONGKAI_SKIP_S3=1 skips)
#   go test   go test -race -count=1 -timeout 25m [args] (./... unless a package is named;
#             then internal/app runs plainly, and under -race only its tests that
#             start goroutines: see go_tests)
#   fuzz+browser  every Fuzz target in the repository for $GONGKAI_FUZZTIME (5s) each
#             (skipped when args are given, a narrowed run, or GONGKAI_FUZZTIME=0),
#             in the background beside npm test in tests/browser
# A timing summary is printed at the end, also when a stage failed.
#
# Examples:
#   make test
#   make test ARGS='-run TestRequest ./internal/request/...'
#   make test ARGS='-v -run Postgres'      (no package named: ./... is added)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"
# One stream, so stage headers and test output stay in order in any log.
exec 2>&1

export PATH="/usr/local/go/bin:$PATH"
export DEBIAN_FRONTEND=noninteractive

# ---------------------------------------------------------------------------
# stage bookkeeping and clean-up

now_us() { echo "${EPOCHREALTIME/./}"; }
RUN_START=$(now_us)
STAGE=
STAGE_START=
SUMMARY=()
PG_DIR=
PG_ENV=
S3_BUILD_PID=

stage() {
	STAGE=$1
	STAGE_START=$(now_us)
	printf '\n==> %s\n' "$STAGE" >&2
}

stage_done() {
	record "$STAGE" ok
	STAGE=
}

# run_stage NAME CMD [ARGS...]: errexit stays on inside CMD, so its first
# failing command ends the run (and cleanup marks the stage FAILED).
run_stage() {
	stage "$1"
	shift
	"$@"
	stage_done
}

record() {
	local secs
	secs=$(awk -v us="$(($(now_us) - STAGE_START))" 'BEGIN { printf "%.1f", us / 1e6 }')
	SUMMARY+=("$(printf '  %-10s %7ss  %s' "$1" "$secs" "$2")")
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	set +e
	if [ -n "$STAGE" ]; then
		if [ "$rc" -ge 128 ]; then record "$STAGE" "INTERRUPTED"; else record "$STAGE" "FAILED"; fi
	fi
	# A background build of the S3 server still running: stop it.
	if [ -n "${S3_BUILD_PID:-}" ]; then kill "$S3_BUILD_PID" 2>/dev/null || true; fi
	# An interrupt can land between pg.sh printing and PG_DIR being set.
	if [ -z "$PG_DIR" ] && [ -n "$PG_ENV" ]; then
		PG_DIR=$(sed -n "s/^export GONGKAI_TEST_POSTGRES_DIR='\(.*\)'$/\1/p" <<<"$PG_ENV")
	fi
	if [ -n "$PG_DIR" ]; then
		if ! bash "$here/pg.sh" stop "$PG_DIR" && [ "$rc" -eq 0 ]; then
			rc=1
		fi
	fi
	local total
	total=$(awk -v us="$(($(now_us) - RUN_START))" 'BEGIN { printf "%.1f", us / 1e6 }')
	printf '\n==> summary\n' >&2
	printf '%s\n' "${SUMMARY[@]}" >&2
	if [ "$rc" -eq 0 ]; then
		printf '  all stages passed in %ss\n' "$total" >&2
	else
		printf '  FAILED (exit %s) after %ss\n' "$rc" "$total" >&2
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

die() {
	printf 'test.sh: error: %s\n' "$*" >&2
	exit 1
}

APT_UPDATED=
apt_install() {
	[ "$(id -u)" -eq 0 ] || die "missing $*; not root, so install it yourself: apt-get install -y $*"
	if [ -z "$APT_UPDATED" ]; then
		apt-get -o DPkg::Lock::Timeout=300 update >&2 || die "apt-get update failed"
		APT_UPDATED=1
	fi
	apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "$@" >&2 ||
		die "apt-get install $* failed"
}

# go_files prints the Go files that belong to the project, one per line.
go_files() {
	{
		if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
			git -C "$root" ls-files --cached --others --exclude-standard -- '*.go'
		else
			find . -name '*.go' -not -path './.git/*' | sed 's|^\./||'
		fi
	} | grep -vE '(^|/)(node_modules|testdata|vendor)/' | sort -u |
		while IFS= read -r f; do [ -f "$f" ] && printf '%s\n' "$f"; done
}

# ---------------------------------------------------------------------------
# stages

deps() {
	command -v go >/dev/null || die "go not found (expected /usr/local/go/bin/go)"
	go version >&2
	# -race needs cgo, so a C compiler and libc headers.
	if ! command -v gcc >/dev/null || [ ! -e /usr/include/stdlib.h ]; then
		apt_install gcc libc6-dev
	fi
	export CGO_ENABLED=1
	# internal/app's 双随机 tests run the shipped scripts/verify-draw (Python 3,
	# standard library only) as a citizen would; required, never skipped.
	command -v python3 >/dev/null || apt_install python3
	export GONGKAI_REQUIRE_PYTHON=1
}

check_gofmt() {
	local files unformatted list f
	files=$(go_files)
	if [ -z "$files" ]; then
		echo "no Go files" >&2
		return 0
	fi
	# Never call gofmt without file names: it would read stdin.
	mapfile -t list <<<"$files"
	unformatted=$(gofmt -l "${list[@]}")
	if [ -n "$unformatted" ]; then
		printf 'gofmt: these files need formatting (run make fmt):\n' >&2
		while IFS= read -r f; do printf '  %s\n' "$f"; done <<<"$unformatted" >&2
		return 1
	fi
	printf '%s Go files formatted\n' "${#list[@]}" >&2
}

vet() {
	go vet ./...
}

start_postgres() {
	PG_ENV=$(bash "$here/pg.sh" start)
	eval "$PG_ENV"
	PG_DIR=$GONGKAI_TEST_POSTGRES_DIR
	export GONGKAI_TEST_POSTGRES GONGKAI_TEST_POSTGRES_DIR
	# Tests that need PostgreSQL fail instead of skipping when the DSN is unset.
	export GONGKAI_REQUIRE_POSTGRES=1
	echo "GONGKAI_TEST_POSTGRES=$GONGKAI_TEST_POSTGRES" >&2
}

# The S3-compatible server (versitygw, a Go module at a pinned version) that
# the object-storage tests start: built once into the user cache directory.
# On a machine without it the build (module downloads included) runs in the
# background beside the tests; the tests that need it wait for it on the
# build's lock (internal/blob/blobtest), and a build that fails fails them.
# GONGKAI_SKIP_S3=1 (never set by CI) skips both this and the tests.
s3_server() {
	if [ "${GONGKAI_SKIP_S3:-}" = 1 ]; then
		echo "GONGKAI_SKIP_S3=1: no S3 server, the object-storage tests skip" >&2
		return 0
	fi
	local log
	log=$(mktemp)
	go run ./internal/blob/blobtest/versitygw >"$log" 2>&1 &
	S3_BUILD_PID=$!
	S3_BUILD_LOG=$log
	echo "S3 server: building or finding it in the background (pid $S3_BUILD_PID)" >&2
}

# s3_server_done reports the background build's outcome after the tests.
s3_server_done() {
	[ -n "${S3_BUILD_PID:-}" ] || return 0
	local rc=0
	wait "$S3_BUILD_PID" || rc=$?
	echo "S3 server: $(cat "$S3_BUILD_LOG")" >&2
	rm -f "$S3_BUILD_LOG"
	[ "$rc" -eq 0 ] || die "building the S3 server (versitygw) failed"
}

go_tests() {
	local a named=
	for a in "$@"; do
		case $a in
		./* | ../* | gongkai | gongkai/*) named=1 ;;
		esac
	done
	if [ -n "$named" ]; then
		echo "go test -race -count=1 -timeout 25m $*" >&2
		go test -race -count=1 -timeout 25m "$@"
		return
	fi
	# internal/app drives the whole application over HTTP on both databases:
	# about 2 minutes plain, more than 15 under -race on 2 cores, where the
	# detector mostly re-checks request handling that other packages' race
	# runs already cover. So: every other package under -race; internal/app
	# plainly; then, under -race again, the internal/app tests that start
	# goroutines of their own (concurrent publication, logins, streams,
	# several nodes …: app_race_tests).
	local pkgs race_re
	pkgs=$(go list ./... | grep -vx 'gongkai/internal/app')
	echo "go test -race -count=1 -timeout 25m $* <every package but internal/app>" >&2
	# shellcheck disable=SC2086 # one package per word
	go test -race -count=1 -timeout 25m "$@" $pkgs
	echo "go test -count=1 -timeout 25m $* ./internal/app" >&2
	go test -count=1 -timeout 25m "$@" ./internal/app
	race_re=$(app_race_tests)
	[ -n "$race_re" ] || die "found no internal/app test that starts goroutines (the -race selection is broken)"
	echo "go test -race -count=1 -timeout 25m -run '$race_re' $* ./internal/app" >&2
	go test -race -count=1 -timeout 25m -run "$race_re" "$@" ./internal/app
}

# app_race_tests prints a -run pattern naming the top-level tests of the
# internal/app test files that start goroutines themselves.
app_race_tests() {
	# Per test, not per file: a test is chosen when its own body starts
	# goroutines or calls a helper of the test files that does
	# (scripts/race-tests.awk).
	local helpers names
	helpers=$(awk -v mode=helpers -f "$here/race-tests.awk" internal/app/*_test.go | paste -sd'|')
	names=$(awk -v mode=tests -v helpers="$helpers" -f "$here/race-tests.awk" internal/app/*_test.go | paste -sd'|')
	[ -z "$names" ] || printf '^(%s)$' "$names"
}

# fuzz_targets prints "package target" for every func FuzzX in a _test.go file.
fuzz_targets() {
	local f
	go_files | grep '_test\.go$' | while IFS= read -r f; do
		sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$f" | while IFS= read -r name; do
			printf './%s %s\n' "$(dirname "$f")" "$name"
		done
	done | sort -u
}

# Each fuzz target runs briefly beyond its seed corpus (which go test already
# ran); a failing input is written to the package's testdata/fuzz/, where it
# becomes a regression case once committed.
fuzz_tests() {
	local t=${GONGKAI_FUZZTIME:-5s} pkg name n=0 prev= bin= cache out rc flaked=0 dir
	if [ "$#" -gt 0 ] || [ "$t" = 0 ]; then
		echo "fuzzing skipped (narrowed run or GONGKAI_FUZZTIME=0)" >&2
		return 0
	fi
	dir=$(mktemp -d)
	out=$dir/out
	cache=$(go env GOCACHE)/fuzz
	while read -r pkg name; do
		# One instrumented test binary per package, run once per target in
		# the package's directory (its testdata/fuzz/ corpus), with the
		# fuzz cache go test itself would use.
		if [ "$pkg" != "$prev" ]; then
			bin=$dir/$(basename "$pkg").test
			CGO_ENABLED=0 go test -c -fuzz . -o "$bin" "$pkg"
			prev=$pkg
		fi
		echo "go test -run '^\$' -fuzz '^$name\$' -fuzztime $t $pkg" >&2
		rc=0
		(cd "$pkg" && "$bin" -test.run '^$' -test.fuzz "^$name\$" -test.fuzztime "$t" \
			-test.fuzzcachedir "$cache/$(go list "$root/${pkg#./}")") 2>&1 |
			grep -v '^fuzz: elapsed: ' | tee "$out" || rc=$?
		[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
		if [ "$rc" -ne 0 ]; then
			# Go's fuzz coordinator can report its own -fuzztime deadline as a
			# failure under CPU contention (go.dev/issue/75804, fixed in Go
			# 1.27): no input failed, none was written. A real failure always
			# writes its input to testdata/fuzz/.
			if ! grep -q 'Failing input written' "$out" && grep -q 'context deadline exceeded' "$out"; then
				echo "fuzz: $name hit Go's fuzztime deadline race (go.dev/issue/75804), no failing input: not counted" >&2
				flaked=$((flaked + 1))
			else
				rm -rf "$dir"
				return 1
			fi
		fi
		n=$((n + 1))
	done < <(fuzz_targets)
	rm -rf "$dir"
	echo "$n fuzz targets ran for $t each ($flaked stopped by the deadline race)" >&2
}

# fuzz_beside_browser runs the fuzz stage in the background while the browser
# tests run: fuzzing is bounded by time, not work, and the browser tests mostly
# wait on the server and Chromium, so together they take little more than the
# browser tests alone (CI must stay under 30 minutes). The fuzz output is
# printed after the browser output, and either failing fails the stage.
fuzz_beside_browser() {
	local log rc_fuzz=0 rc_browser=0 fuzz_pid browser_pid
	log=$(mktemp)
	# Both as background jobs: errexit holds inside them (it would not
	# inside `browser_tests || …`).
	fuzz_tests "$@" >"$log" 2>&1 &
	fuzz_pid=$!
	browser_tests &
	browser_pid=$!
	wait "$browser_pid" || rc_browser=$?
	wait "$fuzz_pid" || rc_fuzz=$?
	printf '\n==> fuzz (ran beside the browser tests)\n' >&2
	cat "$log" >&2
	rm -f "$log"
	[ "$rc_fuzz" -eq 0 ] || die "fuzz tests failed (see above)"
	[ "$rc_browser" -eq 0 ] || die "browser tests failed (see above)"
}

# ===========================================================================
# BROWSER TESTS (stage 5). Everything about browser tests lives here.
# tests/browser is an npm project whose `npm test` drives Debian's headless
# Chromium (/usr/bin/chromium). Nothing may download a browser build at run
# time, hence the *_SKIP_*DOWNLOAD variables. PostgreSQL is still running
# and GONGKAI_TEST_POSTGRES is exported while these tests run.
# npm test runs two spec files at a time (--test-concurrency=2, longest
# first): each starts its own server on a free port in its own temporary
# directory, and one spec keeps about one core busy (its server, Chromium's
# renderer, axe), so two use the machine's two cores.
browser_tests() {
	local dir=$root/tests/browser
	if [ ! -d "$dir" ]; then
		echo "no browser tests (tests/browser does not exist)" >&2
		return 0
	fi
	if [ ! -x /usr/bin/chromium ]; then
		apt_install chromium
	fi
	if ! command -v npm >/dev/null; then
		apt_install nodejs npm
	fi
	export CHROME_BIN=/usr/bin/chromium
	export PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium
	export PUPPETEER_SKIP_DOWNLOAD=1
	export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
	export PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH=/usr/bin/chromium
	export GONGKAI_ROOT=$root
	# One build of the server for every spec (lib/app.mjs copies it).
	GONGKAI_BIN=$(mktemp -d)/gongkai
	export GONGKAI_BIN
	go build -o "$GONGKAI_BIN" ./cmd/gongkai
	(
		cd "$dir"
		[ -f package-lock.json ] || die "tests/browser has no package-lock.json (npm ci needs one)"
		# npm ci only when node_modules is missing or older than the lock file.
		if [ ! -f node_modules/.package-lock.json ] ||
			[ package-lock.json -nt node_modules/.package-lock.json ]; then
			npm ci --no-audit --no-fund
		fi
		npm test
	)
}
# END BROWSER TESTS
# ===========================================================================

run_stage deps deps
run_stage gofmt check_gofmt
run_stage vet vet
run_stage postgres start_postgres
run_stage "s3 server" s3_server
run_stage "go test" go_tests "$@"
s3_server_done
run_stage "fuzz+browser" fuzz_beside_browser "$@"
