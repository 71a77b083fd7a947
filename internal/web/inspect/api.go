package inspect

import (
	"context"
	"net/http"
	"reflect"
	"strconv"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
	"gongkai/internal/inspect"
	"gongkai/internal/web"
)

// apiDraw is a draw as the API and pages list it.
type apiDraw struct {
	ID               int64  `json:"id"`
	PlanID           int64  `json:"plan_id"`
	Status           string `json:"status"`
	Method           string `json:"method"`
	Commitment       string `json:"commitment"`
	Source           string `json:"source"`
	Date             string `json:"date"`
	Revealed         string `json:"revealed"`
	InputsSHA256     string `json:"inputs_sha256"`
	TargetsSHA256    string `json:"targets_sha256"`
	InspectorsSHA256 string `json:"inspectors_sha256"`
	Witnesses        string `json:"witnesses"`
	AnnouncedBy      string `json:"announced_by"`
	AnnouncedAt      string `json:"announced_at"`
	DrawnBy          string `json:"drawn_by"`
	DrawnAt          string `json:"drawn_at"`
	URL              string `json:"url"`
	VerificationURL  string `json:"verification_url"`
}

func drawJSON(d *inspect.Draw) apiDraw {
	u := "/inspect/draws/" + strconv.FormatInt(d.ID, 10)
	return apiDraw{ID: d.ID, PlanID: d.PlanID, Status: d.Status, Method: d.Method, Commitment: d.Inputs.Random.Commitment,
		Source: d.Inputs.Random.Source, Date: d.Inputs.Random.Date, Revealed: d.Revealed, InputsSHA256: d.InputsSHA256,
		TargetsSHA256: d.Inputs.Targets.SHA256, InspectorsSHA256: d.Inputs.Inspectors.SHA256, Witnesses: d.Witnesses,
		AnnouncedBy: d.AnnouncedBy, AnnouncedAt: d.AnnouncedAt, DrawnBy: d.DrawnBy, DrawnAt: d.DrawnAt,
		URL: u, VerificationURL: u + "/verification.json"}
}

type apiPlans struct {
	Plans []*inspect.Plan `json:"plans"`
}

type apiPlan struct {
	Plan  *inspect.Plan `json:"plan"`
	Draws []apiDraw     `json:"draws"`
}

type apiDrawDetail struct {
	Draw    apiDraw           `json:"draw"`
	Plan    *inspect.Plan     `json:"plan"`
	Result  *inspect.Outcome  `json:"result"`
	Results []*inspect.Result `json:"results"`
}

type apiSettings struct {
	ResultDays     int    `json:"result_days"`
	ResultWorkdays bool   `json:"result_workdays"`
	MaxPerYear     int    `json:"max_per_year"`
	Rule           string `json:"rule"`
	Basis          string `json:"basis"`
}

type apiPerformBody struct {
	Figure string `json:"figure"`
}

