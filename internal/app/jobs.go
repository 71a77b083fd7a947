package app

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/events"
	"gongkai/internal/mail"
	"gongkai/internal/request"
	"gongkai/internal/search"
)

// Background runs the periodic jobs: click flushing, scheduled publishing,
// session purging, the daily self-inspection, pruning old change events
// and the search query log, and delivering change events (also other
// nodes'); once at start, the search index of a database without one and
// the text of attachments uploaded before extraction existed. It returns
// when ctx ends, after a last flush.
func (a *App) Background(ctx context.Context, clickEvery time.Duration) {
	clicks := time.NewTicker(clickEvery)
	minute := time.NewTicker(time.Minute)
	defer clicks.Stop()
	defer minute.Stop()
	// Change events: delivery to the subscribers, other nodes' events by
	// LISTEN/NOTIFY or polling the outbox.
	// A database without a search index (from before the search, or
	// restored without it) is indexed first, in batches; the rebuild moves
	// the search subscription past the events it covered.
	go func() {
		a.firstIndex(ctx)
		// Small full-text segments left by writes before this start (an
		// older build, a crash before the merge after them): merged now,
		// as every write's are a moment after it (fts5.Index.TidySmall).
		if t, ok := a.Search.Backend.(interface{ TidySmall(context.Context) error }); ok {
			if err := t.TidySmall(ctx); err != nil {
				a.Log.Warn("search: merge small segments", "err", err)
			}
		}
		a.Catalog.Bus.Run(ctx)
	}()
	go a.backfillText(ctx)
	if a.Mail != nil {
		go a.Mail.Run(ctx, 30*time.Second) // the e-mail outbox (internal/mail)
	}
	var swept calendar.Date
	a.scheduled(ctx, &swept)
	for {
		select {
		case <-ctx.Done():
			if err := a.Catalog.FlushClicks(context.WithoutCancel(ctx), &a.Web.Clicks); err != nil {
				a.Log.Error("flush clicks", "err", err)
			}
			// Another node need not wait for the lease to expire.
			if err := a.Catalog.DB.ReleaseLease(context.WithoutCancel(ctx), jobsLease, a.node); err != nil {
				a.Log.Error("release jobs lease", "err", err)
			}
			return
		case <-clicks.C:
			if err := a.Catalog.FlushClicks(ctx, &a.Web.Clicks); err != nil && !errors.Is(err, context.Canceled) {
				a.Log.Error("flush clicks", "err", err)
			}
		case <-minute.C:
			a.scheduled(ctx, &swept)
			// The purges below are idempotent deletes of what has expired:
			// every node may run them.
			if err := a.Auth.PurgeSessions(ctx); err != nil {
				a.Log.Error("purge sessions", "err", err)
			}
			if _, err := events.Prune(ctx, a.Catalog.DB, time.Now().Add(-events.Retention)); err != nil {
				a.Log.Error("prune events", "err", err)
			}
			if _, err := a.Catalog.PruneIdempotencyKeys(ctx, time.Now()); err != nil {
				a.Log.Error("prune idempotency keys", "err", err)
			}
			if a.Blobs != nil {
				if _, err := a.Catalog.PurgePendingUploads(ctx, a.Blobs, time.Now()); err != nil {
					a.Log.Error("purge pending uploads", "err", err)
				}
			}
			if _, err := a.Web.Captcha.Prune(ctx, time.Now()); err != nil {
				a.Log.Error("prune captcha uses", "err", err)
			}
			if _, err := mail.Prune(ctx, a.Catalog.DB, time.Now().Add(-mail.Retention)); err != nil {
				a.Log.Error("prune mail outbox", "err", err)
			}
			if a.Search != nil {
				if _, err := a.Search.PruneQueryLog(ctx, time.Now().Add(-search.QueryLogRetention)); err != nil {
					a.Log.Error("prune search query log", "err", err)
				}
			}
		}
	}
}

// jobsLease is the lease (store.TryLease) of the jobs that must run once
// per platform however many nodes serve it (issue 17): scheduled
// publishing, the request notices, the validity sweep, the daily
// self-inspection and the requests' retention purge. The holder renews it
// every minute; when it stops (a crash), another node takes over once the
// lease has expired. The ttl is longer than the longest run (the
// self-inspection of a large site), so a slow run is not started twice.
const (
	jobsLease    = "scheduled-jobs"
	jobsLeaseTTL = 10 * time.Minute
)

