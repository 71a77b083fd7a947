package live

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/interact/live"
)

// streamLife is how long one event stream stays open; the browser's
// EventSource then reconnects by itself with Last-Event-ID, so no stream
// outlives the server's write timeout and a node can drain.
const streamLife = 4 * time.Minute

// streamPing keeps proxies from closing an idle stream.
const streamPing = 25 * time.Second

// maxStreams bounds the open streams of a node (a goroutine and a socket
// each); beyond it a page is told to retry later and still works by reload.
const maxStreams = 10000

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
	if s.streams.Add(1) > maxStreams {
		s.streams.Add(-1)
		w.Header().Set("Retry-After", "30")
		http.Error(w, "直播连接已满，请稍后刷新页面", http.StatusServiceUnavailable)
		return
	}
	defer s.streams.Add(-1)
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
