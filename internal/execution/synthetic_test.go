package execution

import (
	"math/rand/v2"
	"testing"
)

// The synthetic items pass the kinds' own checks (LoadEdition trusts
// them) and carry the follow-ups in realistic shares: every published reply
// reviewed, most planned replies answered again, a few second replies, a
// third of the items with co-handlers.
func TestSyntheticProposals(t *testing.T) {
	props, cos := synthProposals(rand.New(rand.NewPCG(1, 2)), 3000, 2025)
	n := map[string]int{}
	for _, v := range props {
		if _, bad := Proposals.Validate(v); len(bad) > 0 {
			t.Fatalf("%s: %v", v["number"], bad)
		}
		for _, f := range []string{"met", "plan_due", "plan_replied_on", "second_replied_on", "feedback_on", "misassigned_on", "co_units"} {
			if v[f] != "" {
				n[f]++
			}
		}
		if !Reviewed(v) {
			t.Errorf("%s: published without the secrecy review", v["number"])
		}
	}
	for _, v := range cos {
		if _, bad := CoOpinions.Validate(v); len(bad) > 0 {
			t.Fatalf("%s/%s: %v", v["number"], v["co_unit"], bad)
		}
	}
	share := func(f string) float64 { return float64(n[f]) / float64(len(props)) }
	for f, want := range map[string][2]float64{"met": {0.85, 0.95}, "plan_due": {0.3, 0.5}, "feedback_on": {0.02, 0.06}, "misassigned_on": {0.002, 0.02}, "co_units": {0.28, 0.39}} {
		if s := share(f); s < want[0] || s > want[1] {
			t.Errorf("%s: share %.3f, want %.3f–%.3f", f, s, want[0], want[1])
		}
	}
	if n["plan_replied_on"] < n["plan_due"]*7/10 || n["second_replied_on"] < n["feedback_on"]*7/10 || n["second_replied_on"] == 0 {
		t.Errorf("follow-ups: %v", n)
	}
	if len(cos) < n["co_units"] {
		t.Errorf("%d co-opinions for %d items with co-handlers", len(cos), n["co_units"])
	}
}
