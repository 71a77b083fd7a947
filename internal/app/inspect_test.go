package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/inspect"
	"gongkai/internal/store/storetest"
)

// verifyDraw runs the shipped script (scripts/verify-draw, Python 3 standard
// library) on a verification file, as a citizen would: it reads nothing but
// the file. It returns the script's output and whether it exited 0.
func verifyDraw(t *testing.T, file []byte) (string, bool) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("GONGKAI_REQUIRE_PYTHON") != "" {
			t.Fatal("python3 is required (GONGKAI_REQUIRE_PYTHON) but not found")
		}
		t.Skip("python3 not found: the shipped verify-draw script cannot run")
	}
	path := filepath.Join(t.TempDir(), "draw.json")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, filepath.Join("..", "..", "scripts", "verify-draw"), path).CombinedOutput()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("run verify-draw: %v", err)
		}
		return string(out), false
	}
	return string(out), true
}

// rehash makes a tampered file self-consistent (every hash recomputed), so
// only the draw itself can expose the change.
func rehash(t *testing.T, v *inspect.Verification) []byte {
	t.Helper()
	var err error
	if v.Inputs.Targets.SHA256, err = inspect.SnapshotHash(v.Inputs.Targets.Rows); err != nil {
		t.Fatal(err)
	}
	if v.Inputs.Inspectors.SHA256, err = inspect.SnapshotHash(v.Inputs.Inspectors.Rows); err != nil {
		t.Fatal(err)
	}
	if v.InputsSHA256, err = v.Inputs.InputsHash(); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	return b
}

