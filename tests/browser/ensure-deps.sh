#!/usr/bin/env bash
# Run by `npm test` (pretest): installs from Debian what the browser tests
# need when it is missing. scripts/test.sh installs chromium and node too;
# this also covers running `npm test` by hand, and adds a CJK font so the
# screenshots in artifacts/ show Chinese text rather than empty boxes.
set -euo pipefail
need=()
[ -x "${CHROME_BIN:-/usr/bin/chromium}" ] || need+=(chromium)
if ! fc-list 2>/dev/null | grep -qiE 'WenQuanYi|Noto Sans CJK|Noto Serif CJK'; then
	need+=(fonts-wqy-microhei)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "browser tests: missing ${need[*]}; not root, so install it yourself: apt-get install -y ${need[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update >&2
apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "${need[@]}" >&2
