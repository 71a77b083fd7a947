package relevance

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
)

func TestCorpus(t *testing.T) {
	docs, keys, err := Corpus()
	if err != nil {
		t.Fatal(err)
	}
	hand, err := handDocs()
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) < 320 || len(hand) < 80 || len(keys) != len(docs) {
		t.Fatalf("%d documents (%d hand-written), %d keys; want ≥ 320, ≥ 80, parallel", len(docs), len(hand), len(keys))
	}
	kinds := map[string]int{}
	validity := map[string]int{}
	for i, d := range docs {
		if d.Ref != int64(i+1) || d.SiteID != 1 {
			t.Fatalf("document %d (%s): Ref %d SiteID %d", i, keys[i], d.Ref, d.SiteID)
		}
		kinds[d.Kind]++
		if d.Kind == "policy" {
			validity[d.Validity]++
			if d.Validity == "" {
				t.Errorf("policy %s has no validity", keys[i])
			}
		} else if d.Validity != "" {
			t.Errorf("%s %s has validity %q", d.Kind, keys[i], d.Validity)
		}
	}
	for _, k := range Kinds {
		if kinds[k] < 3 {
			t.Errorf("kind %s: %d documents, want at least 3", k, kinds[k])
		}
	}
	for _, v := range []string{"in_force", "repealed", "expired"} {
		if validity[v] < 3 {
			t.Errorf("validity %s: %d policies, want at least 3", v, validity[v])
		}
	}
}

// generatedDigest is the SHA-256 of the generated documents. The judgments
// name generated documents by key: when the generator changes on purpose,
// re-read the changed documents, re-judge queries.jsonl, then update this.
const generatedDigest = "6b5ef10046c719d09224ca921a7f5e8545f00a6b8a9a80a064f58c650f766b1e"

func TestGeneratedStable(t *testing.T) {
	b, err := json.Marshal(generate())
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != generatedDigest {
		t.Fatalf("generated corpus digest %s, recorded %s: re-judge the queries before updating it", got, generatedDigest)
	}
	again, _ := json.Marshal(generate())
	if string(again) != string(b) {
		t.Fatal("generate is not deterministic")
	}
}
