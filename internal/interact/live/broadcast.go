package live

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Change is what open pages hear: the questions whose public state
// changed (approved, answered, answer corrected) and the interview's
// status, as of Seq.
type Change struct {
	Seq       int64
	Status    string
	Questions []*Question
}

// Hub runs one broadcaster per interview that has listeners on this node.
// A broadcaster polls the interview's seq (one indexed read per interval,
// whatever the number of listeners) and, when it moved, reads the changed
// public questions once and hands them to every listener. The database is
// the only channel between nodes, so any node's answer reaches every
// node's pages within an interval; with no listener the broadcaster stops.
type Hub struct {
	Service *Service
	// Every is the polling interval (1 s when zero).
	Every time.Duration
	Log   *slog.Logger

	mu    sync.Mutex
	feeds map[int64]*feed
}

type feed struct {
	listeners map[chan Change]struct{}
	stop      context.CancelFunc
}

// Listen subscribes to interview id's changes after seq; the channel
// receives them until ctx ends (it is then closed). A listener too slow to
// take a change loses it and is closed, so it reconnects from its last
// seq (EventSource does so by itself, with Last-Event-ID).
func (h *Hub) Listen(ctx context.Context, id, seq int64) <-chan Change {
	ch := make(chan Change, 16)
	h.mu.Lock()
	if h.feeds == nil {
		h.feeds = map[int64]*feed{}
	}
	f := h.feeds[id]
	if f == nil {
		fctx, stop := context.WithCancel(context.WithoutCancel(ctx))
		f = &feed{listeners: map[chan Change]struct{}{}, stop: stop}
		h.feeds[id] = f
		go h.run(fctx, id, f, seq)
	}
	f.listeners[ch] = struct{}{}
	h.mu.Unlock()
	// Catch up this listener from its own seq (the feed may be ahead).
	go func() {
		<-ctx.Done()
		h.drop(id, f, ch)
	}()
	if c, ok := h.read(ctx, id, seq); ok && len(c.Questions) > 0 {
		h.send(id, f, ch, c)
	}
	return ch
}

func (h *Hub) drop(id int64, f *feed, ch chan Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := f.listeners[ch]; !ok {
		return
	}
	delete(f.listeners, ch)
	close(ch)
	if len(f.listeners) == 0 && h.feeds[id] == f {
		delete(h.feeds, id)
		f.stop()
	}
}

func (h *Hub) send(id int64, f *feed, ch chan Change, c Change) {
	h.mu.Lock()
	_, ok := f.listeners[ch]
	if ok {
		select {
		case ch <- c:
			h.mu.Unlock()
			return
		default:
		}
	}
	h.mu.Unlock()
	if ok {
		h.drop(id, f, ch)
	}
}

// read returns the changes after seq (ok false on a database error).
func (h *Hub) read(ctx context.Context, id, seq int64) (Change, bool) {
	now, status, err := h.Service.Seq(ctx, id)
	if err != nil {
		if h.Log != nil && ctx.Err() == nil {
			h.Log.Warn("interview feed", "interview", id, "err", err)
		}
		return Change{}, false
	}
	if now <= seq {
		return Change{Seq: now, Status: status}, true
	}
	qs, err := h.Service.ChangedSince(ctx, id, seq)
	if err != nil {
		return Change{}, false
	}
	return Change{Seq: now, Status: status, Questions: qs}, true
}

func (h *Hub) run(ctx context.Context, id int64, f *feed, seq int64) {
	every := h.Every
	if every <= 0 {
		every = time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		c, ok := h.read(ctx, id, seq)
		if !ok || c.Seq == seq {
			continue
		}
		seq = c.Seq
		h.mu.Lock()
		var ls []chan Change
		for ch := range f.listeners {
			ls = append(ls, ch)
		}
		h.mu.Unlock()
		for _, ch := range ls {
			h.send(id, f, ch, c)
		}
	}
}
