#!/usr/bin/env python3
"""Recompute a 双随机 draw of gongkai from its published inputs alone.

Usage:
    python3 verify-draw draw.json         # the file downloaded from the draw page
    python3 verify-draw https://…/verification.json

Python 3.8 or later, standard library only. The script checks, in order:
  1. each registry snapshot (检查对象名录库, 执法检查人员名录库) against its SHA-256;
  2. the inputs' SHA-256 (plan, snapshot hashes, exclusions, announced randomness);
  3. for a committed seed, that SHA-256(seed) is the commitment published before;
  4. the draw itself, recomputed, against the published result.
It prints what it recomputed and exits 0 when everything matches, 1 otherwise.
The algorithm is described in docs/ARCHITECTURE.md ("Random inspections").
"""
import hashlib
import hmac
import json
import re
import sys
import urllib.request

FORMAT = "gongkai-draw/1"


def canonical(value):
    """The byte form every hash is taken over."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def snapshot_hash(rows):
    rows = sorted(({"key": r["key"], "fields": r["fields"]} for r in rows),
                  key=lambda r: r["key"])
    return sha256_hex(canonical(rows))


def inputs_hash(inp):
    return sha256_hex(canonical({
        "format": inp["format"],
        "draw_id": inp["draw_id"],
        "plan": inp["plan"],
        "targets_sha256": inp["targets"]["sha256"],
        "inspectors_sha256": inp["inspectors"]["sha256"],
        "excluded_targets": inp["excluded_targets"],
        "randomness": inp["randomness"],
    }))


class Stream:
    """block i = HMAC-SHA256(master, label + "\\n" + str(i)); the first 8
    bytes big-endian are u; below(n) = u % n, rejecting u >= 2^64 - 2^64 % n."""

    def __init__(self, master, label):
        self.master, self.label, self.next = master, label, 0

    def below(self, n):
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            msg = (self.label + "\n" + str(self.next)).encode("utf-8")
            self.next += 1
            u = int.from_bytes(hmac.new(self.master, msg, hashlib.sha256).digest()[:8], "big")
            if u < limit:
                return u % n

    def pick(self, keys, k):
        """The first k of a partial Fisher-Yates shuffle."""
        a = list(keys)
        for i in range(k):
            j = i + self.below(len(a) - i)
            a[i], a[j] = a[j], a[i]
        return a[:k]


CONFLICT_SEP = re.compile("[、,，;；\t\n\r ]+")


def draw(inp, revealed):
    plan = inp["plan"]
    method = inp["randomness"]["method"]
    if method == "commit":
        key = bytes.fromhex(revealed)
    elif method == "beacon":
        key = revealed.strip().encode("utf-8")
    else:
        raise SystemExit("unknown randomness method %r" % method)
    master = hmac.new(key, (FORMAT + "\n" + inputs_hash(inp)).encode("utf-8"),
                      hashlib.sha256).digest()

    excluded = set(inp["excluded_targets"])
    targets = sorted(r["key"] for r in inp["targets"]["rows"]
                     if r["fields"].get("target_type") == plan["target_type"]
                     and r["fields"].get("status") == "active"
                     and r["key"] not in excluded)
    inspectors = sorted(r["key"] for r in inp["inspectors"]["rows"]
                        if r["fields"].get("status") == "active")
    conflicts = {r["key"]: CONFLICT_SEP.split(r["fields"].get("conflicts", "").strip())
                 for r in inp["inspectors"]["rows"]}
    count = plan["count"] if plan["count"] > 0 else (len(targets) * plan["ratio_percent"] + 99) // 100
    count = min(count, len(targets))

    out = []
    for t in Stream(master, "targets").pick(targets, count):
        free = [k for k in inspectors if t not in conflicts.get(k, [])]
        chosen = Stream(master, "inspectors\n" + t).pick(free, plan["inspectors_per_target"])
        out.append({"key": t, "inspectors": chosen})
    return out


def load(arg):
    if arg.startswith(("http://", "https://")):
        with urllib.request.urlopen(arg) as r:
            return json.loads(r.read().decode("utf-8"))
    with open(arg, encoding="utf-8") as f:
        return json.load(f)


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    doc = load(argv[1])
    inp = doc["inputs"]
    ok = True

    def check(label, good, detail=""):
        nonlocal ok
        ok = ok and good
        print("%s %s%s" % ("OK  " if good else "FAIL", label, (": " + detail) if detail else ""))

    if inp.get("format") != FORMAT:
        print("FAIL unknown format %r (this script knows %s)" % (inp.get("format"), FORMAT))
        return 1
    for name in ("targets", "inspectors"):
        h = snapshot_hash(inp[name]["rows"])
        check("%s snapshot (%d rows) SHA-256 %s" % (name, len(inp[name]["rows"]), h), h == inp[name]["sha256"],
              "" if h == inp[name]["sha256"] else "published " + inp[name]["sha256"])
    ih = inputs_hash(inp)
    check("inputs SHA-256 %s" % ih, ih == doc["inputs_sha256"],
          "" if ih == doc["inputs_sha256"] else "published " + doc["inputs_sha256"])

    revealed = doc.get("revealed") or ""
    if not revealed:
        print("the draw has not taken place yet: the randomness is not revealed")
        return 0 if ok else 1
    rnd = inp["randomness"]
    if rnd["method"] == "commit":
        try:
            c = sha256_hex(bytes.fromhex(revealed))
        except ValueError:
            c = "(the seed is not hex)"
        check("seed matches the commitment %s" % rnd["commitment"], c == rnd["commitment"], "" if c == rnd["commitment"] else "SHA-256(seed) = " + c)
        if c != rnd["commitment"]:
            return 1
    else:
        print("     public figure: %s (%s) = %s" % (rnd["source"], rnd["date"], revealed))

    mine = draw(inp, revealed)
    published = [{"key": t["key"], "inspectors": [p["key"] for p in t["inspectors"]]}
                 for t in (doc.get("result") or {}).get("targets", [])]
    for i, t in enumerate(mine, 1):
        print("  %2d. %s  inspectors: %s" % (i, t["key"], ", ".join(t["inspectors"])))
    check("recomputed draw equals the published result (%d targets)" % len(mine), mine == published)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
