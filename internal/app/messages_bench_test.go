package app

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"gongkai/internal/interact"
	"gongkai/internal/store"
)

// BenchmarkMessageStats measures the published statistics of a year over
// 100,000 messages (two GROUP BY queries; no message is loaded):
//
//	go test -run x -bench MessageStats ./internal/app
func BenchmarkMessageStats(b *testing.B) {
	srv, _ := newBenchServer(b)
	ctx := context.Background()
	db := srv.Catalog.DB
	var siteID int64
	if err := db.R.QueryRow(`SELECT id FROM sites ORDER BY id LIMIT 1`).Scan(&siteID); err != nil {
		b.Fatal(err)
	}
	ds, err := srv.Catalog.Departments(ctx, siteID)
	if err != nil {
		b.Fatal(err)
	}
	const n = 100_000
	rnd := rand.New(rand.NewPCG(1, 2))
	statuses := []string{"answered", "answered", "answered", "answered", "invalid", "handling"}
	ratings := []string{"", "", "satisfied", "basic", "unsatisfied"}
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		for start := 0; start < n; start += 500 {
			var q strings.Builder
			q.WriteString(`INSERT INTO messages (site_id, tracking_no, code_hash, category, title, body, received_on, status, department_id, due_on,
				answered_on, answer_workdays, on_time, published, rating, created_at) VALUES `)
			for i := start; i < start+500; i++ {
				if i > start {
					q.WriteString(",")
				}
				st := statuses[rnd.IntN(len(statuses))]
				day := fmt.Sprintf("2025-%02d-%02d", 1+rnd.IntN(12), 1+rnd.IntN(28))
				ans, wd, on, rating := "", 0, 0, ""
				if st == "answered" {
					ans, wd, on, rating = day, rnd.IntN(9), rnd.IntN(2), ratings[rnd.IntN(len(ratings))]
				}
				fmt.Fprintf(&q, "(%d, 'LY2025-B%07d', 'x', '%s', 't', 'b', '%s', '%s', %d, '%s', '%s', %d, %d, 1, '%s', '%s')", siteID, i,
					interact.Categories[rnd.IntN(len(interact.Categories))].Code, day, st, ds[rnd.IntN(len(ds))].ID, day, ans, wd, on, rating, store.Now())
			}
			if _, err := tx.ExecContext(ctx, q.String()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		st, err := srv.Messages.Stats(ctx, siteID, 2025, 0)
		if err != nil || st.Total.Received != n {
			b.Fatalf("stats: %v, %d received", err, st.Total.Received)
		}
	}
}