func TestInspectDemoDrawVerifies(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		if err := e.srv.LoadInspectDemo(context.Background(), e.site.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.srv.Search.ReindexAll(context.Background(), []int64{e.site.ID}, nil); err != nil {
			t.Fatal(err)
		}
		c := newAPIClient(t, e)
		// The site search finds the plans and, by a drawn firm's name, the draw.
		if r := c.do(t, "GET", "/api/v1/search?q="+url.QueryEscape("公证机构执业活动双随机抽查"), "", nil, ""); r.status != 200 || !strings.Contains(r.body, "/inspect/plans/") {
			t.Fatalf("search for the plan: %d %s", r.status, clipBody(r.body))
		}
		var plans struct{ Plans []inspect.Plan }
		c.do(t, "GET", "/api/v1/inspect/plans?year=2025", "", nil, "").decode(t, &plans)
		if len(plans.Plans) != 2 || plans.Plans[0].Title != "2025年度律师事务所执业活动“双随机”抽查" {
			t.Fatalf("plans = %+v", plans.Plans)
		}
		var pd struct {
			Draws []struct{ ID int64 } `json:"draws"`
		}
		c.do(t, "GET", fmt.Sprintf("/api/v1/inspect/plans/%d", plans.Plans[0].ID), "", nil, "").decode(t, &pd)
		if len(pd.Draws) != 1 {
			t.Fatalf("draws = %+v", pd.Draws)
		}
		id := pd.Draws[0].ID

		// The public pages show the inputs, hashes, result and results.
		b := e.browser()
		mustContain(t, b.get("/inspect").body, "2025 年度", "律师事务所", "按 20% 比例抽取", "检查对象名录库", "检查结束之日起 20 日内公示检查结果")
		file := c.raw(t, fmt.Sprintf("/inspect/draws/%d/verification.json", id))
		var v inspect.Verification
		if err := json.Unmarshal(file, &v); err != nil {
			t.Fatal(err)
		}
		page := b.get(fmt.Sprintf("/inspect/draws/%d", id)).body
		mustContain(t, page, v.Inputs.Targets.SHA256, v.Inputs.Inspectors.SHA256, v.InputsSHA256, v.Inputs.Random.Commitment, v.Revealed,
			"发现问题已责令改正", "python3 verify-draw.py", "verify-draw.py", "2025-03-28 09:30 公告", "2025-03-31 09:30 抽取")
		// 24 firms, one closed: ⌈23 × 20%⌉ = 5, two inspectors each.
		if v.Result == nil || len(v.Result.Targets) != 5 || v.Result.EligibleTargets != 23 {
			t.Fatalf("result = %+v", v.Result)
		}
		sum := sha256.Sum256(mustHex(t, v.Revealed))
		if hex.EncodeToString(sum[:]) != v.Inputs.Random.Commitment {
			t.Fatal("the revealed seed does not match the commitment")
		}
		if got := c.raw(t, "/inspect/verify-draw.py"); !strings.Contains(string(got), "def draw(inp, revealed)") {
			t.Fatal("the script is not served")
		}

		if r := c.do(t, "GET", "/api/v1/search?q="+url.QueryEscape(v.Result.Targets[0].Name), "", nil, ""); !strings.Contains(r.body, fmt.Sprintf("/inspect/draws/%d", id)) {
			t.Fatalf("search for a drawn firm: %d %s", r.status, clipBody(r.body))
		}
		out, ok := verifyDraw(t, file)
		if !ok || strings.Contains(out, "FAIL") || !strings.Contains(out, "OK   recomputed draw equals the published result (5 targets)") {
			t.Fatalf("verify-draw on the published file:\n%s", out)
		}

		// Tampering: one registry row.
		tampered := func(f func(v *inspect.Verification)) *inspect.Verification {
			var w inspect.Verification
			json.Unmarshal(file, &w)
			f(&w)
			return &w
		}
		w := tampered(func(w *inspect.Verification) { w.Inputs.Targets.Rows[2].Fields["name"] += "（改）" })
		b1, _ := json.Marshal(w)
		if out, ok := verifyDraw(t, b1); ok || !strings.Contains(out, "FAIL targets snapshot") {
			t.Fatalf("a changed target row passed:\n%s", out)
		}
		// The seed: one digit changed.
		w = tampered(func(w *inspect.Verification) { w.Revealed = flipHex(w.Revealed) })
		b2, _ := json.Marshal(w)
		if out, ok := verifyDraw(t, b2); ok || !strings.Contains(out, "FAIL seed matches the commitment") {
			t.Fatalf("a changed seed passed:\n%s", out)
		}
		// A consistent forgery (all hashes recomputed) of a drawn target's
		// status: the recomputed draw no longer equals the published one.
		w = tampered(func(w *inspect.Verification) {
			for i, r := range w.Inputs.Targets.Rows {
				if r.Key == w.Result.Targets[0].Key {
					w.Inputs.Targets.Rows[i].Fields["status"] = "closed"
				}
			}
		})
		if out, ok := verifyDraw(t, rehash(t, w)); ok || !strings.Contains(out, "FAIL recomputed draw equals the published result") {
			t.Fatalf("a forged registry passed:\n%s", out)
		}
		// The same forgery of the seed's commitment and seed together (a new
		// seed): the published inputs hash no longer matches.
		w = tampered(func(w *inspect.Verification) {
			w.Revealed = flipHex(w.Revealed)
			w.Inputs.Random.Commitment, _ = inspect.Commitment(w.Revealed)
		})
		b3, _ := json.Marshal(w)
		if out, ok := verifyDraw(t, b3); ok || !strings.Contains(out, "FAIL inputs SHA-256") {
			t.Fatalf("a new seed and commitment passed:\n%s", out)
		}
	})
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func flipHex(s string) string {
	c := "0"
	if s[0] == '0' {
		c = "1"
	}
	return c + s[1:]
}

