#!/usr/bin/env bash
# scripts/flood.sh — floods a demo server with what an attacker can send
# without an account, and reports how it held up (issue 16). Bounded and
# loopback only: it builds gongkai, starts `gongkai serve --demo` on a free
# 127.0.0.1 port in a temporary directory, runs each flood for DURATION
# seconds with wrk, stops the server and removes everything (trap).
#
#   scripts/flood.sh              every flood, 5 s each (about a minute)
#   DURATION=2 scripts/flood.sh   shorter
#
# Floods: wrong-password logins (POST /admin/login), the home and an item
# page, the search form (GET /search, a new query each request), the
# accessibility toolbar (POST /a11y), and a new Host header each request.
# For each: requests/s, status classes (429 counted apart: refusals by the
# limits), socket errors, and the server's RSS after it and its peak
# (VmHWM). Environment: DURATION (5), THREADS (2), CONNECTIONS (32).
set -euo pipefail

DURATION=${DURATION:-5}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
case ${1:-} in
-h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
"") ;;
*) echo "flood.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH=/usr/local/go/bin:$PATH
unset GONGKAI_DB GONGKAI_DATA GONGKAI_ADDR GONGKAI_LOG GONGKAI_TRUST_PROXY GONGKAI_TRUSTED_PROXIES GONGKAI_SECURE_COOKIES
SEED_INDEX_NO=1438332193/sfj/2021-0000192

log() { printf '[flood] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

for tool in wrk curl; do
	if ! command -v "$tool" >/dev/null; then
		[ "$(id -u)" -eq 0 ] || die "$tool is missing: apt-get install -y $tool"
		log "installing $tool with apt-get"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null ||
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null; } ||
			die "apt-get install $tool failed"
	fi
done

TMP=$(mktemp -d /tmp/gongkai-flood.XXXXXXXX)
APP_PID=
cleanup() {
	if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then
		kill "$APP_PID" 2>/dev/null || true
		wait "$APP_PID" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 30000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	die "no free port"
}

