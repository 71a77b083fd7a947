package events

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"gongkai/internal/store"
)

// notifyChannel is the PostgreSQL channel Append notifies on commit.
const notifyChannel = "gongkai_events"

// notify asks PostgreSQL to tell every listening node when tx commits
// (several notifications of one transaction arrive as one).
func notify(ctx context.Context, tx *sql.Tx, d store.Dialect) error {
	if d != store.Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_notify($1, '')`, notifyChannel)
	return err
}

// listen wakes the subscribers whenever another node commits events, so
// they need not wait for the next poll. It holds one connection while ctx
// lasts and reconnects after a failure; polling remains the fallback.
func (b *Bus) listen(ctx context.Context) {
	for ctx.Err() == nil {
		err := b.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		b.log.Warn("events: LISTEN failed; polling meanwhile", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(5 * time.Second):
		}
	}
}

func (b *Bus) listenOnce(ctx context.Context) error {
	conn, err := b.db.W.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		// A pgx connection, or the read-replica routing pool's, which
		// hands out its primary's (store/replica.go).
		sc, ok := dc.(interface{ Conn() *pgx.Conn })
		if !ok {
			return fmt.Errorf("not a pgx connection: %T", dc)
		}
		pc := sc.Conn()
		if _, err := pc.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
			return err
		}
		// The connection goes back to the pool after UNLISTEN; a cancelled
		// wait leaves it unusable, so database/sql must drop it.
		defer pc.Exec(context.WithoutCancel(ctx), "UNLISTEN *")
		for {
			if _, err := pc.WaitForNotification(ctx); err != nil {
				if errors.Is(ctx.Err(), context.Canceled) || ctx.Err() != nil {
					return ctx.Err()
				}
				return err
			}
			b.Notify()
		}
	})
}