// newNodeID names this process among the nodes of one database: host, pid
// and a random part (a restarted process is a new holder).
func newNodeID() string {
	host, _ := os.Hostname()
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// scheduled runs the once-per-platform jobs when this node holds (or
// takes) their lease, and reports whether it did.
func (a *App) scheduled(ctx context.Context, swept *calendar.Date) bool {
	ok, err := a.Catalog.DB.TryLease(ctx, jobsLease, a.node, time.Now(), jobsLeaseTTL)
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			a.Log.Error("jobs lease", "err", err)
		}
		return false
	}
	if !ok {
		return false
	}
	a.publishDue(ctx)
	a.mailRequestNotices(ctx)
	a.sweepValidity(ctx, swept)
	a.dailyChecks(ctx)
	a.purgeRequests(ctx)
	return true
}

// dailyChecks runs the self-inspection of every site whose last run is a
// day old, and keeps the report for the trend and as the stored run the
// back office shows; then it refreshes a stored run that is out of date
// (compliance.Tick). It goes through the compliance single flight; on
// PostgreSQL the run's lock and a second look at the last run under it
// make several nodes run it once.
func (a *App) dailyChecks(ctx context.Context) {
	sites, err := a.Catalog.Sites(ctx)
	if err != nil {
		a.Log.Error("daily checks", "err", err)
		return
	}
	for _, site := range sites {
		last, err := a.Compliance.LastRun(ctx, site.ID)
		if err == nil && time.Since(last) >= 24*time.Hour {
			select {
			case <-a.Compliance.Record(site.ID, a.Web.Today(), a.Web.Writes(site.ID), 24*time.Hour):
			case <-ctx.Done():
				return
			}
		}
		// The stored run a new day or the site's changes made out of date
		// (pages start no refresh of a slow site: compliance.Tick).
		if _, err := a.Compliance.Tick(ctx, site.ID, a.Web.Today(), a.Web.Writes(site.ID)); err != nil && !errors.Is(err, context.Canceled) {
			a.Log.Error("self-inspection refresh", "site", site.Slug, "err", err)
		}
	}
}

// sweepValidity moves documents' 有效性 on with their dates once a day
// (the first minute of a new day in China, and at start).
func (a *App) sweepValidity(ctx context.Context, last *calendar.Date) {
	today := a.Web.Today()
	if today == *last {
		return
	}
	n, err := a.Catalog.SweepValidity(ctx, today)
	if err != nil {
		a.Log.Error("validity sweep", "err", err)
		return
	}
	since := ""
	if !last.IsZero() {
		since = last.String()
	}
	*last = today
	if n > 0 {
		a.Log.Info("validity sweep", "changed", n)
	}
	// List rows whose publicity period ended (enforcement decisions,
	// RECORDS §2.6) leave the search too.
	if sites, err := a.Catalog.Sites(ctx); err == nil {
		for _, site := range sites {
			if _, err := a.Lists.SweepPublicity(ctx, site.ID, since, today.String()); err != nil {
				a.Log.Error("publicity sweep", "site", site.Slug, "err", err)
			}
		}
	}
}

// mailRequestNotices hands the applicants' notices (受理, 补正, 答复 …) to the
// e-mail outbox when mail is configured; they stay on the status page
// either way.
func (a *App) mailRequestNotices(ctx context.Context) {
	if a.Mail == nil || a.Requests == nil || a.Requests.Sealer == nil {
		return
	}
	n, err := a.Requests.HandOver(ctx, 100, func(ctx context.Context, tx *sql.Tx, o request.Outgoing) error {
		body := o.Body + "\n\n申请编号：" + o.TrackingNo + "\n（本邮件由系统发送，请勿直接回复；办理进度可在网站“依申请公开”栏目查询。）"
		_, err := mail.Enqueue(ctx, tx, mail.Message{To: o.Email, Subject: o.Subject, Body: body})
		if errs.CodeOf(err) == errs.Invalid {
			// An address the mailer cannot use: the notice stays on the
			// status page only (no personal data in the log).
			a.Log.Warn("request notice not mailable", "notice", o.ID)
			return nil
		}
		return err
	})
	if err != nil {
		a.Log.Error("request notices to mail", "err", err)
	}
	if n > 0 {
		a.Log.Info("request notices to mail", "notices", n)
	}
}

func (a *App) publishDue(ctx context.Context) {
	n, err := a.Catalog.PublishDue(ctx, time.Now())
	if err != nil {
		a.Log.Error("scheduled publishing", "err", err)
	}
	if n > 0 {
		a.Log.Info("scheduled publishing", "published", n)
	}
}

// backfillText extracts the text of attachments still marked pending (files
// from before migration 0014), each once; it runs beside the other jobs so
// that a large backlog does not delay them.
func (a *App) backfillText(ctx context.Context) {
	if a.Blobs == nil {
		return
	}
	n, err := a.Catalog.BackfillAttachmentText(ctx, a.Blobs, a.Log)
	if err != nil && !errors.Is(err, context.Canceled) {
		a.Log.Error("attachment text backfill", "err", err)
	}
	if n > 0 {
		a.Log.Info("attachment text backfill", "files", n)
	}
}
