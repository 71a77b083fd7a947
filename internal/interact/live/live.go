// Package live holds the live side of 政民互动 (issue 11): online
// interviews (在线访谈) with questions moderated and answered while they
// run, open days and similar events (开放日, 网络问政, 电视问政) with sign-up
// under a capacity, and the body's new-media accounts (政务新媒体) with
// their QR codes. Messages (留言) are internal/interact's.
//
// Interviews are live across nodes: every public change bumps the
// interview's seq in the same transaction, and each node's Hub polls it
// (broadcast.go), so a page open on any node hears of an answer given on
// any other.
package live

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/events"
	"gongkai/internal/secure"
	"gongkai/internal/store"
)

// EventChanged is the outbox event of a public change to an interview's
// announcement or archive, an event or a new-media account: the render
// caches of every node drop the site's pages (the home page shows the
// accounts and the upcoming interviews).
const EventChanged = "live.changed"

// Service stores interviews, events and accounts.
type Service struct {
	DB *store.DB
	// Sealer encrypts the askers' contacts and the sign-ups' names and
	// phones (个人信息保护法第五十一条, as internal/request); without one,
	// questions with a contact and sign-ups are refused.
	Sealer *secure.Sealer
	// Today is the site's date (sign-up deadlines); nil: calendar.Today.
	Today func() calendar.Date
	// Committed is told after a commit that appended an outbox event
	// (events.Bus.Committed); nil is fine.
	Committed func(ctx context.Context)
}

func (s *Service) today() calendar.Date {
	if s.Today != nil {
		return s.Today()
	}
	return calendar.Today()
}

// Maximum lengths, in characters, of what people type.
const (
	MaxTitle      = 200
	MaxTopic      = 1000
	MaxGuests     = 1000
	MaxSummary    = 5000
	MaxURL        = 500
	MaxCaptions   = 200000
	MaxTranscript = 100000
	MaxAsker      = 50
	MaxContact    = 100
	MaxQuestion   = 1000
	MaxAnswer     = 5000
	MaxReason     = 200
	MaxPlace      = 200
	MaxReport     = 20000
	MaxName       = 50
	MaxPhone      = 30
	MaxNote       = 200
	MaxAccount    = 100
	MaxOwner      = 100
	MaxFilingNo   = 50
	MaxAlt        = 200
)

// TimeLayout is how start and end times are kept: Beijing wall time, as a
// datetime-local input sends it.
const TimeLayout = "2006-01-02T15:04"

func checkLen(v errs.Validation, field, val string, max int) {
	if utf8.RuneCountInString(val) > max {
		v.Add(field, fmt.Sprintf("不能超过 %d 个字", max))
	}
}

func required(v errs.Validation, field, val, what string) {
	if strings.TrimSpace(val) == "" {
		v.Add(field, "请填写"+what)
	}
}

// parseTime reads a Beijing wall time in TimeLayout (a space for the T and
// seconds are accepted too) and returns it in TimeLayout.
func parseTime(s string) (string, bool) {
	s = strings.TrimSpace(strings.Replace(s, " ", "T", 1))
	for _, l := range []string{TimeLayout, TimeLayout + ":05"} {
		if t, err := time.ParseInLocation(l, s, calendar.Beijing); err == nil {
			return t.Format(TimeLayout), true
		}
	}
	return "", false
}

// checkTime validates an optional (req false) or required time field.
func checkTime(v errs.Validation, field string, val *string, req bool, what string) {
	if strings.TrimSpace(*val) == "" {
		if req {
			v.Add(field, "请填写"+what)
		}
		*val = ""
		return
	}
	t, ok := parseTime(*val)
	if !ok {
		v.Add(field, what+"格式应为 2025-06-12T09:30")
		return
	}
	*val = t
}

// checkURL accepts an absolute http(s) address.
func checkURL(v errs.Validation, field, val string, req bool, what string) {
	if val == "" {
		if req {
			v.Add(field, "请填写"+what)
		}
		return
	}
	checkLen(v, field, val, MaxURL)
	u, err := url.Parse(val)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.Add(field, what+"应为以 http:// 或 https:// 开头的完整网址")
	}
}

// dateOf is the date part of a stored time.
func dateOf(t string) string {
	if len(t) >= 10 {
		return t[:10]
	}
	return t
}

// audit writes a staff action and the outbox event in tx.
func (s *Service) audit(ctx context.Context, tx *sql.Tx, siteID int64, actor *auth.User, action, target string, before, after any, public bool) error {
	if err := auth.Audit(ctx, tx, s.DB.Dialect, auth.Entry{SiteID: siteID, Actor: actor, Action: action, Target: target, Before: before, After: after}); err != nil {
		return err
	}
	if !public {
		return nil
	}
	_, err := events.Append(ctx, tx, s.DB.Dialect, events.Event{SiteID: siteID, Kind: EventChanged, Payload: events.Payload(map[string]string{"target": target})})
	return err
}

func (s *Service) committed(ctx context.Context) {
	if s.Committed != nil {
		s.Committed(ctx)
	}
}

// notFound maps sql.ErrNoRows to a NotFound error with msg.
func notFound(err error, msg, ctx string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, "%s", msg)
	}
	return errs.Wrap(err, ctx)
}

// Choice is a code with its Chinese label.
type Choice struct{ Code, Label string }

// LabelOf returns the label of code in cs (the code itself if unknown).
func LabelOf(cs []Choice, code string) string {
	for _, c := range cs {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

func validChoice(cs []Choice, code string) bool {
	for _, c := range cs {
		if c.Code == code {
			return true
		}
	}
	return false
}

// mayManage is who runs interviews and events: the office, or an editor
// of the hosting department (谁起草谁公开 carried over to interaction).
func mayManage(u *auth.User, dept int64) error {
	if u == nil || !(u.CanPublish() || u.CanEditDepartment(dept)) {
		return errs.E(errs.Forbidden, "只有政务公开办公室或承办科室的编辑可以管理此项")
	}
	return nil
}