// TestInspectFlow drives a plan, a committed draw and its results through
// the API on both databases: access, bad input, the commitment published
// before the seed, the result deadline, a public-figure draw, and the
// self-inspection.
func TestInspectFlow(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			ctx := context.Background()
			// The registries (and the demo's plans, which this test ignores).
			if err := e.srv.LoadInspectDemo(ctx, e.site.ID); err != nil {
				t.Fatal(err)
			}
			c := newAPIClient(t, e)
			for _, sc := range []struct {
				method, path, body string
				status             int
			}{
				{"GET", "/api/v1/inspect/plans?year=abc", "", 422},
				{"GET", "/api/v1/inspect/plans/999999", "", 404},
				{"GET", "/api/v1/inspect/draws/abc", "", 404},
				{"GET", "/api/v1/inspect/draws/999999/verification", "", 404},
				{"POST", "/api/v1/inspect/plans", `{"nope":1}`, 422},
				{"POST", "/api/v1/inspect/draws/999999/perform", `{}`, 404},
			} {
				if r := c.do(t, sc.method, sc.path, "office", nil, sc.body); r.status != sc.status || !strings.Contains(r.body, `"error"`) {
					t.Errorf("%s %s: %d %s, want %d", sc.method, sc.path, r.status, clipBody(r.body), sc.status)
				}
			}
			if r := e.browser().get("/inspect/draws/999999"); r.status != 404 || !strings.Contains(r.body, "没有编号为 999999 的抽取记录") {
				t.Errorf("missing draw page: %d", r.status)
			}
			zfk := e.deptID(t, "行政执法协调监督科")
			plan := fmt.Sprintf(`{"year":2026,"title":"%s","department_id":%s,"item_key":"SSJ-LS-01","count":3,"inspectors_per_target":2,
				"starts_on":"2026-03-01","ends_on":"2026-12-31","frequency":"%s","content":"%s"}`, strings.Repeat("计", inspect.MaxTitle), zfk,
				strings.Repeat("次", inspect.MaxFrequency), strings.Repeat("容", inspect.MaxContent))
			for _, sc := range []struct {
				token, body string
				status      int
				want        string
			}{
				{"", plan, 401, "令牌"},
				{"pfk", plan, 403, "检查主体科室"},
				{"office", strings.Replace(plan, `"count":3`, `"count":3,"ratio_percent":10`, 1), 422, "二者选一"},
				{"office", strings.Replace(plan, "计\"", "计计\"", 1), 422, "计划名称不能超过 200 个字"},
				{"office", strings.Replace(plan, "SSJ-LS-01", "NOPE", 1), 422, "没有编号为“NOPE”的事项"},
				{"office", strings.Replace(plan, `"inspectors_per_target":2`, `"inspectors_per_target":1`, 1), 422, "2 到 10 名"},
				{"office", strings.Replace(plan, "2026-12-31", "2027-01-31", 1), 422, "计划年度内"},
				{"office", `{"year":"x"}`, 422, ""},
			} {
				if r := c.do(t, "POST", "/api/v1/inspect/plans", sc.token, nil, sc.body); r.status != sc.status || !strings.Contains(r.body, sc.want) {
					t.Errorf("POST plan as %q: %d %s, want %d %q", sc.token, r.status, clipBody(r.body), sc.status, sc.want)
				}
			}
			r := c.do(t, "POST", "/api/v1/inspect/plans", "office", nil, plan)
			if r.status != 201 {
				t.Fatalf("create plan: %d %s", r.status, r.body)
			}
			var p inspect.Plan
			r.decode(t, &p)
			if p.TargetType != "law_firm" || len([]rune(p.Title)) != inspect.MaxTitle || len([]rune(p.Content)) != inspect.MaxContent || len([]rune(p.Frequency)) != inspect.MaxFrequency {
				t.Fatalf("plan = %+v", p)
			}

			// Announce: the commitment is public, the seed is not.
			path := fmt.Sprintf("/api/v1/inspect/plans/%d/draws", p.ID)
			if r := c.do(t, "POST", path, "office", nil, `{"method":"dice"}`); r.status != 422 {
				t.Fatalf("bad method: %d", r.status)
			}
			if r := c.do(t, "POST", path, "office", nil, fmt.Sprintf(`{"method":"commit","witnesses":"%s"}`, strings.Repeat("见", inspect.MaxWitnesses+1))); r.status != 422 {
				t.Fatalf("long witnesses: %d", r.status)
			}
			r = c.do(t, "POST", path, "office", nil, fmt.Sprintf(`{"method":"commit","witnesses":"%s"}`, strings.Repeat("见", inspect.MaxWitnesses)))
			if r.status != 201 {
				t.Fatalf("announce: %d %s", r.status, r.body)
			}
			var dr struct {
				ID         int64
				Commitment string
				Revealed   string
				Status     string
			}
			r.decode(t, &dr)
			if len(dr.Commitment) != 64 || dr.Revealed != "" || dr.Status != "announced" {
				t.Fatalf("announced draw = %+v", dr)
			}
			// The seed is sealed at rest until the draw (the env has a data key).
			var stored string
			if err := e.db.R.QueryRowContext(ctx, `SELECT seed FROM inspect_draws WHERE id = $1`, dr.ID).Scan(&stored); err != nil || !strings.HasPrefix(stored, "v1:") {
				t.Fatalf("stored seed %q, %v", stored, err)
			}
			if r := c.do(t, "POST", path, "office", nil, `{"method":"commit"}`); r.status != 409 {
				t.Fatalf("a second draw while one is pending: %d %s", r.status, r.body)
			}
			before := c.raw(t, fmt.Sprintf("/api/v1/inspect/draws/%d/verification", dr.ID))
			var vb inspect.Verification
			json.Unmarshal(before, &vb)
			if vb.Revealed != "" || vb.Result != nil || vb.Inputs.Random.Commitment != dr.Commitment {
				t.Fatalf("before the draw the file shows %+v", vb)
			}
			if strings.Contains(e.browser().get(fmt.Sprintf("/inspect/draws/%d", dr.ID)).body, "公开的种子") {
				t.Fatal("the page shows a seed before the draw")
			}
			if out, ok := verifyDraw(t, before); !ok || !strings.Contains(out, "has not taken place yet") {
				t.Fatalf("verify-draw before the draw:\n%s", out)
			}

			// Perform: the seed revealed matches the commitment; once only.
			dpath := fmt.Sprintf("/api/v1/inspect/draws/%d", dr.ID)
			if r := c.do(t, "POST", dpath+"/perform", "pfk", nil, `{}`); r.status != 403 {
				t.Fatalf("perform as pfk: %d", r.status)
			}
			r = c.do(t, "POST", dpath+"/perform", "office", nil, `{}`)
			if r.status != 200 {
				t.Fatalf("perform: %d %s", r.status, r.body)
			}
			r.decode(t, &dr)
			sum := sha256.Sum256(mustHex(t, dr.Revealed))
			if hex.EncodeToString(sum[:]) != dr.Commitment {
				t.Fatal("the revealed seed does not match the commitment published before")
			}
			if r := c.do(t, "POST", dpath+"/perform", "office", nil, `{}`); r.status != 409 {
				t.Fatalf("second perform: %d", r.status)
			}
			file := c.raw(t, dpath+"/verification")
			if out, ok := verifyDraw(t, file); !ok || !strings.Contains(out, "(3 targets)") {
				t.Fatalf("verify-draw:\n%s", out)
			}
			var v inspect.Verification
			json.Unmarshal(file, &v)
			// The inputs froze the registries' current editions.
			if v.Inputs.Targets.Rows[0].Key > v.Inputs.Targets.Rows[1].Key || len(v.Inputs.Targets.Rows) != 30 || len(v.Inputs.Inspectors.Rows) != 12 {
				t.Fatalf("snapshots: %d targets, %d inspectors", len(v.Inputs.Targets.Rows), len(v.Inputs.Inspectors.Rows))
			}
			for _, tg := range v.Result.Targets {
				for _, pp := range tg.Inspectors {
					if pp.Name == "刘洋" { // 不可用
						t.Fatalf("an unavailable inspector was sent: %+v", tg)
					}
				}
			}

			// Results: an inspection follows its draw (today, 2026-12-01) and the
			// plan's start, and is not in the future.
			rpath := dpath + "/results"
			t0, t1, t2 := v.Result.Targets[0].Key, v.Result.Targets[1].Key, v.Result.Targets[2].Name
			for _, sc := range []struct {
				body   string
				status int
				want   string
			}{
				{`{"target_key":"NOPE","conclusion":"no_problem","inspected_on":"2026-12-01"}`, 422, "不在本次抽取结果中"},
				{fmt.Sprintf(`{"target_key":"%s","conclusion":"maybe","inspected_on":"2026-12-01"}`, t0), 422, "请从列表中选择检查结果"},
				{fmt.Sprintf(`{"target_key":"%s","conclusion":"other","inspected_on":"2026-12-01"}`, t0), 422, "请填写检查情况说明"},
				{fmt.Sprintf(`{"target_key":"%s","conclusion":"no_problem","inspected_on":"2026-12-02"}`, t0), 422, "与今天之间"},
				{fmt.Sprintf(`{"target_key":"%s","conclusion":"no_problem","inspected_on":"2026-11-30"}`, t0), 422, "2026-12-01（计划开始或抽取之日）与今天之间"},
				{fmt.Sprintf(`{"target_key":"%s","conclusion":"corrected","inspected_on":"2026-12-01","detail":"%s"}`, t0, strings.Repeat("况", inspect.MaxDetail+1)), 422, "不能超过 2000 个字"},
			} {
				if r := c.do(t, "POST", rpath, "office", nil, sc.body); r.status != sc.status || !strings.Contains(r.body, sc.want) {
					t.Errorf("result %s: %d %s", sc.body, r.status, clipBody(r.body))
				}
			}
			// 2026-12-01 + 20 days = 12-21 (a Monday): published today, on time.
			r = c.do(t, "POST", rpath, "office", nil, fmt.Sprintf(`{"target_key":"%s","conclusion":"corrected","inspected_on":"2026-12-01","detail":"%s","follow_up":"%s"}`,
				t0, strings.Repeat("况", inspect.MaxDetail), strings.Repeat("处", inspect.MaxDetail)))
			if r.status != 201 {
				t.Fatalf("record result: %d %s", r.status, r.body)
			}
			var res inspect.Result
			r.decode(t, &res)
			if res.Due != "2026-12-21" || res.Late || res.PublishedOn != testDay.String() {
				t.Fatalf("result = due %s late %v published %s", res.Due, res.Late, res.PublishedOn)
			}
			if r := c.do(t, "POST", rpath, "office", nil, fmt.Sprintf(`{"target_key":"%s","conclusion":"no_problem","inspected_on":"2026-12-01"}`, t0)); r.status != 409 {
				t.Fatalf("second result: %d", r.status)
			}
			// The next target's result published on 2026-12-31: late.
			office, _ := e.au.UserByName(ctx, "office")
			late := *e.srv.Inspect
			late.Today = func() calendar.Date { return calendar.Day("2026-12-31") }
			lr, err := late.RecordResult(ctx, e.site.ID, office, dr.ID, inspect.NewResult{TargetKey: t1, Conclusion: "no_problem", InspectedOn: "2026-12-01"})
			if err != nil || lr.Due != "2026-12-21" || !lr.Late || lr.PublishedOn != "2026-12-31" {
				t.Fatalf("late result: %+v %v", lr, err)
			}
			mustContain(t, e.browser().get(fmt.Sprintf("/inspect/draws/%d", dr.ID)).body, "发现问题已责令改正", "检查结果待公示")

			// Settings: 7 working days (only the office); the rule reads back.
			if r := c.do(t, "PUT", "/api/v1/inspect/settings", "fzk", nil, `{"result_days":7,"result_workdays":true}`); r.status != 403 {
				t.Fatalf("settings as fzk: %d", r.status)
			}
			if r := c.do(t, "PUT", "/api/v1/inspect/settings", "office", nil, `{"result_days":0}`); r.status != 422 {
				t.Fatalf("settings 0 days: %d", r.status)
			}
			r = c.do(t, "PUT", "/api/v1/inspect/settings", "office", nil, `{"result_days":7,"result_workdays":true,"max_per_year":2}`)
			if r.status != 200 || !strings.Contains(r.body, "7 个工作日") {
				t.Fatalf("settings: %d %s", r.status, r.body)
			}
			// 2026-12-01 + 7 working days = 12-10.
			var dd struct{ Results []inspect.Result }
			c.do(t, "GET", dpath, "", nil, "").decode(t, &dd)
			if len(dd.Results) != 2 || dd.Results[0].Due != "2026-12-10" || dd.Results[0].Late || !dd.Results[1].Late {
				t.Fatalf("results under 7 working days = %+v", dd.Results)
			}

			// Self-inspection on 2027-01-20: the late result, and the third
			// target's missing result, due 7 working days after the plan's end
			// (2026-12-31; 2027-01-01 元旦): 2027-01-12. The demo's 2025 results
			// are all on time.
			rep, err := e.srv.Compliance.Run(ctx, e.site.ID, calendar.Day("2027-01-20"))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, f := range rep.Findings {
				if strings.HasPrefix(f.Rule.Code, "inspect.") {
					got[f.Rule.Code]++
					if f.Rule.Code == inspect.RuleResultMissing.Code && (f.Due != "2027-01-12" || !strings.Contains(f.Message, t2)) {
						t.Errorf("missing result: due %s, %s", f.Due, f.Message)
					}
				}
			}
			if got[inspect.RuleResultLate.Code] != 1 || got[inspect.RuleResultMissing.Code] != 1 {
				t.Fatalf("inspect findings = %v", got)
			}

			// A public figure fixed in advance: its date must be after today,
			// and the figure can only be entered after that date.
			if r := c.do(t, "POST", path, "office", nil, `{"method":"beacon","source":"上海证券交易所上证综合指数收盘点位","date":"2026-12-01"}`); r.status != 422 || !strings.Contains(r.body, "须晚于今天") {
				t.Fatalf("beacon of today: %d %s", r.status, r.body)
			}
			src := strings.Repeat("源", inspect.MaxSource)
			r = c.do(t, "POST", path, "office", nil, fmt.Sprintf(`{"method":"beacon","source":"%s","date":"2026-12-04"}`, src))
			if r.status != 201 {
				t.Fatalf("beacon: %d %s", r.status, r.body)
			}
			r.decode(t, &dr)
			if r := c.do(t, "POST", fmt.Sprintf("/api/v1/inspect/draws/%d/perform", dr.ID), "office", nil, `{"figure":"3372.68"}`); r.status != 422 || !strings.Contains(r.body, "公布之后") {
				t.Fatalf("figure entered before its date: %d %s", r.status, r.body)
			}
			later := *e.srv.Inspect
			later.Today = func() calendar.Date { return calendar.Day("2026-12-05") }
			if _, err := later.Perform(ctx, e.site.ID, office, dr.ID, strings.Repeat("8", inspect.MaxFigure+1)); errs.CodeOf(err) != errs.Invalid || !strings.Contains(errs.MessageOf(err)+fmt.Sprint(errs.FieldsOf(err)), "不能超过 100 个字") {
				t.Fatalf("a figure of 101 characters: %v", err)
			}
			figure := "3372.68" + strings.Repeat("0", inspect.MaxFigure-7)
			if _, err := later.Perform(ctx, e.site.ID, office, dr.ID, figure); err != nil {
				t.Fatal(err)
			}
			file = c.raw(t, fmt.Sprintf("/inspect/draws/%d/verification.json", dr.ID))
			if out, ok := verifyDraw(t, file); !ok || !strings.Contains(out, "= "+figure) {
				t.Fatalf("verify-draw of the beacon draw:\n%s", out)
			}
			// The cap: the three targets drawn once this year stay eligible
			// (max 2); announcing again freezes no exclusion yet.
			var v2 inspect.Verification
			json.Unmarshal(file, &v2)
			if len(v2.Inputs.Excluded) != 0 {
				t.Fatalf("excluded = %v", v2.Inputs.Excluded)
			}
			mustContain(t, e.browser().get(fmt.Sprintf("/inspect/plans/%d", p.ID)).body, fmt.Sprintf("第 %d 号抽取记录", dr.ID))
		})
	}
}

