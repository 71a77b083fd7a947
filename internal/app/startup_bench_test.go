package app

import (
	"context"
	"testing"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/demo"
	"gongkai/internal/secure"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

// productionPasswordParams is secure.PasswordParams as the binary uses it,
// captured before TestMain lowers it for the tests.
var productionPasswordParams = secure.PasswordParams

// BenchmarkDemoLoad is the bulk of `gongkai serve --demo` on a fresh data
// directory: migrating an empty SQLite file and loading the demo site, whose
// six staff accounts each cost one argon2id hash. "production" hashes with
// the binary's parameters (19 MiB, two passes), "cheap" with the tests'
// ones, so the difference is the hashing.
func BenchmarkDemoLoad(b *testing.B) {
	for _, c := range []struct {
		name   string
		params secure.Argon2Params
	}{{"production", productionPasswordParams}, {"cheap", secure.PasswordParams}} {
		b.Run(c.name, func(b *testing.B) {
			saved := secure.PasswordParams
			secure.PasswordParams = c.params
			defer func() { secure.PasswordParams = saved }()
			ctx := context.Background()
			for b.Loop() {
				db := storetest.Open(b, store.SQLite)
				cat := &catalog.Service{DB: db}
				if _, err := demo.Load(ctx, cat, auth.NewService(db), "127.0.0.1"); err != nil {
					b.Fatal(err)
				}
				db.Close()
			}
		})
	}
}
