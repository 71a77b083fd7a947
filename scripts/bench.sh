#!/usr/bin/env bash
# scripts/bench.sh — how fast gongkai serves its public pages, side by side
# with nginx serving the same HTML bytes as a static file, plus start time and
# memory. `make bench` runs it; docs/BENCHMARKS.md explains the figures.
#
#   scripts/bench.sh            full run (15 s per wrk run, about 5 minutes)
#   scripts/bench.sh --quick    smoke run (3 s per wrk run)
#   scripts/bench.sh --strict   exit 1 when a goal is not met
#
# Environment: DURATION (seconds per wrk run, default 15), ROUNDS (app/nginx
# item-page rounds, alternated; the median counts; default 3), STARTS (start
# time samples per case, default 3), THREADS (2), CONNECTIONS (64),
# WARMUP (seconds of wrk warm-up per URL, default 3), IDLE_WAIT (seconds
# idle before the last memory reading, default 10), WAIT_IDLE (on a shared
# machine: wait up to this many seconds before each wrk run until other
# processes use under a fifth of a core; default 0, no waiting), PORT_MIN and
# PORT_SPAN (the loopback ports tried: PORT_MIN to PORT_MIN+PORT_SPAN-1,
# default 20000 and 32768), START_TIMEOUT (seconds a start may take before
# the run fails, default 60; a loaded machine needs more). Beside nginx, a
# plain net/http server (cmd/scalebench plain) serves the same bytes and
# headers: the Go ceiling.
#
# Everything runs on this machine and talks to 127.0.0.1 only. Both servers
# and the temporary directory are removed on any exit (trap).
set -euo pipefail

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; }

DURATION=${DURATION:-15}
ROUNDS=${ROUNDS:-3}
STARTS=${STARTS:-3}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
WARMUP=${WARMUP:-3}
IDLE_WAIT=${IDLE_WAIT:-10}
WAIT_IDLE=${WAIT_IDLE:-0}
START_TIMEOUT=${START_TIMEOUT:-60}
STRICT=0
while [ $# -gt 0 ]; do
	case $1 in
	--quick) DURATION=3 ROUNDS=1 STARTS=1 WARMUP=1 IDLE_WAIT=3 ;;
	--strict) STRICT=1 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "bench.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
	esac
	shift
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH=/usr/local/go/bin:$PATH
# The figures are for the embedded SQLite database in a fresh directory.
unset GONGKAI_DB GONGKAI_DATA GONGKAI_ADDR GONGKAI_LOG GONGKAI_TRUST_PROXY GONGKAI_SECURE_COOKIES
HOST=127.0.0.1
SEED_INDEX_NO=1438332193/sfj/2021-0000192
CLK_TCK=$(getconf CLK_TCK)
NPROC=$(nproc)

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- tools ----------------------------------------------------------------