// TestInspectBackOffice drives the staff forms (no JavaScript): a plan, a
// draw announced and carried out, a result, with errors linked to fields.
func TestInspectBackOffice(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		if err := e.srv.LoadInspectDemo(context.Background(), e.site.ID); err != nil {
			t.Fatal(err)
		}
		b := e.browser().login("office")
		mustContain(t, b.get("/admin/inspect").body, "2025年度公证机构执业活动“双随机”抽查", "新建抽查计划", "按工作日计算")
		form := url.Values{"year": {"2026"}, "title": {""}, "department_id": {e.deptID(t, "行政执法协调监督科")}, "item_key": {"SSJ-GZ-01"},
			"count": {"2"}, "inspectors_per_target": {"2"}, "starts_on": {"2026-03-01"}, "ends_on": {"2026-11-30"}}
		r := b.post("/admin/inspect/plans", form)
		if r.status != 422 || !strings.Contains(r.body, `href="#f-title"`) || !strings.Contains(r.body, `id="e-title">请填写计划名称`) {
			t.Fatalf("empty title: %d %s", r.status, clipBody(r.body))
		}
		form.Set("title", "2026年度公证机构抽查")
		r = b.post("/admin/inspect/plans", form)
		if r.status != 303 || !strings.HasPrefix(r.location, "/admin/inspect/plans/") {
			t.Fatalf("create plan: %d %s", r.status, clipBody(r.body))
		}
		planURL := strings.Split(r.location, "?")[0]
		mustContain(t, b.get(planURL).body, "公告一次抽取", "抽取 2 户")
		r = b.post(planURL+"/draws", url.Values{"method": {"beacon"}, "source": {"某指数收盘点位"}, "date": {"2026-11-30"}})
		if r.status != 422 || !strings.Contains(r.body, "须晚于今天") {
			t.Fatalf("beacon in the past: %d", r.status)
		}
		r = b.post(planURL+"/draws", url.Values{"method": {"commit"}})
		if r.status != 303 {
			t.Fatalf("announce: %d %s", r.status, clipBody(r.body))
		}
		drawURL := strings.Split(r.location, "?")[0]
		mustContain(t, b.get(drawURL).body, "种子承诺值", "进行抽取")
		if r := b.post(drawURL+"/perform", nil); r.status != 303 {
			t.Fatalf("perform: %d %s", r.status, clipBody(r.body))
		}
		page := b.get(drawURL).body
		mustContain(t, page, "公示检查结果：", "待公示")
		key := regexp.MustCompile(`name="target_key" value="([^"]+)"`).FindStringSubmatch(page)
		if key == nil {
			t.Fatal("no result form")
		}
		r = b.post(drawURL+"/results", url.Values{"target_key": {key[1]}, "conclusion": {"no_problem"}, "inspected_on": {"2026-13-01"}})
		if r.status != 422 || !strings.Contains(r.body, `href="#f-inspected_on-1"`) || !strings.Contains(r.body, `id="e-inspected_on-1"`) {
			t.Fatalf("bad date: %d %s", r.status, clipBody(r.body))
		}
		r = b.post(drawURL+"/results", url.Values{"target_key": {key[1]}, "conclusion": {"no_problem"}, "inspected_on": {"2026-12-01"}})
		if r.status != 303 {
			t.Fatalf("result: %d %s", r.status, clipBody(r.body))
		}
		id := strings.TrimPrefix(drawURL, "/admin/inspect/draws/")
		mustContain(t, e.browser().get("/inspect/draws/"+id).body, "未发现问题", "2026-12-01")
		// Another department's editor may not plan for 行政执法协调监督科.
		if r := e.browser().login("pfk").post("/admin/inspect/plans", form); r.status != 403 {
			t.Fatalf("pfk plan: %d", r.status)
		}
	})
}