// Schemas ties the API types to openapi.json.
func Schemas() []web.Schema {
	return []web.Schema{
		{Type: reflect.TypeOf(apiPlans{}), Schema: "#/components/schemas/InspectPlans"},
		{Type: reflect.TypeOf(inspect.Plan{}), Schema: "#/components/schemas/InspectPlan"},
		{Type: reflect.TypeOf(apiPlan{}), Schema: "#/components/schemas/InspectPlanDetail"},
		{Type: reflect.TypeOf(apiDraw{}), Schema: "#/components/schemas/InspectDraw"},
		{Type: reflect.TypeOf(apiDrawDetail{}), Schema: "#/components/schemas/InspectDrawDetail"},
		{Type: reflect.TypeOf(inspect.Outcome{}), Schema: "#/components/schemas/InspectOutcome"},
		{Type: reflect.TypeOf(inspect.DrawnTarget{}), Schema: "#/components/schemas/InspectDrawnTarget"},
		{Type: reflect.TypeOf(inspect.Person{}), Schema: "#/components/schemas/InspectPerson"},
		{Type: reflect.TypeOf(inspect.Result{}), Schema: "#/components/schemas/InspectResult"},
		{Type: reflect.TypeOf(inspect.Verification{}), Schema: "#/components/schemas/InspectVerification"},
		{Type: reflect.TypeOf(inspect.Inputs{}), Schema: "#/components/schemas/InspectInputs"},
		{Type: reflect.TypeOf(inspect.PlanInput{}), Schema: "#/components/schemas/InspectPlanInput"},
		{Type: reflect.TypeOf(inspect.Snapshot{}), Schema: "#/components/schemas/InspectSnapshot"},
		{Type: reflect.TypeOf(inspect.SnapshotRow{}), Schema: "#/components/schemas/InspectSnapshotRow"},
		{Type: reflect.TypeOf(inspect.Announcement{}), Schema: "#/components/schemas/InspectAnnouncement"},
		{Type: reflect.TypeOf(apiSettings{}), Schema: "#/components/schemas/InspectSettings"},
		{Type: reflect.TypeOf(inspect.Settings{}), Schema: "#/components/schemas/InspectSettingsBody", Input: true},
		{Type: reflect.TypeOf(inspect.NewPlan{}), Schema: "#/components/schemas/InspectNewPlan", Input: true},
		{Type: reflect.TypeOf(inspect.Announce{}), Schema: "#/components/schemas/InspectAnnounce", Input: true},
		{Type: reflect.TypeOf(apiPerformBody{}), Schema: "#/components/schemas/InspectPerform", Input: true},
		{Type: reflect.TypeOf(inspect.NewResult{}), Schema: "#/components/schemas/InspectNewResult", Input: true},
	}
}

const bodyLimit = 64 << 10

// writer is the token's user, required for every change.
func (s *Feature) writer(w http.ResponseWriter, r *http.Request) (*auth.User, bool) {
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

func (s *Feature) apiSettings(w http.ResponseWriter, r *http.Request) {
	if err := s.ready(); err != nil {
		s.APIError(w, r, err)
		return
	}
	st, err := s.Inspect.Settings(r.Context(), web.SiteOf(r).Site.ID)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, apiSettings{st.ResultDays, st.ResultWorkdays, st.MaxPerYear, st.DeadlineText(), inspect.BasisResults})
}

func (s *Feature) apiSaveSettings(w http.ResponseWriter, r *http.Request) {
	u, ok := s.writer(w, r)
	if !ok {
		return
	}
	var in inspect.Settings
	if err := web.DecodeJSON(w, r, &in, bodyLimit); err != nil {
		s.APIError(w, r, err)
		return
	}
	siteID := web.SiteOf(r).Site.ID
	if err := s.Inspect.SaveSettings(r.Context(), siteID, u, in); err != nil {
		s.APIError(w, r, err)
		return
	}
	s.apiSettings(w, r)
}

func (s *Feature) apiPlans(w http.ResponseWriter, r *http.Request) {
	if err := s.ready(); err != nil {
		s.APIError(w, r, err)
		return
	}
	year := 0
	if y := r.URL.Query().Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 2000 || n > 2100 {
			s.APIError(w, r, &errs.Error{Code: errs.Invalid, Message: "year 应为年份（如 2025）", Fields: map[string]string{"year": "应为 2000 到 2100 之间的年份"}})
			return
		}
		year = n
	}
	ps, err := s.Inspect.Plans(r.Context(), web.SiteOf(r).Site.ID, year)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	if ps == nil {
		ps = []*inspect.Plan{}
	}
	web.WriteJSON(w, http.StatusOK, apiPlans{ps})
}

func (s *Feature) apiCreatePlan(w http.ResponseWriter, r *http.Request) {
	u, ok := s.writer(w, r)
	if !ok {
		return
	}
	var in inspect.NewPlan
	if err := web.DecodeJSON(w, r, &in, bodyLimit); err != nil {
		s.APIError(w, r, err)
		return
	}
	p, err := s.Inspect.CreatePlan(r.Context(), web.SiteOf(r).Site.ID, u, in)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, p)
}

// apiUpdatePlan corrects a plan before any draw of it is announced
// (409 after).
func (s *Feature) apiUpdatePlan(w http.ResponseWriter, r *http.Request) {
	u, ok := s.writer(w, r)
	if !ok {
		return
	}
	web.APIAct(s.Server, w, r, bodyLimit, http.StatusOK, func(ctx context.Context, siteID, id int64, in inspect.NewPlan) (*inspect.Plan, error) {
		return s.Inspect.UpdatePlan(ctx, siteID, u, id, in)
	})
}

