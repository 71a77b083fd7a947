package practice

import (
	"context"
	"net/http"
	"reflect"
	"strconv"

	"gongkai/internal/auth"
	"gongkai/internal/practice"
	"gongkai/internal/web"
)

type apiList struct {
	Submissions []*practice.Submission `json:"submissions"`
	Total       int                    `json:"total"`
	Page        int                    `json:"page"`
	PageSize    int                    `json:"page_size"`
}

type apiPublishBody struct {
	ColumnID    int64  `json:"column_id"`
	PublishedOn string `json:"published_on"`
}

type apiPublished struct {
	SubmissionID int64  `json:"submission_id"`
	ItemID       int64  `json:"item_id"`
	URL          string `json:"url"`
}

// Schemas ties the API types to openapi.json.
func Schemas() []web.Schema {
	return []web.Schema{
		{Type: reflect.TypeOf(apiList{}), Schema: "#/components/schemas/PracticeList"},
		{Type: reflect.TypeOf(practice.Submission{}), Schema: "#/components/schemas/PracticeSubmission", AlwaysSet: []string{"forwards", "files"}},
		{Type: reflect.TypeOf(practice.Forward{}), Schema: "#/components/schemas/PracticeForward"},
		{Type: reflect.TypeOf(practice.File{}), Schema: "#/components/schemas/PracticeFile"},
		{Type: reflect.TypeOf(practice.Stats{}), Schema: "#/components/schemas/PracticeStats"},
		{Type: reflect.TypeOf(practice.DeptStats{}), Schema: "#/components/schemas/PracticeDeptStats"},
		{Type: reflect.TypeOf(apiPublished{}), Schema: "#/components/schemas/PracticePublished"},
		{Type: reflect.TypeOf(practice.NewSubmission{}), Schema: "#/components/schemas/PracticeNewSubmission", Input: true},
		{Type: reflect.TypeOf(practice.Review{}), Schema: "#/components/schemas/PracticeReview", Input: true},
		{Type: reflect.TypeOf(practice.NewForward{}), Schema: "#/components/schemas/PracticeNewForward", Input: true},
		{Type: reflect.TypeOf(practice.Usage{}), Schema: "#/components/schemas/PracticeUsage", Input: true},
		{Type: reflect.TypeOf(apiPublishBody{}), Schema: "#/components/schemas/PracticePublish", Input: true},
	}
}

const bodyLimit = 256 << 10

// user is the token's user, required for every submission endpoint (the
// records are internal).
func (s *Feature) user(w http.ResponseWriter, r *http.Request) (*auth.User, bool) {
	if err := s.ready(); err != nil {
		s.APIError(w, r, err)
		return nil, false
	}
	u, err := s.APIWriter(r)
	if err != nil {
		s.APIError(w, r, err)
		return nil, false
	}
	return u, true
}

func (s *Feature) apiList(w http.ResponseWriter, r *http.Request) {
	u, ok := s.user(w, r)
	if !ok {
		return
	}
	f := filterOf(r)
	if y := r.URL.Query().Get("year"); y != "" {
		n, err := s.yearOf(r)
		if err != nil {
			s.APIError(w, r, err)
			return
		}
		f.Year = n
	}
	subs, total, err := s.Practice.List(r.Context(), web.SiteOf(r).Site.ID, u, f)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	if subs == nil {
		subs = []*practice.Submission{}
	}
	web.WriteJSON(w, http.StatusOK, apiList{subs, total, max(f.Page, 1), practice.PageSize})
}

func (s *Feature) apiSubmit(w http.ResponseWriter, r *http.Request) {
	u, ok := s.user(w, r)
	if !ok {
		return
	}
	var in practice.NewSubmission
	if err := web.DecodeJSON(w, r, &in, bodyLimit); err != nil {
		s.APIError(w, r, err)
		return
	}
	sub, err := s.Practice.Submit(r.Context(), web.SiteOf(r).Site.ID, u, in)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	s.writeSub(w, r, u, sub.ID, http.StatusCreated)
}

func (s *Feature) writeSub(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, status int) {
	sub, err := s.Practice.Get(r.Context(), web.SiteOf(r).Site.ID, u, id)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	if sub.Forwards == nil {
		sub.Forwards = []*practice.Forward{}
	}
	if sub.Files == nil {
		sub.Files = []*practice.File{}
	}
	web.WriteJSON(w, status, sub)
}

func (s *Feature) apiGet(w http.ResponseWriter, r *http.Request) {
	u, ok := s.user(w, r)
	if !ok {
		return
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	s.writeSub(w, r, u, id, http.StatusOK)
}

func (s *Feature) apiReview(w http.ResponseWriter, r *http.Request) {
	u, ok := s.user(w, r)
	if !ok {
		return
	}
	id, err := web.PathID(r, "id")
	var in practice.Review
	if err == nil {
		err = web.DecodeJSON(w, r, &in, bodyLimit)
	}
	if err == nil {
		_, err = s.Practice.Rate(r.Context(), web.SiteOf(r).Site.ID, u, id, in)
	}
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	s.writeSub(w, r, u, id, http.StatusOK)
}

func (s *Feature) apiForward(w http.ResponseWriter, r *http.Request) {
	u, ok := s.user(w, r)
	if !ok {
		return
	}
	web.APIAct(s.Server, w, r, bodyLimit, http.StatusCreated, func(ctx context.Context, siteID, id int64, in practice.NewForward) (*practice.Forward, error) {
		return s.Practice.AddForward(ctx, siteID, u, id, in)
	})
}

func (s *Feature) apiUsed(w http.ResponseWriter, r *http.Request) {
	u, ok := s.user(w, r)
	if !ok {
		return
	}
	web.APIAct(s.Server, w, r, bodyLimit, http.StatusOK, func(ctx context.Context, siteID, id int64, in practice.Usage) (*practice.Forward, error) {
		return s.Practice.SetUsed(ctx, siteID, u, id, in)
	})
}

func (s *Feature) apiPublish(w http.ResponseWriter, r *http.Request) {
	u, ok := s.user(w, r)
	if !ok {
		return
	}
	id, err := web.PathID(r, "id")
	var in apiPublishBody
	if err == nil {
		err = web.DecodeJSON(w, r, &in, bodyLimit)
	}
	if err == nil {
		item, perr := s.Practice.Publish(r.Context(), web.SiteOf(r).Site.ID, u, id, in.ColumnID, in.PublishedOn)
		if perr == nil {
			web.WriteJSON(w, http.StatusCreated, apiPublished{SubmissionID: id, ItemID: item.ID, URL: "/items/" + strconv.FormatInt(item.ID, 10)})
			return
		}
		err = perr
	}
	s.APIError(w, r, err)
}

func (s *Feature) apiStats(w http.ResponseWriter, r *http.Request) {
	st, err := s.stats(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, st)
}

func (s *Feature) apiEdit(w http.ResponseWriter, r *http.Request) {
	u, ok := s.user(w, r)
	if !ok {
		return
	}
	id, err := web.PathID(r, "id")
	var in practice.NewSubmission
	if err == nil {
		err = web.DecodeJSON(w, r, &in, bodyLimit)
	}
	if err == nil {
		_, err = s.Practice.Edit(r.Context(), web.SiteOf(r).Site.ID, u, id, in)
	}
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	s.writeSub(w, r, u, id, http.StatusOK)
}