# apt_install installs Debian packages, running apt-get update only when the
# first try fails. A policy-rc.d (only when none exists, removed afterwards)
# keeps the nginx package from starting its own service on port 80.
apt_install() {
	[ $# -gt 0 ] || return 0
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	log "installing $* with apt-get"
	(
		policy=/usr/sbin/policy-rc.d
		if [ -z "$sudo" ] && [ ! -e "$policy" ]; then
			printf '#!/bin/sh\nexit 101\n' >"$policy"
			chmod +x "$policy"
			trap 'rm -f "$policy"' EXIT
		fi
		export DEBIAN_FRONTEND=noninteractive
		if ! $sudo apt-get install -y -qq "$@" >/dev/null 2>&1; then
			$sudo apt-get update -qq
			$sudo apt-get install -y -qq "$@" >/dev/null
		fi
	) || die "apt-get install $* failed"
}

missing=()
for tool in wrk nginx curl jq; do
	command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
done
apt_install "${missing[@]}"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
command -v go >/dev/null || die "go not found (expected in /usr/local/go/bin)"

# --- temporary directory and cleanup --------------------------------------

TMP=$(mktemp -d /tmp/gongkai-bench.XXXXXXXX)
APP_PID="" NGINX_PID="" NGINX_WORKERS="" PLAIN_PID=""
PORT_MIN=${PORT_MIN:-20000}
PORT_SPAN=${PORT_SPAN:-32768}

# stop_pid sends TERM and waits up to $2 seconds, then KILLs.
stop_pid() {
	local pid=$1 wait_s=${2:-15} i
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < wait_s * 20; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		log "pid $pid did not stop in ${wait_s}s; killing it"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	local rc=$?
	set +e
	stop_pid "$APP_PID" 20
	stop_pid "$NGINX_PID" 10
	stop_pid "$PLAIN_PID" 10
	for w in $NGINX_WORKERS; do kill -0 "$w" 2>/dev/null && kill -KILL "$w" 2>/dev/null; done
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- helpers ----------------------------------------------------------------

USED_PORTS=" "
# free_port prints a loopback port nothing listens on (20000–52767).
free_port() {
	local p i
	for ((i = 0; i < 200; i++)); do
		p=$((PORT_MIN + RANDOM % PORT_SPAN))
		[[ $USED_PORTS == *" $p "* ]] && continue
		if ! (exec 3<>"/dev/tcp/$HOST/$p") 2>/dev/null; then
			USED_PORTS+="$p "
			echo "$p"
			return 0
		fi
	done
	die "no free loopback port found"
}

# http_ok reports whether GET $2 on port $1 answers 200. Pure bash (no
# process started), so start-time polling costs well under a millisecond.
http_ok() {
	local line=""
	exec 3<>"/dev/tcp/$HOST/$1" || return 1
	printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$2" "$HOST" >&3
	IFS= read -r -t 2 line <&3 || true
	exec 3<&- 3>&-
	[[ $line == "HTTP/1."?" 200"* ]]
}

# wait_ok polls GET $2 on port $1 until 200 while process $3 lives, for at
# most $4 seconds.
wait_ok() {
	local port=$1 path=$2 pid=$3 deadline=$(($(date +%s) + $4))
	until http_ok "$port" "$path" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || return 1
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.001
	done
}

now_ns() { date +%s%N; }
rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
hwm_mb() { awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# cpu_ticks sums user+system clock ticks of the given pids.
cpu_ticks() {
	local t=0 pid v
	for pid in "$@"; do
		v=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null) || v=0
		t=$((t + v))
	done
	echo "$t"
}
# machine_busy prints the ticks (all CPUs) spent in processes (user, nice,
# system) and in interrupts (irq, softirq: loopback TCP is largely softirq).
machine_busy() { awk '/^cpu / { print $2 + $3 + $4, $7 + $8 }' /proc/stat; }

# wait_idle waits (at most WAIT_IDLE seconds) until the machine's processes
# use under 0.2 cores over one second: other work on a shared machine takes
# CPU from the servers and from wrk, and lowers every figure.
wait_idle() {
	[ "$WAIT_IDLE" -gt 0 ] || return 0
	local deadline=$(($(date +%s) + WAIT_IDLE)) a b x y busy said=0
	while :; do
		read -r a x < <(machine_busy)
		sleep 1
		read -r b y < <(machine_busy)
		busy=$(awk -v t=$((b - a + y - x)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }')
		awk -v b="$busy" 'BEGIN { exit !(b < 0.2) }' && return 0
		if [ "$(date +%s)" -ge "$deadline" ]; then
			log "machine still busy ($busy cores); running anyway"
			return 0
		fi
		[ "$said" = 1 ] || log "machine busy ($busy cores used by other processes); waiting up to ${WAIT_IDLE}s"
		said=1
	done
}

# start_app starts gongkai on data dir $1 and port $2, sets APP_PID and
# START_MS (exec to first 200 on /healthz).
start_app() {
	local data=$1 port=$2 t0 t1
	t0=$(now_ns)
	"$BIN" serve --demo --data "$data" --addr "$HOST:$port" --log warn >>"$TMP/app.log" 2>&1 &
	APP_PID=$!
	if ! wait_ok "$port" /healthz "$APP_PID" "$START_TIMEOUT"; then
		log "gongkai log:"
		tail -n 30 "$TMP/app.log" >&2
		die "gongkai serve did not answer 200 on /healthz (port $port)"
	fi
	t1=$(now_ns)
	START_MS=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.0f", d / 1e6 }')
}

stop_app() {
	stop_pid "$APP_PID" 20
	APP_PID=""
}

# --- build ------------------------------------------------------------------

log "building gongkai (CGO_ENABLED=0) into $TMP"
BIN=$TMP/gongkai
(cd "$ROOT" && CGO_ENABLED=0 go build -o "$BIN" ./cmd/gongkai && CGO_ENABLED=0 go build -o "$TMP/scalebench" ./cmd/scalebench) || die "go build failed"

# --- start time -------------------------------------------------------------

DATA=$TMP/data
FRESH_MS=() EXISTING_MS=() FRESH_RSS=()
for ((i = 1; i <= STARTS; i++)); do
	dir=$DATA
	[ "$i" -eq 1 ] || dir=$TMP/data-fresh-$i
	wait_idle
	start_app "$dir" "$(free_port)"
	FRESH_MS+=("$START_MS")
	FRESH_RSS+=("$(rss_mb "$APP_PID")")
	stop_app
	[ "$i" -eq 1 ] || rm -rf "$dir"
	log "fresh start $i: ${START_MS} ms"
done
for ((i = 1; i <= STARTS; i++)); do
	wait_idle
	start_app "$DATA" "$(free_port)"
	EXISTING_MS+=("$START_MS")
	stop_app
	log "start on existing data $i: ${START_MS} ms"
done

# --- the app under test -----------------------------------------------------

APP_PORT=$(free_port)
start_app "$DATA" "$APP_PORT"
APP=http://$HOST:$APP_PORT
RSS_START=$(rss_mb "$APP_PID")
log "gongkai pid $APP_PID on $APP (started in ${START_MS} ms, RSS ${RSS_START} MB)"

SEED_URL=$(curl -fsS "$APP/api/v1/items?index_no=$SEED_INDEX_NO" | jq -r '.items[0].url // empty')
[[ $SEED_URL == /items/* ]] || die "seed item $SEED_INDEX_NO not found through the API (got '$SEED_URL')"
log "seed item page: $SEED_URL"

# The static copy for nginx: the page's exact bytes at this moment.
WWW=$TMP/www
mkdir -p "$WWW$(dirname "$SEED_URL")"
curl -fsS -o "$WWW$SEED_URL" "$APP$SEED_URL" || die "could not fetch $SEED_URL"

# --- nginx ------------------------------------------------------------------

NGINX_PORT=$(free_port)
NGINX_DIR=$TMP/nginx
mkdir -p "$NGINX_DIR"/{client_body,proxy,fastcgi,uwsgi,scgi}
WORKERS=$((NPROC < 2 ? 1 : 2))
{
	[ "$(id -u)" -ne 0 ] || echo "user root;"
	cat <<EOF
worker_processes $WORKERS;
daemon off;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    # Like Go's server, never close a keep-alive connection after N requests.
    keepalive_requests 100000000;
    keepalive_timeout 120s;
    client_body_temp_path $NGINX_DIR/client_body;
    proxy_temp_path $NGINX_DIR/proxy;
    fastcgi_temp_path $NGINX_DIR/fastcgi;
    uwsgi_temp_path $NGINX_DIR/uwsgi;
    scgi_temp_path $NGINX_DIR/scgi;
    types { }
    default_type "text/html; charset=utf-8";
    server {
        listen $HOST:$NGINX_PORT;
        root $WWW;
        location / { }
    }
}
EOF
} >"$NGINX_DIR/nginx.conf"
"$NGINX" -t -q -p "$NGINX_DIR" -e "$NGINX_DIR/error.log" -c "$NGINX_DIR/nginx.conf" || die "nginx rejected its configuration"
"$NGINX" -p "$NGINX_DIR" -e "$NGINX_DIR/error.log" -c "$NGINX_DIR/nginx.conf" &
NGINX_PID=$!
if ! wait_ok "$NGINX_PORT" "$SEED_URL" "$NGINX_PID" 30; then
	cat "$NGINX_DIR/error.log" >&2 || true
	die "nginx did not serve $SEED_URL on port $NGINX_PORT"
fi
sleep 0.2
NGINX_WORKERS=$(cat "/proc/$NGINX_PID/task/$NGINX_PID/children" 2>/dev/null || true)
NGX=http://$HOST:$NGINX_PORT
log "nginx pid $NGINX_PID (workers: $NGINX_WORKERS) on $NGX"

# --- warm-up ----------------------------------------------------------------

APP_ETAG=$(curl -fsS -D - -o /dev/null "$APP$SEED_URL" | tr -d '\r' | awk -F': ' 'tolower($1) == "etag" { print $2 }')
NGX_ETAG=$(curl -fsS -D - -o /dev/null "$NGX$SEED_URL" | tr -d '\r' | awk -F': ' 'tolower($1) == "etag" { print $2 }')
[ -n "$APP_ETAG" ] || die "the app sent no ETag for $SEED_URL"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $APP_ETAG" "$APP$SEED_URL")" = 304 ] || die "the app did not answer 304 to its own ETag"
for u in "$APP$SEED_URL" "$APP/columns/jhgh" "$APP/" "$NGX$SEED_URL"; do
	[ "$(curl -s -o /dev/null -w '%{http_code}' "$u")" = 200 ] || die "GET $u is not 200"
done
log "warming up (${WARMUP}s of wrk per URL)"
for u in "$NGX$SEED_URL" "$APP$SEED_URL" "$APP/columns/jhgh" "$APP/"; do
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$u" >/dev/null
done
sleep 1
RSS_WARM=$(rss_mb "$APP_PID")

# --- wrk runs ---------------------------------------------------------------

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
RESULTS=$TMP/results.tsv
: >"$RESULTS"
RUN=0

# to_ms converts a wrk latency ("812.00us", "1.20ms", "2.01s") to ms.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
		printf "%.2f", n }'
}

# children_cpu prints the CPU seconds (user+system) of this shell's reaped
# children, from the `times` output saved in file $1.
children_cpu() { awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, a, "m"); sub(/s$/, "", a[2]); s += a[1] * 60 + a[2] } print s + 0 }' "$1"; }

# run_wrk NAME SERVER(app|nginx) URL [wrk args...] runs wrk and appends a
# line to $RESULTS: name, req/s, p50 ms, p99 ms, requests, errors, cores used
# by the server, by wrk, by interrupts (softirq) and by other processes, and
# the server's CPU µs per request.
run_wrk() {
	local name=$1 server=$2 url=$3
	shift 3
	RUN=$((RUN + 1))
	local out=$TMP/wrk-$RUN.txt pids c0 c1 m0 m1 q0 q1 t0 t1
	case $server in
	app) pids=$APP_PID ;;
	plain) pids=$PLAIN_PID ;;
	*) pids="$NGINX_PID $NGINX_WORKERS" ;;
	esac
	wait_idle
	log "wrk: $name ($url, ${DURATION}s)"
	# shellcheck disable=SC2086
	c0=$(cpu_ticks $pids)
	read -r m0 q0 < <(machine_busy)
	times >"$TMP/times0" # wrk's CPU time: this shell's children, before and after
	t0=$(now_ns)
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url" >"$out"
	t1=$(now_ns)
	times >"$TMP/times1"
	read -r m1 q1 < <(machine_busy)
	# shellcheck disable=SC2086
	c1=$(cpu_ticks $pids)
	local rps p50 p99 reqs errs
	rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
	p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
	p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
	reqs=$(awk '/requests in/ { print $1 }' "$out")
	errs=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$out")
	if [ -z "$rps" ] || [ -z "$reqs" ]; then
		cat "$out" >&2
		die "could not read wrk's output for $name"
	fi
	awk -v name="$name" -v rps="$rps" -v p50="$p50" -v p99="$p99" -v reqs="$reqs" -v errs="$errs" \
		-v c=$((c1 - c0)) -v m=$((m1 - m0)) -v q=$((q1 - q0)) -v hz="$CLK_TCK" -v ns=$((t1 - t0)) \
		-v w0="$(children_cpu "$TMP/times0")" -v w1="$(children_cpu "$TMP/times1")" 'BEGIN {
		secs = ns / 1e9; srv = c / hz / secs; wrk = (w1 - w0) / secs; other = m / hz / secs - srv - wrk
		if (other < 0) other = 0
		printf "%s\t%s\t%s\t%s\t%s\t%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.1f\n", name, rps, p50, p99, reqs, errs,
			srv, wrk, q / hz / secs, other, (reqs > 0 ? c / hz * 1e6 / reqs : 0) }' >>"$RESULTS"
	[ "$errs" -eq 0 ] || log "warning: $name had $errs non-2xx/3xx responses or socket errors"
}

# The plain-Go ceiling: the app's own bytes and headers from net/http alone.
curl -fsS -D "$TMP/plain-headers.txt" -o "$TMP/plain-body.html" "$APP$SEED_URL"
PLAIN_PORT=$(free_port)
"$TMP/scalebench" plain -file "$TMP/plain-body.html" -headers "$TMP/plain-headers.txt" -addr "$HOST:$PLAIN_PORT" >>"$TMP/plain.log" 2>&1 &
PLAIN_PID=$!
wait_ok "$PLAIN_PORT" "$SEED_URL" "$PLAIN_PID" 30 || die "the plain Go server did not answer on port $PLAIN_PORT"
PLAIN=http://$HOST:$PLAIN_PORT
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$PLAIN$SEED_URL" >/dev/null

for ((r = 1; r <= ROUNDS; r++)); do
	run_wrk "nginx static item #$r" nginx "$NGX$SEED_URL"
	run_wrk "plain Go item #$r" plain "$PLAIN$SEED_URL"
	run_wrk "app item page #$r" app "$APP$SEED_URL"
done
run_wrk "nginx item, If-None-Match (304)" nginx "$NGX$SEED_URL" -H "If-None-Match: $NGX_ETAG"
run_wrk "app item, If-None-Match (304)" app "$APP$SEED_URL" -H "If-None-Match: $APP_ETAG"
run_wrk "app column /columns/jhgh" app "$APP/columns/jhgh"
run_wrk "app home /" app "$APP/"
RSS_AFTER=$(rss_mb "$APP_PID")
HWM_AFTER=$(hwm_mb "$APP_PID")
log "idle ${IDLE_WAIT}s before the last memory reading"
sleep "$IDLE_WAIT"
RSS_IDLE=$(rss_mb "$APP_PID")

# Cache-busting: a new query string per request misses the render cache, so
# every request renders the page (database queries + templates). Last,
# because it also fills and flushes the cache.
cat >"$TMP/bust.lua" <<'EOF'
local n = 0
local tid = 0
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args) tid = wrk.thread:get("tid") or 0 end
function request()
  n = n + 1
  return wrk.format("GET", wrk.path .. "?nocache=" .. tid .. "-" .. n)
end
EOF
run_wrk "app item, uncached (?nocache=N)" app "$APP$SEED_URL" -s "$TMP/bust.lua"
RSS_BUST=$(rss_mb "$APP_PID")

# One staff login: argon2id hashing (64 MiB a hash) raises the heap, and the
# Go runtime gives that memory back to the OS only minutes later.
LOGIN=$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode name=admin --data-urlencode password=gongkai-demo-2021 "$APP/admin/login")
[ "$LOGIN" = 303 ] || log "warning: the demo admin login answered $LOGIN, not 303"
sleep 1
RSS_LOGIN=$(rss_mb "$APP_PID")
sleep "$IDLE_WAIT"
RSS_LOGIN_IDLE=$(rss_mb "$APP_PID")

# --- same bytes? ------------------------------------------------------------

# The item page shows a live click count (点击数) that grows with every view,
# so the bodies are compared with that number replaced.
strip_clicks() { sed -E 's#(点击数：<span class="clicks">)[0-9]+(</span>)#\1N\2#'; }
curl -fsS -o "$TMP/app-page.html" "$APP$SEED_URL"
curl -fsS -o "$TMP/nginx-page.html" "$NGX$SEED_URL"
cmp -s "$TMP/nginx-page.html" "$WWW$SEED_URL" || die "nginx did not serve the file's exact bytes"
APP_SHA=$(strip_clicks <"$TMP/app-page.html" | sha256sum | cut -c1-16)
NGX_SHA=$(strip_clicks <"$TMP/nginx-page.html" | sha256sum | cut -c1-16)
grep -q '点击数：<span class="clicks">[0-9]' "$TMP/app-page.html" || die "the click count marker is missing from the item page"
APP_HDR=$(curl -fsS -o /dev/null -w '%{size_header}' "$APP$SEED_URL")
NGX_HDR=$(curl -fsS -o /dev/null -w '%{size_header}' "$NGX$SEED_URL")
APP_BODY=$(stat -c %s "$TMP/app-page.html")
NGX_BODY=$(stat -c %s "$TMP/nginx-page.html")

# --- report -----------------------------------------------------------------

# Per round: app/nginx req/s of the two runs made back to back, and how much
# CPU other processes took meanwhile (the larger of the two runs).
ROUND_RATIOS=$(awk -F'\t' '$1 ~ /^nginx static item #/ { n[++i] = $2; no[i] = $10 } $1 ~ /^app item page #/ { a[++j] = $2; ao[j] = $10 }
	END { for (k = 1; k <= i; k++) printf "#%d %.2f (other CPU %.2f)%s", k, a[k] / n[k], (ao[k] > no[k] ? ao[k] : no[k]), (k < i ? ", " : "") }' "$RESULTS")
RATIO_MED=$(awk -F'\t' '$1 ~ /^nginx static item #/ { n[++i] = $2 } $1 ~ /^app item page #/ { a[++j] = $2 }
	END { for (k = 1; k <= i; k++) printf "%.4f\n", a[k] / n[k] }' "$RESULTS" | median)
RATIO_MED=$(awk -v r="$RATIO_MED" 'BEGIN { printf "%.2f", r }')
# CPU per request is less sensitive to other load than req/s.
CPU_RATIO=$(awk -F'\t' '$1 ~ /^nginx static item #/ { n += $11; i++ } $1 ~ /^app item page #/ { a += $11; j++ }
	END { printf "%.2f", (n / i) / (a / j) }' "$RESULTS")
APP_MED=$(awk -F'\t' '$1 ~ /^app item page #/ { print $2 }' "$RESULTS" | median)
NGX_MED=$(awk -F'\t' '$1 ~ /^nginx static item #/ { print $2 }' "$RESULTS" | median)
RATIO=$(awk -v a="$APP_MED" -v n="$NGX_MED" 'BEGIN { printf "%.2f", a / n }')
NGX304=$(awk -F'\t' '$1 ~ /^nginx item, If-None-Match/ { print $2 }' "$RESULTS")
FRESH_MED=$(printf '%s\n' "${FRESH_MS[@]}" | median)
EXIST_MED=$(printf '%s\n' "${EXISTING_MS[@]}" | median)

verdict() { if [ "$1" = 1 ]; then echo "MET"; else echo "NOT MET"; fi; }
G_RPS=$(awk -v r="$RATIO_MED" 'BEGIN { print (r >= 0.55) }')
G_START=$(awk -v f="$FRESH_MED" -v e="$EXIST_MED" 'BEGIN { print (f < 1000 && e < 1000) }')
G_RSS=$(awk -v a="$RSS_WARM" -v b="$RSS_AFTER" -v c="$RSS_IDLE" 'BEGIN { print (a < 100 && b < 100 && c < 100) }')

cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem_total=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
echo
echo "gongkai benchmark — $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "machine: ${NPROC} CPUs ($cpu_model), $mem_total RAM, Linux $(uname -r)"
echo "tools:   $(go version | awk '{ print $3 }'), $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'), $(wrk -v 2>&1 | head -n1 | awk '{ print "wrk " $2 }')"
echo "load:    wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency, on the same $NPROC CPUs as the servers; nginx: $WORKERS workers, sendfile on"
echo "page:    $SEED_URL (index no. $SEED_INDEX_NO): body $APP_BODY B (app) / $NGX_BODY B (nginx), headers $APP_HDR B (app) / $NGX_HDR B (nginx)"
echo "bodies:  sha256 with the click count blanked: app $APP_SHA, nginx $NGX_SHA — $([ "$APP_SHA" = "$NGX_SHA" ] && echo identical || echo DIFFERENT)"
echo
printf '%-34s %8s %8s %8s %9s %6s %7s %7s %7s %7s %8s\n' "run" "req/s" "p50 ms" "p99 ms" "requests" "errors" "server" "wrk" "softirq" "other" "µs/req"
awk -F'\t' '{ printf "%-34s %8s %8s %8s %9s %6s %7s %7s %7s %7s %8s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }' "$RESULTS"
echo "(server, wrk, softirq, other: CPU cores used during the run by the server under test, by wrk, by the"
echo " kernel's interrupt work (loopback TCP), and by other processes; µs/req: server CPU per request)"
echo "load average: $LOAD_BEFORE before the runs, $(cut -d' ' -f1-3 /proc/loadavg) after"
echo
echo "item page req/s, median of $ROUNDS: app $APP_MED, nginx $NGX_MED (ratio of the medians $RATIO)"
PLAIN_RATIOS=$(awk -F'\t' '$1 ~ /^nginx static item #/ { n[++i] = $2 } $1 ~ /^plain Go item #/ { a[++j] = $2 }
	END { for (k = 1; k <= i; k++) printf "%.4f\n", a[k] / n[k] }' "$RESULTS" | median)
echo "plain Go/nginx (the same bytes and headers from net/http alone), median of the rounds: $(awk -v r="$PLAIN_RATIOS" 'BEGIN { printf "%.2f", r }')"
echo "app/nginx per round: $ROUND_RATIOS; median $RATIO_MED"
echo "app/nginx by server CPU per request (nginx µs/req ÷ app µs/req, mean of the rounds): $CPU_RATIO"
echo "start (exec to first 200 on /healthz), ms: fresh data dir (demo load) ${FRESH_MS[*]} (median $FRESH_MED); existing data dir ${EXISTING_MS[*]} (median $EXIST_MED)"
echo "RSS, MB: after a fresh start ${FRESH_RSS[0]}; after start on existing data $RSS_START; after warm-up $RSS_WARM; right after the wrk runs $RSS_AFTER (peak $HWM_AFTER); after ${IDLE_WAIT}s idle $RSS_IDLE;"
echo "         after the uncached run (render cache full: 4096 pages) $RSS_BUST; 1 s after one staff login $RSS_LOGIN, ${IDLE_WAIT}s later $RSS_LOGIN_IDLE"
echo
echo "goal: item page ≥ 55% of nginx req/s ........ $(verdict "$G_RPS") ($RATIO_MED; by CPU per request $CPU_RATIO; 304s: app $(awk -F'\t' '$1 ~ /^app item, If-None-Match/ { print $2 }' "$RESULTS") vs nginx $NGX304 req/s)"
echo "goal: starts in under 1 s ................... $(verdict "$G_START") (fresh $FRESH_MED ms, existing $EXIST_MED ms)"
echo "goal: idles under 100 MB .................... $(verdict "$G_RSS") (warm $RSS_WARM MB, after load $RSS_AFTER MB, idle $RSS_IDLE MB)"

BUSY=$(awk -F'\t' '$10 > 0.25 { n++ } END { print n + 0 }' "$RESULTS")
[ "$BUSY" -eq 0 ] || log "warning: in $BUSY runs other processes used more than a quarter core: the machine was not idle, figures are low"
[ "$APP_SHA" = "$NGX_SHA" ] || die "the app's item page and nginx's copy differ (beyond the click count)"
if [ "$STRICT" = 1 ] && [ "$G_RPS$G_START$G_RSS" != 111 ]; then
	die "a goal is not met (--strict)"
fi