// apiWithdrawPlan withdraws a plan before any draw of it is announced,
// with {"reason": …} (409 after).
func (s *Feature) apiWithdrawPlan(w http.ResponseWriter, r *http.Request) {
	u, ok := s.writer(w, r)
	if !ok {
		return
	}
	web.APIAct(s.Server, w, r, bodyLimit, http.StatusOK, func(ctx context.Context, siteID, id int64, in struct {
		Reason string `json:"reason"`
	}) (*inspect.Plan, error) {
		return s.Inspect.WithdrawPlan(ctx, siteID, u, id, in.Reason)
	})
}

// planOf reads the plan and its draws.
func (s *Feature) planOf(r *http.Request) (*inspect.Plan, []*inspect.Draw, error) {
	if err := s.ready(); err != nil {
		return nil, nil, err
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, nil, err
	}
	siteID := web.SiteOf(r).Site.ID
	p, err := s.Inspect.Plan(r.Context(), siteID, id)
	if err != nil {
		return nil, nil, err
	}
	ds, err := s.Inspect.Draws(r.Context(), siteID, id)
	return p, ds, err
}

func (s *Feature) apiPlan(w http.ResponseWriter, r *http.Request) {
	p, ds, err := s.planOf(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	out := apiPlan{Plan: p, Draws: []apiDraw{}}
	for _, d := range ds {
		out.Draws = append(out.Draws, drawJSON(d))
	}
	web.WriteJSON(w, http.StatusOK, out)
}

func (s *Feature) apiAnnounce(w http.ResponseWriter, r *http.Request) {
	u, ok := s.writer(w, r)
	if !ok {
		return
	}
	web.APIAct(s.Server, w, r, bodyLimit, http.StatusCreated, func(ctx context.Context, siteID, id int64, in inspect.Announce) (apiDraw, error) {
		d, err := s.Inspect.Announce(ctx, siteID, u, id, in)
		if err != nil {
			return apiDraw{}, err
		}
		return drawJSON(d), nil
	})
}

// drawOf reads a draw with its plan and results.
func (s *Feature) drawOf(r *http.Request) (*inspect.Draw, *inspect.Plan, []*inspect.Result, error) {
	if err := s.ready(); err != nil {
		return nil, nil, nil, err
	}
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, nil, nil, err
	}
	siteID := web.SiteOf(r).Site.ID
	d, err := s.Inspect.Draw(r.Context(), siteID, id)
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := s.Inspect.Plan(r.Context(), siteID, d.PlanID)
	if err != nil {
		return nil, nil, nil, err
	}
	rs, err := s.Inspect.Results(r.Context(), siteID, d.ID)
	return d, p, rs, err
}

func (s *Feature) apiDraw(w http.ResponseWriter, r *http.Request) {
	d, p, rs, err := s.drawOf(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, apiDrawDetail{Draw: drawJSON(d), Plan: p, Result: d.Outcome, Results: rs})
}

func (s *Feature) apiPerform(w http.ResponseWriter, r *http.Request) {
	u, ok := s.writer(w, r)
	if !ok {
		return
	}
	web.APIAct(s.Server, w, r, bodyLimit, http.StatusOK, func(ctx context.Context, siteID, id int64, in apiPerformBody) (apiDraw, error) {
		d, err := s.Inspect.Perform(ctx, siteID, u, id, in.Figure)
		if err != nil {
			return apiDraw{}, err
		}
		return drawJSON(d), nil
	})
}

func (s *Feature) apiVerification(w http.ResponseWriter, r *http.Request) {
	d, _, _, err := s.drawOf(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, inspect.VerificationOf(d))
}

func (s *Feature) apiRecordResult(w http.ResponseWriter, r *http.Request) {
	u, ok := s.writer(w, r)
	if !ok {
		return
	}
	web.APIAct(s.Server, w, r, bodyLimit, http.StatusCreated, func(ctx context.Context, siteID, id int64, in inspect.NewResult) (*inspect.Result, error) {
		return s.Inspect.RecordResult(ctx, siteID, u, id, in)
	})
}
