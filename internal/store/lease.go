package store

import (
	"context"
	"fmt"
	"time"
)

// TryLease claims the lease name for holder until now+ttl when it is free,
// expired, or already holder's (a renewal), in one statement, and reports
// whether holder has it. Several nodes calling it at once get one true.
// Jobs that must run once per platform call it before each run with a ttl
// longer than the run (issue 17).
func (db *DB) TryLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	if ttl <= 0 {
		return false, fmt.Errorf("lease %s: ttl must be positive", name)
	}
	res, err := db.W.ExecContext(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE leases.expires_at <= $4 OR leases.holder = excluded.holder`,
		name, holder, FormatTime(now.Add(ttl)), FormatTime(now))
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", name, err)
	}
	return n == 1, nil
}

// ReleaseLease gives up holder's lease name at once (a node shutting down),
// so another node need not wait for it to expire. Releasing a lease held by
// another holder changes nothing.
func (db *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	if _, err := db.W.ExecContext(ctx, `DELETE FROM leases WHERE name = $1 AND holder = $2`, name, holder); err != nil {
		return fmt.Errorf("release lease %s: %w", name, err)
	}
	return nil
}
