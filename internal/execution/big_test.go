package execution

import (
	"context"
	"os"
	"testing"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/lists"
	"gongkai/internal/store"
)

// BenchmarkBigLedger times the staff ledger's reads (one year's tasks and
// replies) on a copy of a synthetic site's database (GONGKAI_BIG_DB, e.g.
// a copy of /tmp/big100k/gongkai.db): -run x -bench BigLedger. Computed
// once per published editions and day (memo), so this is the cached read;
// BenchmarkBigLedgerCold clears the memo each time.
func BenchmarkBigLedger(b *testing.B)     { benchLedger(b, false) }
func BenchmarkBigLedgerCold(b *testing.B) { benchLedger(b, true) }

func benchLedger(b *testing.B, cold bool) {
	path := os.Getenv("GONGKAI_BIG_DB")
	if path == "" {
		b.Skip("GONGKAI_BIG_DB not set")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := &Service{Lists: &lists.Service{DB: db, Catalog: &catalog.Service{DB: db}}}
	cal, today := calendar.Default(), calendar.Date{Year: 2026, Month: 12, Day: 1}
	for b.Loop() {
		if cold {
			memoMu.Lock()
			clear(memo)
			memoMu.Unlock()
		}
		if _, err := s.Tasks(ctx, 1, 2025, today, false); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Replies(ctx, 1, 2025, cal, today, false); err != nil {
			b.Fatal(err)
		}
	}
}
