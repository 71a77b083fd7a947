package enforce

import "testing"

// The decisions of a synthetic site fit one edition of the ledger
// (200,000 rows): `seed --synthetic 1000000` asked for 250,000.
func TestSyntheticDecisionsFitTheLedger(t *testing.T) {
	for _, c := range []struct{ n, want int }{{100, 40}, {100000, 25000}, {800000, 200000}, {1000000, 200000}} {
		if got := syntheticDecisions(c.n); got != c.want {
			t.Errorf("syntheticDecisions(%d) = %d, want %d", c.n, got, c.want)
		}
	}
}
