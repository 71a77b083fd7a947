package app

import (
	"context"
	"log/slog"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/blob"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/compliance"
	"gongkai/internal/demo"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
	"gongkai/internal/web"
)

// TestNodesShareSelfInspection: two servers on one database (nodes on one
// PostgreSQL; two processes on one SQLite file). The stored
// self-inspection that node B's back office shows follows a change made
// on node A, through the change events B receives, although B served no
// write and its stored findings may be a day old (issue 17).
func TestNodesShareSelfInspection(t *testing.T) {
	t.Parallel()
	day := calendar.Date{Year: 2026, Month: 12, Day: 1}
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			dsn := storetest.DSN(t, d)
			node := func() *App {
				db, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if _, err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				blobs, err := blob.OpenFS(filepath.Join(t.TempDir(), "attachments"))
				if err != nil {
					t.Fatal(err)
				}
				srv, err := New(&catalog.Service{DB: db}, auth.NewService(db), blobs, slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError})),
					web.Options{Today: func() calendar.Date { return day }})
				if err != nil {
					t.Fatal(err)
				}
				// Only a change may make the stored run out of date; a page
				// waits for the refresh it starts.
				srv.Compliance.MaxAge, srv.Compliance.WaitBelow = 24*time.Hour, time.Hour
				// The change events' delivery alone, without the jobs (their
				// scheduled publications and sweeps would change the site too).
				done := make(chan struct{})
				go func() { srv.Catalog.Bus.Run(ctx); close(done) }()
				t.Cleanup(func() { cancel(); <-done })
				return srv
			}
			a := node()
			au := auth.NewService(a.Catalog.DB)
			site, err := demo.LoadOn(ctx, a.Catalog, au, "127.0.0.1", day)
			if err != nil {
				t.Fatal(err)
			}
			b := node()
			// What B's workbench and self-inspection page ask for.
			look := func() *compliance.Stored {
				t.Helper()
				st, _, err := b.Compliance.Ensure(ctx, site.ID, day, b.Web.Writes(site.ID))
				if err != nil || st == nil {
					t.Fatalf("node B's stored run: %+v %v", st, err)
				}
				return st
			}
			before := look()
			// A marker no run writes: B's next looks keep the stored run.
			mark := func() {
				if _, err := b.Catalog.DB.W.ExecContext(ctx, `UPDATE compliance_latest SET took_ms = 987654 WHERE site_id = $1`, site.ID); err != nil {
					t.Fatal(err)
				}
			}
			mark()
			if st := look(); st.Took != 987654*time.Millisecond || st.RanAt != before.RanAt {
				t.Fatalf("no change, yet node B ran again: %+v", st)
			}
			// On node A: a stale column gets a new item.
			office, err := au.UserByName(ctx, "office")
			if err != nil {
				t.Fatal(err)
			}
			tree, err := a.Catalog.Tree(ctx, site.ID)
			if err != nil {
				t.Fatal(err)
			}
			dept, err := a.Catalog.DepartmentByRef(ctx, "zfk")
			if err != nil {
				t.Fatal(err)
			}
			it, err := a.Catalog.Create(ctx, office, site.ID, catalog.Input{DocType: "statistics", ColumnID: tree.BySlug["tjsj"].ID, DepartmentID: dept.ID,
				Title: "本季度全市司法行政业务数据（节点 A）", Disclosure: "proactive", Fields: map[string]string{"period": "本季度"}, PublishedOn: day.AddDays(-1).String()})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Catalog.Submit(ctx, office, site.ID, it.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Catalog.Publish(ctx, office, site.ID, it.ID, time.Time{}); err != nil {
				t.Fatal(err)
			}
			// Node B sees it once the event reaches it (at once on
			// PostgreSQL's NOTIFY, within the polling interval on SQLite).
			var after *compliance.Stored
			for limit := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				if after = look(); after.Took != 987654*time.Millisecond {
					break
				}
				if time.Now().After(limit) {
					t.Fatal("node B still shows the self-inspection from before node A's change")
				}
			}
			if n := b.Web.Writes(site.ID); n != 0 {
				t.Fatalf("node B counted %d writes: the refresh must come from the change event", n)
			}
			if after.Findings != before.Findings-1 {
				t.Errorf("after node A's change node B shows %d findings, before %d (want one fewer: the column is no longer stale)", after.Findings, before.Findings)
			}
			fresh, err := b.Compliance.Run(ctx, site.ID, day)
			if err != nil {
				t.Fatal(err)
			}
			stored, _, err := b.Compliance.Findings(ctx, compliance.FindingFilter{SiteID: site.ID})
			if err != nil || !reflect.DeepEqual(stored, fresh.Findings) {
				t.Errorf("node B's stored findings (%v) differ from a fresh run", err)
			}
			// The change is taken into account once: B's next looks reuse
			// the refreshed run.
			mark()
			if st := look(); st.Took != 987654*time.Millisecond {
				t.Errorf("node B ran again without another change: %+v", st)
			}
		})
	}
}
