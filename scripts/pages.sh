#!/usr/bin/env bash
# pages.sh BIN DATA [PORT] — times every page listed in scripts/pages.d/*.txt on
# a large site, with the home page and an item page as the baseline of the
# same run.
#
#   go build -o /tmp/gk ./cmd/gongkai
#   /tmp/gk seed --synthetic 100000 --data /tmp/big     # items, then every capability's records
#   scripts/pages.sh /tmp/gk /tmp/big > /tmp/pages.md
#
# Each line of a pages.d file is `public PATH` or `admin PATH` (fetched as the
# office user), optionally followed by the expected status (default 200);
# `#` starts a comment. For each page it prints a Markdown row: the status,
# the size, the first request (cold: the render cache is empty for it) and
# the median of 5 more; then the server's peak resident memory. A page whose
# status is not the expected one is marked FAIL and the script exits 1 at the
# end. docs/BENCHMARKS.md ("Pages at 100,000 items") keeps the figures.
set -euo pipefail
bin=$1 data=$2 port=${3:-18310}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
"$bin" serve --data "$data" --addr "127.0.0.1:$port" --log warn >"$data/pages-serve.log" 2>&1 &
pid=$!
jar=$(mktemp)
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; rm -f "$jar"' EXIT
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
base="http://127.0.0.1:$port"
curl -s -c "$jar" -b "$jar" -o /dev/null -d "name=office&password=gongkai-demo-2021" "$base/admin/login"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
fail=0
row() { # who path want
	local who=$1 path=$2 want=${3:-200} auth=() first ts
	[ "$who" = admin ] && auth=(-b "$jar")
	first=$(curl -s "${auth[@]}" -o /dev/null -w '%{http_code} %{size_download} %{time_total}' "$base$path")
	read -r code size t0 <<<"$first"
	ts=$(for _ in 1 2 3 4 5; do curl -s "${auth[@]}" -o /dev/null -w '%{time_total}\n' "$base$path"; done)
	local mark=""
	if [ "$code" != "$want" ]; then mark=" FAIL (want $want)"; fail=1; fi
	printf '| %s `%s` | %s%s | %s | %s | %s |\n' "$who" "$path" "$code" "$mark" "$size" "$t0" "$(echo "$ts" | median)"
}
echo "| page | status | bytes | first (s) | median of 5 (s) |"
echo "| --- | --- | ---: | ---: | ---: |"
row public / 200
row public /items/50000 200
for f in "$here"/pages.d/*.txt; do
	[ -e "$f" ] || continue
	while read -r who path want; do
		case "$who" in ''|'#'*) continue ;; esac
		row "$who" "$path" "${want:-200}"
	done <"$f"
done
echo
grep VmHWM "/proc/$pid/status"
exit $fail
