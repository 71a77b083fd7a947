package search

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"gongkai/internal/events"
)

// Keeping the index in step: the Service is a durable subscriber of the
// change events (events.Bus.Subscribe), so a change committed before a
// crash is indexed after the restart, and on several nodes sharing one
// PostgreSQL every node applies it (Put is idempotent).

// Subscriber is the name of the durable subscription.
const Subscriber = "search"

// ConfigChanged is the event of a change to a site's search settings
// (synonyms, best bets): every node drops its vocabulary and results.
const ConfigChanged = "search.config"

// Subscribe registers the Service with the bus: durable, and delivered
// inline by Committed, so a change is searchable on this node when the
// request that made it ends.
func (s *Service) Subscribe(bus *events.Bus) {
	bus.SubscribeInline(Subscriber, s.Handle)
}

// Handle applies one change event to the index.
func (s *Service) Handle(ctx context.Context, e events.Event) error {
	if e.Kind == ConfigChanged {
		s.changed(e.SiteID, true)
		return nil
	}
	s.mu.RLock()
	srcs := slices.Clone(s.sources)
	s.mu.RUnlock()
	for _, src := range srcs {
		refs, ok := src.Changed(e)
		if !ok {
			continue
		}
		if refs == nil {
			if _, err := s.reindexSource(ctx, src, e.SiteID, nil); err != nil {
				return err
			}
			continue
		}
		for _, r := range refs {
			if err := s.apply(ctx, src, e.SiteID, r); err != nil {
				return err
			}
		}
	}
	s.changed(e.SiteID, false)
	return nil
}

// apply puts a record's document, or removes it when it is not public.
func (s *Service) apply(ctx context.Context, src *Source, siteID int64, r Ref) error {
	d, err := src.Load(ctx, siteID, r)
	if err != nil {
		return fmt.Errorf("search: load %s %d: %w", r.Kind, r.ID, err)
	}
	// The kind may have changed too (an item's document type): remove the
	// record under every other kind of its source (every kind when it is
	// not public).
	var others []string
	for _, k := range src.Kinds {
		if d == nil || k.Code != d.Kind {
			others = append(others, k.Code)
		}
	}
	if err := s.deleteUnder(ctx, siteID, others, r.ID); err != nil {
		return err
	}
	if d == nil {
		return nil
	}
	return s.Backend.Put(ctx, d)
}

// RefDeleter is a Backend that removes a record under several kinds at
// once (one transaction, none written when there is nothing to remove).
type RefDeleter interface {
	DeleteRef(ctx context.Context, siteID int64, kinds []string, ref int64) error
}

// deleteUnder removes the record ref under each of kinds: one call when
// the back end is a RefDeleter (issue 17: a publication removed its item
// under each of the catalogue's other kinds in a write transaction of its
// own, some twenty, queued behind every other writer), else one per kind.
func (s *Service) deleteUnder(ctx context.Context, siteID int64, kinds []string, ref int64) error {
	if len(kinds) == 0 {
		return nil
	}
	if rd, ok := s.Backend.(RefDeleter); ok {
		return rd.DeleteRef(ctx, siteID, kinds, ref)
	}
	for _, k := range kinds {
		if err := s.Backend.Delete(ctx, siteID, k, ref); err != nil {
			return err
		}
	}
	return nil
}

// reindexBatch is how many documents one Put writes during a rebuild.
const reindexBatch = 500

// Preparer is a Backend whose Put splits in two: Prepare computes what the
// engine writes for a document (its token text or vectors: most of a
// rebuild's client CPU), in any goroutine and without the database, and
// PutPrepared is Put with those values. A rebuild prepares batches in
// parallel workers while one writer writes the batch before.
type Preparer interface {
	Prepare(d *Document) any
	PutPrepared(ctx context.Context, docs []*Document, prepared []any) error
}

// Reindex rebuilds a site's index from every source, reporting progress.
// It is safe while serving: documents are replaced in place, and those no
// source yields any more are removed at the end.
func (s *Service) Reindex(ctx context.Context, siteID int64, progress func(done, total int)) (int, error) {
	s.mu.RLock()
	srcs := slices.Clone(s.sources)
	s.mu.RUnlock()
	total := 0
	for _, src := range srcs {
		n, err := s.reindexSource(ctx, src, siteID, progress)
		if err != nil {
			return total, err
		}
		total += n
	}
	s.changed(siteID, true)
	return total, nil
}

// reindexJob is one batch of a rebuild: prepared by a worker, written by
// the writer in the order read (ready is closed when prepared is set).
type reindexJob struct {
	docs     []*Document
	prepared []any
	ready    chan struct{}
}

