package live

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"gongkai/internal/interact/live"
)

// streamLife is how long one event stream stays open; the browser's
// EventSource then reconnects by itself with Last-Event-ID, so no stream
// outlives the server's write timeout and a node can drain.
const streamLife = 4 * time.Minute

// streamPing keeps proxies from closing an idle stream.
const streamPing = 25 * time.Second

// The open streams of a node are bounded (a goroutine and a socket each):
// in all (DefaultMaxStreams) and per client address (DefaultMaxStreamsPerAddr;
// IPv6 clients by their /64, which one subscriber usually holds whole), so
// one client cannot hold the node's streams. Beyond either a page is told
// so (503 or 429 with Retry-After) and still works by reload. The per-address
// cap leaves room for an office's readers behind one NAT address.
const (
	DefaultMaxStreams        = 10000
	DefaultMaxStreamsPerAddr = 32
)

// streamGate counts the open streams, in all and per address.
type streamGate struct {
	mu     sync.Mutex
	total  int
	byAddr map[string]int
}

// streamKey is the address a stream is counted under.
func streamKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is6() || a.Is4In6() {
		return ip
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// acquire takes a stream for key; status is 0 when granted, else the
// refusal's HTTP status.
func (g *streamGate) acquire(key string, maxTotal, maxPer int) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.total >= maxTotal {
		return http.StatusServiceUnavailable
	}
	if g.byAddr[key] >= maxPer {
		return http.StatusTooManyRequests
	}
	if g.byAddr == nil {
		g.byAddr = map[string]int{}
	}
	g.total++
	g.byAddr[key]++
	return 0
}

func (g *streamGate) release(key string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.total--
	if g.byAddr[key]--; g.byAddr[key] <= 0 {
		delete(g.byAddr, key)
	}
}

// OpenStreams reports the open streams (tests and diagnostics).
func (s *Feature) OpenStreams() (total int, byAddr map[string]int) {
	s.streams.mu.Lock()
	defer s.streams.mu.Unlock()
	out := make(map[string]int, len(s.streams.byAddr))
	for k, v := range s.streams.byAddr {
		out[k] = v
	}
	return s.streams.total, out
}

// liveQuestion is a question as the live page receives it (also the API's
// public question).
type liveQuestion struct {
	ID         int64  `json:"id"`
	Asker      string `json:"asker"`
	Body       string `json:"body"`
	Status     string `json:"status"`
	Answer     string `json:"answer"`
	AnsweredBy string `json:"answered_by"`
	AnsweredAt string `json:"answered_at"`
}

func liveQuestionOf(q *live.Question) liveQuestion {
	return liveQuestion{ID: q.ID, Asker: q.AskerLabel(), Body: q.Body, Status: q.Status, Answer: q.Answer, AnsweredBy: q.AnsweredBy, AnsweredAt: q.AnsweredAt}
}

// stream is the interview's server-sent events (text/event-stream): each
// change of its public questions as an event "question" whose id is the
// interview's seq, and "status" when the interview moves on. It is a
// progressive enhancement: the page works by reloading without it.
func (s *Feature) stream(w http.ResponseWriter, r *http.Request) {
	iv, err := s.loadInterview(r)
	if err == nil && s.Hub == nil {
		err = errNoService
	}
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	maxTotal, maxPer := s.MaxStreams, s.MaxStreamsPerAddr
	if maxTotal <= 0 {
		maxTotal = DefaultMaxStreams
	}
	if maxPer <= 0 {
		maxPer = DefaultMaxStreamsPerAddr
	}
	key := streamKey(s.ClientIP(r))
	switch s.streams.acquire(key, maxTotal, maxPer) {
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "30")
		http.Error(w, "直播连接已满，请稍后刷新页面查看最新问答", http.StatusServiceUnavailable)
		return
	case http.StatusTooManyRequests:
		w.Header().Set("Retry-After", "30")
		http.Error(w, fmt.Sprintf("您的网络地址已打开 %d 个直播连接，已达上限；请关闭多余的页面，或刷新页面查看最新问答", maxPer), http.StatusTooManyRequests)
		return
	}
	defer s.streams.release(key)
	after, _ := strconv.ParseInt(strings.TrimSpace(r.Header.Get("Last-Event-ID")), 10, 64)
	if after <= 0 {
		after, _ = strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	}
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Now().Add(streamLife + time.Minute))
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 3000\n\n")
	if !iv.Open() {
		// Nothing more will come: say so, and the page stops listening.
		writeEvent(w, "status", iv.Seq, map[string]string{"status": iv.Status})
		rc.Flush()
		return
	}
	rc.Flush()
	ctx, cancel := context.WithTimeout(r.Context(), streamLife)
	defer cancel()
	ch := s.Hub.Listen(ctx, iv.ID, after)
	ping := time.NewTicker(streamPing)
	defer ping.Stop()
	status := iv.Status
	for {
		select {
		case <-ping.C:
			fmt.Fprint(w, ": ping\n\n")
		case c, ok := <-ch:
			if !ok {
				return
			}
			for _, q := range c.Questions {
				writeEvent(w, "question", c.Seq, liveQuestionOf(q))
			}
			if c.Status != status || len(c.Questions) == 0 {
				status = c.Status
				writeEvent(w, "status", c.Seq, map[string]string{"status": c.Status})
			}
			if !(c.Status == live.Announced || c.Status == live.Live) {
				rc.Flush()
				return
			}
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

func writeEvent(w http.ResponseWriter, name string, id int64, v any) {
	b, _ := json.Marshal(v)
	fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", id, name, b)
}