mem_mb() { awk -v k="$2:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

log "building gongkai"
(cd "$ROOT" && CGO_ENABLED=0 go build -o "$TMP/gongkai" ./cmd/gongkai)
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
"$TMP/gongkai" serve --demo --data "$TMP/data" --addr "127.0.0.1:$PORT" --log error >"$TMP/server.log" 2>&1 &
APP_PID=$!
for _ in $(seq 300); do
	curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
	kill -0 "$APP_PID" 2>/dev/null || { cat "$TMP/server.log" >&2; die "server exited"; }
	sleep 0.1
done
curl -fsS -o /dev/null "$BASE/healthz" || die "server not ready after 30 s"
ITEM=$(curl -fsS "$BASE/api/v1/items?index_no=$SEED_INDEX_NO" | sed -n 's/.*"url":"\([^"]*\)".*/\1/p' | head -1)
[ -n "$ITEM" ] || die "seed item not found"
START_MEM="RSS $(mem_mb "$APP_PID" VmRSS) MB, peak $(mem_mb "$APP_PID" VmHWM) MB"
log "gongkai pid $APP_PID on $BASE, $START_MEM after start"

# One Lua script for every flood: FLOOD_* variables choose the request; the
# response hook counts status classes per thread, done() adds them up.
cat >"$TMP/flood.lua" <<'LUA'
local threads = {}
local method = os.getenv("FLOOD_METHOD") or "GET"
local body = os.getenv("FLOOD_BODY")
local vary = os.getenv("FLOOD_VARY") or ""
function setup(thread)
	thread:set("tid", #threads)
	table.insert(threads, thread)
end
function init(args)
	n, c2, c3, c4, c429, c5 = 0, 0, 0, 0, 0, 0
end
function request()
	n = n + 1
	local h = {}
	local path = wrk.path
	if body then h["Content-Type"] = "application/x-www-form-urlencoded" end
	if vary == "host" then h["Host"] = string.format("t%d-%d.flood.invalid", tid, n) end
	if vary == "query" then path = path .. string.format("%d%d", tid, n) end
	return wrk.format(method, path, h, body)
end
function response(status, headers, body)
	if status == 429 then c429 = c429 + 1
	elseif status >= 500 then c5 = c5 + 1
	elseif status >= 400 then c4 = c4 + 1
	elseif status >= 300 then c3 = c3 + 1
	else c2 = c2 + 1 end
end
function done(summary, latency, requests)
	local t = {c2 = 0, c3 = 0, c4 = 0, c429 = 0, c5 = 0}
	for _, th in ipairs(threads) do
		for k in pairs(t) do t[k] = t[k] + th:get(k) end
	end
	local e = summary.errors
	io.write(string.format("RESULT %d %.0f %d %d %d %d %d %d %.1f\n", summary.requests, summary.requests / (summary.duration / 1e6),
		t.c2, t.c3, t.c4, t.c429, t.c5, e.connect + e.read + e.write + e.timeout, latency:percentile(99) / 1000))
end
LUA

ROWS=()
# flood NAME PATH [VAR=VALUE ...]: one wrk run with FLOOD_* settings.
flood() {
	local name=$1 path=$2 out
	shift 2
	out=$(env "$@" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s "$TMP/flood.lua" "$BASE$path" 2>&1) ||
		die "wrk failed on $name: $out"
	local r
	r=$(grep '^RESULT ' <<<"$out") || die "no result for $name: $out"
	read -r _ req rps c2 c3 c4 c429 c5 sock p99 <<<"$r"
	local bad=$((c5 + sock))
	local rate
	rate=$(awk -v b="$bad" -v n="$req" 'BEGIN { printf "%.2f", n ? 100 * b / n : 0 }')
	ROWS+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s %% | %s | %s | %s |' "$name" "$req" "$rps" "$c2" "$c3" "$c4" "$c429" "$c5" "$rate" "$sock" "$(mem_mb "$APP_PID" VmRSS)" "$(mem_mb "$APP_PID" VmHWM)")")
	log "$name: $req requests, $rps/s; 2xx $c2 3xx $c3 4xx $c4 429 $c429 5xx $c5 socket errors $sock; p99 ${p99} ms; RSS $(mem_mb "$APP_PID" VmRSS) MB, peak $(mem_mb "$APP_PID" VmHWM) MB"
	kill -0 "$APP_PID" 2>/dev/null || { cat "$TMP/server.log" >&2; die "server died during $name"; }
}

flood "login, wrong password" /admin/login FLOOD_METHOD=POST FLOOD_BODY="name=office&password=wrong-password"
flood "home page" /
flood "item page" "$ITEM"
flood "search form, new query each" "/search?q=%E5%A4%8D%E8%AE%AE" FLOOD_VARY=query
flood "POST /a11y toolbar" /a11y FLOOD_METHOD=POST FLOOD_BODY="op=text%2B&next=%2F"
flood "distinct Host headers" / FLOOD_VARY=host

# The right password still works after the floods (the limits lock no one out).
code=$(curl -s -o /dev/null -w '%{http_code}' -d "name=office&password=gongkai-demo-2021" "$BASE/admin/login")
log "correct office login after the floods: HTTP $code (303 expected)"

printf '\nMachine: %s, %s cores, %s; %s; commit %s; %s s per flood, %s threads, %s connections\n\n' \
	"$(uname -m)" "$(nproc)" "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)" "$(date -u +%Y-%m-%d)" \
	"$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" "$DURATION" "$THREADS" "$CONNECTIONS"
echo "| flood | requests | req/s | 2xx | 3xx | 4xx | 429 | 5xx | error rate | socket errors | RSS after (MB) | peak RSS (MB) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${ROWS[@]}"
echo
echo "After start: $START_MEM. Error rate: 5xx and socket errors over requests. Correct login afterwards: HTTP $code."
