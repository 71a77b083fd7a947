package live

import (
	"context"
	"sync"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/secure"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var office = &auth.User{ID: 1, Name: "office", Role: auth.Office}

// newService opens a database with one site; Today is 2026-12-01.
func newService(t *testing.T, db *store.DB) (*Service, int64) {
	t.Helper()
	var site int64
	if err := db.W.QueryRow(`INSERT INTO sites (id, slug, name, org_code, created_at) VALUES (7, 'test', '测试局', '1', $1) RETURNING id`, store.Now()).Scan(&site); err != nil {
		t.Fatal(err)
	}
	sl, err := secure.NewSealer(make([]byte, secure.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return &Service{DB: db, Sealer: sl, Today: func() calendar.Date { return calendar.Date{Year: 2026, Month: 12, Day: 1} }}, site
}

func liveInterview(t *testing.T, s *Service, site int64) *Interview {
	t.Helper()
	ctx := context.Background()
	iv, err := s.CreateInterview(ctx, office, site, InterviewInput{Title: "访谈", Topic: "主题", Guests: "甲，科长", StartsAt: "2026-12-01T09:00"})
	if err != nil {
		t.Fatal(err)
	}
	if iv, err = s.Advance(ctx, office, site, iv.ID, Live); err != nil {
		t.Fatal(err)
	}
	return iv
}

func recv(t *testing.T, ch <-chan Change) Change {
	t.Helper()
	select {
	case c, ok := <-ch:
		if !ok {
			t.Fatal("listener closed")
		}
		return c
	case <-time.After(20 * time.Second):
		t.Fatal("no change within 20 s")
	}
	return Change{}
}

// TestHubAcrossNodes: the answer is written through one service and heard
// by another node's hub, which shares nothing with it but the database;
// both of the hub's listeners get it, a listener that stops reading is
// dropped, and the feed stops with its last listener.
func TestHubAcrossNodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		writer, site := newService(t, db)
		ctx := context.Background()
		iv := liveInterview(t, writer, site)
		node2 := &Service{DB: writer.DB}
		hub := &Hub{Service: node2, Every: 5 * time.Millisecond}
		ctx1, stop1 := context.WithCancel(ctx)
		ctx2, stop2 := context.WithCancel(ctx)
		defer stop2()
		a := hub.Listen(ctx1, iv.ID, iv.Seq)
		b := hub.Listen(ctx2, iv.ID, iv.Seq)
		slowCtx, stopSlow := context.WithCancel(ctx)
		defer stopSlow()
		slow := hub.Listen(slowCtx, iv.ID, iv.Seq)

		q, err := writer.Ask(ctx, site, iv.ID, QuestionInput{Body: "问题一", Contact: "13912345678"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := writer.Moderate(ctx, office, site, iv.ID, q.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		for _, ch := range []<-chan Change{a, b} {
			c := recv(t, ch)
			if len(c.Questions) != 1 || c.Questions[0].ID != q.ID || c.Questions[0].Status != Approved {
				t.Fatalf("approved: %+v", c)
			}
		}
		// Twenty answers, each awaited by a and b; slow never reads and
		// overflows its buffer (16).
		for i := range 20 {
			if _, err := writer.Answer(ctx, office, site, iv.ID, q.ID, "甲", "回答"+string(rune('A'+i))); err != nil {
				t.Fatal(err)
			}
			want := "回答" + string(rune('A'+i))
			for _, ch := range []<-chan Change{a, b} {
				for {
					c := recv(t, ch)
					if n := len(c.Questions); n > 0 && c.Questions[n-1].Answer == want {
						break
					}
				}
			}
		}
		n := 0
		for range slow {
			n++
		}
		if n == 0 || n > 16 {
			t.Errorf("the slow listener got %d changes before it was closed", n)
		}
		// A rejection is not public: nothing is sent for it.
		q2, _ := writer.Ask(ctx, site, iv.ID, QuestionInput{Body: "广告"})
		if _, err := writer.Moderate(ctx, office, site, iv.ID, q2.ID, false, "广告"); err != nil {
			t.Fatal(err)
		}
		if _, err := writer.Advance(ctx, office, site, iv.ID, Closed); err != nil {
			t.Fatal(err)
		}
		c := recv(t, a)
		if c.Status != Closed || len(c.Questions) != 0 {
			t.Errorf("after the rejection and the close: %+v", c)
		}
		stop1()
		stop2()
		for range a {
		}
		for range b {
		}
		hub.mu.Lock()
		left := len(hub.feeds)
		hub.mu.Unlock()
		if left != 0 {
			t.Errorf("%d feeds still running without listeners", left)
		}
		// A late listener catches up from its own seq.
		late, stopLate := context.WithCancel(ctx)
		defer stopLate()
		c = recv(t, hub.Listen(late, iv.ID, 0))
		if len(c.Questions) != 1 || c.Questions[0].Answer != "回答T" {
			t.Errorf("catch-up: %+v", c)
		}
	})
}

func TestSignUpCapacityUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, site := newService(t, db)
		ctx := context.Background()
		e, err := s.CreateEvent(ctx, office, site, EventInput{Kind: "open_day", Title: "开放日", StartsAt: "2026-12-05T09:00", SignupUntil: "2026-12-03", Capacity: 5})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[errs.Code]int{}
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.SignUp(ctx, site, e.ID, SignupInput{Name: "市民", Phone: "1390000" + string(rune('0'+i/10)) + string(rune('0'+i%10))})
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					codes["ok"]++
				} else {
					codes[errs.CodeOf(err)]++
				}
			}()
		}
		wg.Wait()
		e, _ = s.Event(ctx, site, e.ID)
		if codes["ok"] != 5 || codes[errs.Conflict] != 15 || e.Taken != 5 {
			t.Fatalf("outcomes %v, taken %d", codes, e.Taken)
		}
		// The sign-up deadline is the site's date: after it, refused.
		s.Today = func() calendar.Date { return calendar.Date{Year: 2026, Month: 12, Day: 4} }
		e2, _ := s.CreateEvent(ctx, office, site, EventInput{Kind: "open_day", Title: "开放日二", StartsAt: "2026-12-05T09:00", SignupUntil: "2026-12-03", Capacity: 5})
		if _, err := s.SignUp(ctx, site, e2.ID, SignupInput{Name: "市民", Phone: "13900000000"}); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("after the deadline: %v", err)
		}
	})
}

