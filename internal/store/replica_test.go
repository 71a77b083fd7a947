package store_test

import (
	"context"
	"strings"
	"testing"

	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

// TestReplicasNeedPostgres: SQLite has no replicas; a replica that is not
// a standby is refused (the primary given twice). The routing itself is
// tested end to end with a real standby in internal/app (TestReadReplica).
func TestReplicasNeedPostgres(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	if err := db.UseReplicas(ctx, []string{"postgres://postgres@127.0.0.1:1/x"}); err == nil || !strings.Contains(err.Error(), "PostgreSQL") {
		t.Errorf("SQLite with a replica: %v", err)
	}
	if db.HasReplicas() {
		t.Error("SQLite has replicas")
	}
	dsn := storetest.DSN(t, store.Postgres)
	pg, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	if err := pg.UseReplicas(ctx, []string{"mysql://x"}); err == nil || !strings.Contains(err.Error(), "postgres://") {
		t.Errorf("a replica that is no postgres URL: %v", err)
	}
	if err := pg.UseReplicas(ctx, []string{dsn}); err == nil || !strings.Contains(err.Error(), "not a standby") {
		t.Errorf("the primary as its own replica: %v", err)
	}
	if err := pg.MarkChange(ctx); err != nil {
		t.Errorf("MarkChange without replicas: %v", err)
	}
}