func (s *Service) reindexSource(ctx context.Context, src *Source, siteID int64, progress func(done, total int)) (int, error) {
	docs, total, err := src.All(ctx, siteID)
	if err != nil {
		return 0, err
	}
	// A pipeline on every core: one reader (the source's queries, HTML to
	// text), GOMAXPROCS workers preparing batches (tokens, vectors), one
	// writer writing them in the order read; a few batches in flight.
	pctx, stop := context.WithCancel(ctx)
	defer stop()
	prep, _ := s.Backend.(Preparer)
	workers := runtime.GOMAXPROCS(0)
	if prep == nil {
		workers = 0
	}
	queue := make(chan *reindexJob, workers+1) // to the writer, in order
	jobs := make(chan *reindexJob, workers)    // to the workers
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				j.prepared = make([]any, len(j.docs))
				for i, d := range j.docs {
					if pctx.Err() != nil {
						break
					}
					j.prepared[i] = prep.Prepare(d)
				}
				close(j.ready)
			}
		})
	}
	var readErr error
	go func() {
		defer close(queue)
		defer close(jobs)
		send := func(batch []*Document) bool {
			j := &reindexJob{docs: batch, ready: make(chan struct{})}
			if prep == nil {
				close(j.ready)
			}
			select {
			case queue <- j:
			case <-pctx.Done():
				return false
			}
			if prep != nil {
				jobs <- j // never blocks for long: workers drain jobs until it is closed
			}
			return true
		}
		batch := make([]*Document, 0, reindexBatch)
		for d, err := range docs {
			if err != nil {
				readErr = err
				return
			}
			d.SiteID = siteID
			batch = append(batch, d)
			if len(batch) == reindexBatch {
				if !send(batch) {
					return
				}
				batch = make([]*Document, 0, reindexBatch)
			}
		}
		if len(batch) > 0 {
			send(batch)
		}
	}()
	end := func() {
		stop()
		for j := range queue { // let the reader and the workers end
			<-j.ready
		}
		wg.Wait()
	}
	keep := map[Ref]bool{}
	done := 0
	for j := range queue {
		<-j.ready
		var err error
		switch {
		case ctx.Err() != nil: // a cancelled worker may have left documents unprepared
			err = ctx.Err()
		case prep != nil:
			err = prep.PutPrepared(ctx, j.docs, j.prepared)
		default:
			err = s.Backend.Put(ctx, j.docs...)
		}
		if err != nil {
			end()
			return done, err
		}
		for _, d := range j.docs {
			keep[Ref{d.Kind, d.Ref}] = true
		}
		done += len(j.docs)
		if progress != nil {
			progress(done, total)
		}
	}
	wg.Wait()
	if readErr != nil {
		return done, readErr
	}
	// Sweep: what the index holds of this source's kinds and no longer
	// comes from it.
	for _, k := range src.Kinds {
		var stale []int64
		for ref, err := range s.Backend.Refs(ctx, siteID, k.Code) {
			if err != nil {
				return done, err
			}
			if !keep[Ref{k.Code, ref}] {
				stale = append(stale, ref)
			}
		}
		for _, ref := range stale {
			if err := s.Backend.Delete(ctx, siteID, k.Code, ref); err != nil {
				return done, err
			}
		}
	}
	return done, ctx.Err()
}

// ErrNoDoc is returned by Related for a record that is not indexed.
var ErrNoDoc = errors.New("search: record not indexed")

// ReindexAll rebuilds the index of every site given (all sites of the
// database) and moves the subscription past the events the rebuild
// covered, so they are not applied again after it.
func (s *Service) ReindexAll(ctx context.Context, siteIDs []int64, progress func(siteID int64, done, total int)) (int, error) {
	last, err := events.Last(ctx, s.DB)
	if err != nil {
		return 0, err
	}
	// The engine may write differently while the whole index is replaced
	// (FTS5: no merges to purge deleted rows, which the final Optimize
	// does once); Optimize restores its settings.
	if b, ok := s.Backend.(interface{ BeginRebuild(context.Context) error }); ok {
		if err := b.BeginRebuild(ctx); err != nil {
			return 0, err
		}
	}
	n := 0
	for _, id := range siteIDs {
		k, err := s.Reindex(ctx, id, func(done, total int) {
			if progress != nil {
				progress(id, done, total)
			}
		})
		n += k
		if err != nil {
			return n, err
		}
	}
	// A rebuild leaves the engine's index fragmented (FTS5: dozens of
	// segments, each sought by every query); the back end compacts it.
	if o, ok := s.Backend.(interface{ Optimize(context.Context) error }); ok {
		if err := o.Optimize(ctx); err != nil {
			return n, err
		}
	}
	return n, events.Advance(ctx, s.DB, Subscriber, last)
}
