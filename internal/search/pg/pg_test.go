package pg_test

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"gongkai/internal/search"
	"gongkai/internal/search/pg"
	"gongkai/internal/search/searchsql"
	"gongkai/internal/search/searchtest"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	searchtest.Run(t, func(t *testing.T) search.Backend {
		return pg.New(storetest.Open(t, store.Postgres))
	})
}

// TestOptimize: after a rebuild's Optimize the index answers as before.
func TestOptimize(t *testing.T) {
	ctx := context.Background()
	b := pg.New(storetest.Open(t, store.Postgres))
	if err := b.Put(ctx, &search.Document{SiteID: 1, Kind: "policy", Ref: 1, Title: "法律援助条例", PublishedOn: "2021-01-01"}); err != nil {
		t.Fatal(err)
	}
	if err := b.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := b.Match(ctx, &search.Match{SiteID: 1, Must: []search.Clause{{*search.PhraseOf("法律援助", search.TitleOnly)}}, Cap: 10})
	if err != nil || len(r.Candidates) != 1 {
		t.Fatalf("after Optimize: %+v, %v", r, err)
	}
}

// TestVectorLimits: a body of many distinct tokens (the server counts
// positions against its 1 MB, not only the lexemes) and a run of letters
// longer than a lexeme may be are indexed, not refused.
func TestVectorLimits(t *testing.T) {
	ctx := context.Background()
	b := pg.New(storetest.Open(t, store.Postgres))
	var body strings.Builder
	body.WriteString("社区矫正工作。" + strings.Repeat("a", 3000) + "。")
	for x := uint32(1); body.Len() < 400000; {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		body.WriteRune(rune(0x4e00 + x%20000))
	}
	if err := b.Put(ctx, &search.Document{SiteID: 1, Kind: "policy", Ref: 1, Title: "通知", Body: body.String(), PublishedOn: "2021-01-01"}); err != nil {
		t.Fatal(err)
	}
	r, err := b.Match(ctx, &search.Match{SiteID: 1, Must: []search.Clause{{*search.PhraseOf("社区矫正", search.Anywhere)}}, Cap: 10})
	if err != nil || len(r.Candidates) != 1 {
		t.Errorf("社区矫正: %+v, %v", r, err)
	}
}

// TestConformancePaths: the suite again with the windowed walk forced to
// test rows one by one only, to read index windows only, and to switch
// from the one to the other after a few rows (no statistics' shortcut):
// the same answers every way.
func TestConformancePaths(t *testing.T) {
	for _, path := range []string{searchsql.PathDirect, searchsql.PathIndex, "switch"} {
		t.Run(path, func(t *testing.T) {
			if path == "switch" {
				defer func(i, d float64) { searchsql.IndexRows, searchsql.DirectRows = i, d }(searchsql.IndexRows, searchsql.DirectRows)
				searchsql.IndexRows, searchsql.DirectRows = 0, 40
			}
			searchtest.Run(t, func(t *testing.T) search.Backend {
				b := pg.New(storetest.Open(t, store.Postgres))
				if path != "switch" {
					b.Path = path
				}
				return b
			})
		})
	}
}

// BenchmarkVector is a rebuild's client CPU per document on PostgreSQL
// (a body of some 3,000 characters, as the synthetic site's).
func BenchmarkVector(b *testing.B) {
	d := &search.Document{
		Title: "关于印发《临沂市法律援助工作实施办法》的通知",
		Extra: "临司发〔2021〕12号\n临沂市司法局",
		Body:  strings.Repeat("全市各级司法行政机关要坚持以人民为中心的发展思想，把法律援助工作摆在更加突出的位置。2021年共办理案件1234件，", 40),
	}
	b.SetBytes(int64(len(d.Body)))
	start := cpuTime()
	for b.Loop() {
		pg.Vector(d)
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// cpuTime is the process's user and system CPU time (the machine is shared:
// wall time per op depends on the load, CPU time does not).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
