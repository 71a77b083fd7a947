package inspect

import (
	"testing"

	"gongkai/internal/lists"
)

// A synthetic site of any size must fit one edition of each list: at
// 1,000,000 items n/150 inspectors were 6,666 rows, over the 5,000 an
// edition holds, and `seed --synthetic 1000000` failed there.
func TestSyntheticSizesFitTheLists(t *testing.T) {
	for _, c := range []struct{ n, targets, inspectors int }{
		{1000, 40, 12},
		{100000, 3333, 666},
		{1000000, lists.InspectTargets.RowLimit(), 5000},
		{10000000, lists.InspectTargets.RowLimit(), lists.Inspectors.RowLimit()},
	} {
		tg, in := syntheticSizes(c.n)
		if tg != c.targets || in != c.inspectors {
			t.Errorf("syntheticSizes(%d) = %d targets, %d inspectors; want %d, %d", c.n, tg, in, c.targets, c.inspectors)
		}
	}
}
