#!/usr/bin/env bash
# itempages.sh BIN DATA [PORT] [N] — cold-cache times of item pages on a large site
# of about N items (default 100000).
#
# Starts BIN (a gongkai binary) on the data directory DATA (for example one
# filled by `gongkai seed --synthetic 100000 --data DATA`), then prints:
#   - the back-office item page of a few items, as the office user (median of 5);
#   - the first (uncached) public item page and API item detail of 10 items (median);
#   - the server's peak resident memory.
# Compare two builds by running it once with each on the same DATA
# (docs/BENCHMARKS.md, "Item pages at 100,000 items").
set -euo pipefail
bin=$1 data=$2 port=${3:-18300} max=${4:-100000}
"$bin" serve --data "$data" --addr "127.0.0.1:$port" >"$data/itempages-serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
base="http://127.0.0.1:$port"
jar=$(mktemp)
curl -s -c "$jar" -b "$jar" -o /dev/null -d "name=office&password=gongkai-demo-2021" "$base/admin/login"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for id in 17 18 $((max / 2)) $((max - 5)) $((max - 6)); do
	ts=$(for _ in 1 2 3 4 5; do curl -s -b "$jar" -o /dev/null -w '%{time_total}\n' "$base/admin/items/$id"; done)
	echo "admin item $id: median $(echo "$ts" | median) s ($(echo $ts))"
done
for path in /items/ /api/v1/items/; do
	ts=$(for k in 1 2 3 4 5 6 7 8 9 10; do curl -s -o /dev/null -w '%{time_total}\n' "$base$path$((max * k / 11))"; done)
	echo "first $path{id} of 10 items: median $(echo "$ts" | median) s"
done
grep VmHWM "/proc/$pid/status"
rm -f "$jar"
