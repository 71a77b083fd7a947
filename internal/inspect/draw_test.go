package inspect

import (
	"fmt"
	"slices"
	"testing"

	"gongkai/internal/calendar"
)

func testInputs(t *testing.T) *Inputs {
	t.Helper()
	in := &Inputs{Format: Format, DrawID: 7, Excluded: []string{},
		Plan:   PlanInput{ID: 1, Year: 2025, Title: "律所抽查", TargetType: "law_firm", RatioPercent: 30, InspectorsPerTarget: 2},
		Random: Announcement{Method: MethodCommit}}
	for i := 0; i < 10; i++ {
		st := "active"
		if i == 9 {
			st = "closed"
		}
		in.Targets.Rows = append(in.Targets.Rows, SnapshotRow{Key: fmt.Sprintf("T%02d", i), Fields: map[string]string{"name": fmt.Sprint("律所", i), "target_type": "law_firm", "status": st}})
	}
	for i := 0; i < 5; i++ {
		f := map[string]string{"name": fmt.Sprint("检查员", i), "status": "active"}
		if i == 0 {
			f["conflicts"] = "T00、T01,T02"
		}
		in.Inspectors.Rows = append(in.Inspectors.Rows, SnapshotRow{Key: fmt.Sprintf("P%d", i), Fields: f})
	}
	in.Targets.SHA256, _ = SnapshotHash(in.Targets.Rows)
	in.Inspectors.SHA256, _ = SnapshotHash(in.Inspectors.Rows)
	return in
}

const seed = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

func TestRunIsDeterministicAndBound(t *testing.T) {
	in := testInputs(t)
	in.Random.Commitment, _ = Commitment(seed)
	a, err := Run(in, seed)
	if err != nil {
		t.Fatal(err)
	}
	// ⌈9 × 30%⌉ = 3 of the 9 active targets; the closed one never.
	if len(a.Targets) != 3 || a.EligibleTargets != 9 || a.EligibleInspectors != 5 {
		t.Fatalf("outcome = %+v", a)
	}
	for _, d := range a.Targets {
		if d.Key == "T09" || len(d.Inspectors) != 2 {
			t.Fatalf("drawn %+v", d)
		}
		for _, p := range d.Inspectors {
			if p.Key == "P0" && slices.Contains([]string{"T00", "T01", "T02"}, d.Key) {
				t.Fatalf("P0 recuses from %s but was sent", d.Key)
			}
		}
	}
	b, _ := Run(in, seed)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("the same inputs gave two results")
	}
	// Another seed (with its commitment) draws differently.
	other := "f" + seed[1:]
	in.Random.Commitment, _ = Commitment(other)
	c, err := Run(in, other)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Fatal("two seeds gave the same result")
	}
	// A seed that is not the committed one is refused.
	if _, err := Run(in, seed); err == nil {
		t.Fatal("a seed other than the committed one was accepted")
	}
	// A changed row no longer matches its hash.
	in.Random.Commitment, _ = Commitment(seed)
	in.Targets.Rows[3].Fields["name"] = "改过的名称"
	if _, err := Run(in, seed); err == nil {
		t.Fatal("a tampered snapshot was accepted")
	}
}

// Every target is drawn about equally often over many seeds: the shuffle
// is not biased toward the first keys.
func TestRunIsUniform(t *testing.T) {
	in := testInputs(t)
	in.Plan.RatioPercent, in.Plan.Count = 0, 1
	counts := map[string]int{}
	const n = 4500
	for i := 0; i < n; i++ {
		s := fmt.Sprintf("%064x", i)
		in.Random.Commitment, _ = Commitment(s)
		o, err := Run(in, s)
		if err != nil {
			t.Fatal(err)
		}
		counts[o.Targets[0].Key]++
	}
	for k, c := range counts {
		// 500 expected per target; 6 standard deviations is ±130.
		if c < 370 || c > 630 {
			t.Errorf("%s drawn %d times of %d", k, c, n)
		}
	}
	if len(counts) != 9 {
		t.Errorf("drawn targets %v", counts)
	}
}

func TestCheckRefusesTooFewInspectors(t *testing.T) {
	in := testInputs(t)
	in.Plan.InspectorsPerTarget = 5 // P0 recuses from T00–T02: only 4 left for them
	if err := Check(in); err == nil {
		t.Fatal("a draw that cannot send 5 inspectors to T00 was accepted")
	}
}

func TestCanonicalMatchesPython(t *testing.T) {
	// json.dumps({"b": "引号\"\\\n\u0001", "a": [1, true, None]}, ensure_ascii=False,
	// sort_keys=True, separators=(",", ":"))
	got, err := Canonical(map[string]any{"b": "引号\"\\\n\u0001", "a": []any{1, true, nil}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"a":[1,true,null],"b":"引号\"\\\n\u0001"}`; string(got) != want {
		t.Fatalf("canonical = %s, want %s", got, want)
	}
}

// Due: 20 calendar days by default (民法典第二百零三条: moved off a day off),
// or working days; real dates across the 2025 National Day holiday
// (10-01 – 10-08 off, 09-28 and 10-11 make-up working days).
func TestResultDue(t *testing.T) {
	cal := calendar.Default()
	for _, c := range []struct {
		st       Settings
		from, to string
	}{
		{DefaultSettings, "2025-09-20", "2025-10-10"},                                // a working Friday
		{DefaultSettings, "2025-09-15", "2025-10-09"},                                // 10-05 is in the holiday
		{DefaultSettings, "2025-05-10", "2025-05-30"},                                // Friday before 端午 (05-31 – 06-02)
		{Settings{ResultDays: 7, ResultWorkdays: true}, "2025-09-26", "2025-10-13"},  // 09-28 and 10-11 count
		{Settings{ResultDays: 20, ResultWorkdays: true}, "2025-01-20", "2025-02-21"}, // across 春节 (01-28 – 02-04 off; 01-26, 02-08 worked)
	} {
		if got := c.st.Due(cal, calendar.Day(c.from)).String(); got != c.to {
			t.Errorf("%+v from %s: due %s, want %s", c.st, c.from, got, c.to)
		}
	}
}