// TestInspectPlanCorrectAndWithdraw: a plan is corrected or withdrawn
// until a draw of it is announced (409 after), audited, shown on the
// public pages and in the feed of plans and draws.
func TestInspectPlanCorrectAndWithdraw(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if err := e.srv.LoadInspectDemo(ctx, e.site.ID); err != nil {
			t.Fatal(err)
		}
		c := newAPIClient(t, e)
		zfk := e.deptID(t, "行政执法协调监督科")
		plan := `{"year":2026,"title":"2026年度律所抽查","department_id":` + zfk + `,"item_key":"SSJ-LS-01","count":3,"inspectors_per_target":2,"starts_on":"2026-03-01","ends_on":"2026-12-31"}`
		r := c.do(t, "POST", "/api/v1/inspect/plans", "office", nil, plan)
		if r.status != 201 {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		var p inspect.Plan
		r.decode(t, &p)
		path := fmt.Sprintf("/api/v1/inspect/plans/%d", p.ID)
		long := strings.Replace(plan, "2026年度律所抽查", strings.Repeat("改", inspect.MaxTitle), 1)
		for _, sc := range []struct {
			method, path, token, body string
			status                    int
			want                      string
		}{
			{"PUT", path, "", long, 401, "令牌"},
			{"PUT", path, "pfk", long, 403, "检查主体科室"},
			{"PUT", path, "office", strings.Replace(plan, `"count":3`, `"count":0`, 1), 422, "二者选一"},
			{"PUT", path, "office", strings.Replace(long, "改\"", "改改\"", 1), 422, "不能超过 200 个字"},
			{"PUT", "/api/v1/inspect/plans/999999", "office", plan, 404, ""},
			{"POST", path + "/withdraw", "office", `{"reason":""}`, 422, "撤回理由"},
			{"POST", path + "/withdraw", "office", `{"reason":"` + strings.Repeat("由", inspect.MaxReason+1) + `"}`, 422, "500"},
			{"POST", path + "/withdraw", "pfk", `{"reason":"x"}`, 403, ""},
		} {
			if r := c.do(t, sc.method, sc.path, sc.token, nil, sc.body); r.status != sc.status || !strings.Contains(r.body, sc.want) || !strings.Contains(r.body, `"error"`) {
				t.Errorf("%s %s as %q: %d %s, want %d %q", sc.method, sc.path, sc.token, r.status, clipBody(r.body), sc.status, sc.want)
			}
		}
		// Corrected at the maximum title length, then shown as corrected.
		r = c.do(t, "PUT", path, "office", nil, strings.Replace(long, `"count":3`, `"ratio_percent":15`, 1))
		if r.status != 200 {
			t.Fatalf("update: %d %s", r.status, r.body)
		}
		r.decode(t, &p)
		if len([]rune(p.Title)) != inspect.MaxTitle || p.Count != 0 || p.RatioPercent != 15 || p.UpdatedBy == "" || p.Status != inspect.PlanActive {
			t.Fatalf("updated plan = %+v", p)
		}
		b := e.browser()
		mustContain(t, b.get(fmt.Sprintf("/inspect/plans/%d", p.ID)).body, "按 15% 比例抽取", "修改（公告抽取前）")
		// The back office corrects it through its form too.
		office := e.browser().login("office")
		planURL := fmt.Sprintf("/admin/inspect/plans/%d", p.ID)
		mustContain(t, office.get(planURL).body, "修改计划（公告抽取前）", "撤回计划")
		form := url.Values{"year": {"2026"}, "title": {"2026年度律所抽查（修订）"}, "department_id": {zfk}, "item_key": {"SSJ-LS-01"},
			"count": {"4"}, "inspectors_per_target": {"2"}, "starts_on": {"2026-03-01"}, "ends_on": {"2027-01-31"}}
		if r := office.post(planURL, form); r.status != 422 || !strings.Contains(r.body, "计划年度内") {
			t.Fatalf("bad correction: %d %s", r.status, clipBody(r.body))
		}
		form.Set("ends_on", "2026-12-31")
		if r := office.post(planURL, form); r.status != 303 {
			t.Fatalf("correction: %d %s", r.status, clipBody(r.body))
		}
		if r := office.post(planURL+"/withdraw", url.Values{"reason": {""}}); r.status != 422 || !strings.Contains(r.body, `id="e-reason"`) {
			t.Fatalf("empty reason: %d %s", r.status, clipBody(r.body))
		}
		if r := office.post(planURL+"/withdraw", url.Values{"reason": {"检查事项调整，并入下半年专项检查。"}}); r.status != 303 {
			t.Fatalf("withdraw: %d %s", r.status, clipBody(r.body))
		}
		mustContain(t, b.get(fmt.Sprintf("/inspect/plans/%d", p.ID)).body, "2026年度律所抽查（修订）", "本计划已撤回", "并入下半年专项检查")
		mustContain(t, b.get("/inspect").body, "已撤回")
		for _, sc := range []struct{ method, path, body string }{
			{"POST", path + "/draws", `{"method":"commit"}`}, {"PUT", path, plan}, {"POST", path + "/withdraw", `{"reason":"again"}`},
		} {
			if r := c.do(t, sc.method, sc.path, "office", nil, sc.body); r.status != 409 || !strings.Contains(r.body, "撤回") {
				t.Errorf("%s %s on a withdrawn plan: %d %s", sc.method, sc.path, r.status, clipBody(r.body))
			}
		}
		// A demo plan has its draw: its inputs froze it.
		plans, err := e.srv.Inspect.Plans(ctx, e.site.ID, 2025)
		if err != nil || len(plans) == 0 {
			t.Fatal(plans, err)
		}
		demoPath := fmt.Sprintf("/api/v1/inspect/plans/%d", plans[0].ID)
		if r := c.do(t, "PUT", demoPath, "office", nil, plan); r.status != 409 || !strings.Contains(r.body, "不能再修改或撤回") {
			t.Errorf("update a drawn plan: %d %s", r.status, clipBody(r.body))
		}
		if r := c.do(t, "POST", demoPath+"/withdraw", "office", nil, `{"reason":"x"}`); r.status != 409 {
			t.Errorf("withdraw a drawn plan: %d", r.status)
		}
		mustContain(t, office.get(fmt.Sprintf("/admin/inspect/plans/%d", plans[0].ID)).body, "不能再修改或撤回")
		var updates, withdrawals int
		e.db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'inspect.plan.update' AND target = $1`, fmt.Sprintf("inspect_plan:%d", p.ID)).Scan(&updates)
		e.db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'inspect.plan.withdraw' AND target = $1`, fmt.Sprintf("inspect_plan:%d", p.ID)).Scan(&withdrawals)
		if updates != 2 || withdrawals != 1 {
			t.Errorf("audited %d updates, %d withdrawals", updates, withdrawals)
		}
		// The feed of plans and draws.
		feed := b.get("/inspect/feed.xml")
		if feed.status != 200 {
			t.Fatalf("feed: %d", feed.status)
		}
		mustContain(t, feed.body, "<feed", "抽查计划撤回：2026年度律所抽查（修订）", "并入下半年专项检查", "抽取结果：2025年度律师事务所执业活动“双随机”抽查", "/inspect/draws/")
	})
}