func TestInterviewInputRules(t *testing.T) {
	ok := InterviewInput{Title: "访谈", Topic: "主题", Guests: "甲", StartsAt: "2025-06-12 09:30"}
	for _, c := range []struct {
		name  string
		edit  func(*InterviewInput)
		field string
	}{
		{"fine", func(*InterviewInput) {}, ""},
		{"video without captions or transcript", func(in *InterviewInput) { in.VideoURL = "https://v.example.cn/a.mp4" }, "video_transcript"},
		{"video with captions", func(in *InterviewInput) {
			in.VideoURL, in.VideoCaptions = "https://v.example.cn/a.mp4", "WEBVTT\n\n00:00.000 --> 00:02.000\n你好"
		}, ""},
		{"video with a transcript", func(in *InterviewInput) { in.VideoURL, in.VideoTranscript = "https://v.example.cn/a.mp4", "文字稿" }, ""},
		{"captions not WebVTT", func(in *InterviewInput) { in.VideoCaptions = "1\n00:00:00,000 --> 00:00:02,000" }, "video_captions"},
		{"video not a web address", func(in *InterviewInput) { in.VideoURL, in.VideoTranscript = "javascript:alert(1)", "x" }, "video_url"},
		{"ends before it starts", func(in *InterviewInput) { in.EndsAt = "2025-06-12T09:00" }, "ends_at"},
		{"no such time", func(in *InterviewInput) { in.StartsAt = "2025-02-30T09:00" }, "starts_at"},
		{"no guests", func(in *InterviewInput) { in.Guests = " " }, "guests"},
	} {
		in := ok
		c.edit(&in)
		err := in.validate()
		f := errs.FieldsOf(err)
		if c.field == "" && err != nil || c.field != "" && f[c.field] == "" {
			t.Errorf("%s: %v", c.name, err)
		}
		if err == nil && in.StartsAt != "2025-06-12T09:30" {
			t.Errorf("%s: start kept as %q", c.name, in.StartsAt)
		}
	}
}
