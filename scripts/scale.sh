#!/usr/bin/env bash
# scripts/scale.sh — the speed-and-scale table of issue 17: every row (item
# page, API item detail, random item pages, column page 1 / last page,
# catalogue, sitemap index and file, search and API q=, the back office's
# item page / compliance / item list / dashboard, `gongkai check`, API
# create + publish) at 1k and 100k items on SQLite and 100k on PostgreSQL
# (1M on PostgreSQL with --1m), uncached, 8 concurrent clients, with the
# ratio of each site to the 1k one and whether each goal is met.
# `make scale` runs it; docs/BENCHMARKS.md keeps the figures.
#
#   scripts/scale.sh                 1k SQLite, 100k SQLite, 100k PostgreSQL
#   scripts/scale.sh --1m            and 1,000,000 items on PostgreSQL
#   scripts/scale.sh --sqlite-only   1k and 100k SQLite
#
# Existing sites are reused (a run writes to them: an API token, the
# published test items, so give it copies):
#   SMALL=DIR      a 1k SQLite data directory (default: generated in OUT)
#   BIG=DIR        a 100k SQLite data directory, e.g. a copy of /tmp/big100k
#   PG100K=DSN     a PostgreSQL database holding `seed --synthetic 100000`,
#   PG100K_DATA=DIR  with the data directory seed used (its data-key)
#   PG1M=DSN, PG1M_DATA=DIR  the same with 1,000,000 items
# A site that is not given is generated with `gongkai seed --synthetic N`
# under nice -n 19 (PostgreSQL ones on a server of scripts/pg.sh, stopped
# at the end). Other settings: OUT (results directory, default
# /tmp/gongkai-scale), PORT (19510), DURATION (seconds per row, 8),
# CLIENTS (8), ONLY (comma-separated row names: measure just those rows).
#
# Every request misses the render cache (cmd/scalebench explains how). The
# JSON of each run stays in OUT; `scalebench table OUT/*.json` reprints the
# table.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH=/usr/local/go/bin:$PATH
unset GONGKAI_DB GONGKAI_DATA GONGKAI_ADDR
OUT=${OUT:-/tmp/gongkai-scale}
PORT=${PORT:-19510}
DURATION=${DURATION:-8}
CLIENTS=${CLIENTS:-8}
WANT_PG=1 WANT_1M=0
while [ $# -gt 0 ]; do
	case $1 in
	--1m) WANT_1M=1 ;;
	--sqlite-only) WANT_PG=0 ;;
	-h | --help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "scale.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
	esac
	shift
done
log() { printf '[scale] %s\n' "$*" >&2; }
mkdir -p "$OUT"
command -v /usr/bin/time >/dev/null || { log "installing time"; apt-get install -y -qq time >/dev/null; }

log "building gongkai and scalebench into $OUT"
(cd "$ROOT" && go build -o "$OUT/gongkai" ./cmd/gongkai && go build -o "$OUT/scalebench" ./cmd/scalebench)
GK=$OUT/gongkai

PG_DIR=""
cleanup() { [ -z "$PG_DIR" ] || bash "$ROOT/scripts/pg.sh" stop "$PG_DIR" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# seed_sqlite N DIR generates a SQLite site of N items into DIR.
seed_sqlite() {
	log "generating $1 items into $2"
	nice -n 19 "$GK" seed --synthetic "$1" --quiet --data "$2" >&2
}
# pg_server starts a PostgreSQL server of scripts/pg.sh (once).
pg_server() {
	[ -z "$PG_DIR" ] || return 0
	eval "$(bash "$ROOT/scripts/pg.sh" start)"
	PG_DIR=$GONGKAI_TEST_POSTGRES_DIR PG_BASE=${GONGKAI_TEST_POSTGRES%/*}
}
# pg_seed NAME N generates N items into a new database NAME (data key in
# OUT/NAME) and prints its DSN.
pg_seed() {
	psql "$PG_BASE/postgres" -Xqc "create database $1" >&2
	log "generating $2 items into PostgreSQL database $1"
	mkdir -p "$OUT/$1"
	GONGKAI_DB="$PG_BASE/$1?sslmode=disable" nice -n 19 "$GK" seed --synthetic "$2" --quiet --data "$OUT/$1" >&2
	echo "$PG_BASE/$1?sslmode=disable"
}

# measure LABEL FILE DATA [DSN]
measure() {
	local args=(run -bin "$GK" -label "$1" -out "$OUT/$2.json" -data "$3" -port "$PORT" -d "${DURATION}s" -c "$CLIENTS")
	[ -z "${4:-}" ] || args+=(-db "$4")
	[ -z "${ONLY:-}" ] || args+=(-only "$ONLY")
	log "measuring $1"
	"$OUT/scalebench" "${args[@]}"
}

files=()
SMALL=${SMALL:-}
if [ -z "$SMALL" ]; then
	SMALL=$OUT/small
	[ -e "$SMALL/gongkai.db" ] || seed_sqlite 1000 "$SMALL"
fi
measure "1k SQLite" 1-small "$SMALL" && files+=("$OUT/1-small.json")
if [ -z "${BIG:-}" ]; then
	BIG=$OUT/big
	[ -e "$BIG/gongkai.db" ] || seed_sqlite 100000 "$BIG"
fi
measure "100k SQLite" 2-big "$BIG" && files+=("$OUT/2-big.json")
if [ "$WANT_PG" = 1 ]; then
	if [ -z "${PG100K:-}" ]; then
		pg_server
		PG100K=$(pg_seed scale100k 100000) PG100K_DATA=$OUT/scale100k
	fi
	measure "100k PostgreSQL" 3-pg100k "${PG100K_DATA:?PG100K_DATA: the data directory seed used (its data-key)}" "$PG100K" &&
		files+=("$OUT/3-pg100k.json")
fi
if [ "$WANT_1M" = 1 ]; then
	if [ -z "${PG1M:-}" ]; then
		pg_server
		PG1M=$(pg_seed scale1m 1000000) PG1M_DATA=$OUT/scale1m
	fi
	measure "1M PostgreSQL" 4-pg1m "${PG1M_DATA:?PG1M_DATA: the data directory seed used (its data-key)}" "$PG1M" &&
		files+=("$OUT/4-pg1m.json")
fi

echo "## Scale table ($(date -u +%Y-%m-%d), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo
"$OUT/scalebench" table "${files[@]}"
