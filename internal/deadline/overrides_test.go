package deadline

import (
	"strings"
	"testing"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/store"
	"gongkai/internal/store/storetest"
)

func TestValidateOverrides(t *testing.T) {
	tests := []struct {
		name  string
		days  map[string]int
		field string // "" when valid
		want  string // part of the message
	}{
		{"none", nil, "", ""},
		{"shorten 条例第二十六条's 20 working days", map[string]int{"proactive.publish": 15}, "", ""},
		{"keep the default", map[string]int{"proactive.publish": 20}, "", ""},
		{"lengthen 20 working days to 365", map[string]int{"proactive.publish": 365}, "proactive.publish", "只能缩短、不能延长法定的 20 个工作日"},
		{"lengthen 7 days to 8", map[string]int{"policy.publish": 8}, "policy.publish", "不能延长法定的 7 日"},
		{"zero", map[string]int{"interpretation.publish": 0}, "interpretation.publish", "至少为 1 日"},
		{"lengthen a minimum period", map[string]int{"consultation.open": 45}, "", ""},
		{"shorten a minimum period", map[string]int{"consultation.open": 20}, "consultation.open", "不能少于法定的 30 日"},
		{"a minimum period over a year", map[string]int{"consultation.open": 400}, "consultation.open", "不能超过 365 日"},
		{"a fixed date", map[string]int{"annual_report.publish": 10}, "annual_report.publish", "法定日期不能修改"},
		{"unknown rule", map[string]int{"nope": 3}, "nope", "未知的期限规则"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateOverrides(tt.days)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			msg := errs.FieldsOf(err)[OverrideField(tt.field)]
			if errs.CodeOf(err) != errs.Invalid || !strings.Contains(msg, tt.want) {
				t.Fatalf("err = %v, field message %q, want %q", err, msg, tt.want)
			}
		})
	}
}

func TestParseOverrides(t *testing.T) {
	got, err := ParseOverrides(map[string]string{"policy.publish": " 5 ", "proactive.publish": "20", "interpretation.publish": "", "annual_report.publish": "3"})
	if err != nil || len(got) != 1 || got["policy.publish"] != 5 {
		t.Fatalf("got %v, %v (defaults and fixed dates are dropped)", got, err)
	}
	_, err = ParseOverrides(map[string]string{"policy.publish": "七", "proactive.publish": "30"})
	f := errs.FieldsOf(err)
	if !strings.Contains(f["deadline_policy.publish"], "整数") || !strings.Contains(f["deadline_proactive.publish"], "不能延长") {
		t.Fatalf("fields = %v", f)
	}
}

// The catalogue refuses to store a lengthened period whoever saves it, and
// a period stored before the rule existed does not lengthen the deadline.
func TestSettingsRefuseLongerPeriods(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFx(t, db)
		st := f.site.Settings
		st.DeadlineDays = map[string]int{"proactive.publish": 365}
		err := f.cat.UpdateSettings(f.ctx, f.admin, f.site.ID, f.site.Name, st)
		if errs.FieldsOf(err)["deadline_proactive.publish"] == "" {
			t.Fatalf("err = %v", err)
		}
		site, err := f.cat.Site(f.ctx, f.site.ID)
		if err != nil {
			t.Fatal(err)
		}
		if site.Settings.DeadlineDays["proactive.publish"] == 365 {
			t.Fatal("the lengthened period was stored")
		}
		st.DeadlineDays = map[string]int{"proactive.publish": 10}
		if err := f.cat.UpdateSettings(f.ctx, f.admin, f.site.ID, f.site.Name, st); err != nil {
			t.Fatal(err)
		}
		r := RuleByCode("proactive.publish")
		if n := r.days(catalog.Settings{DeadlineDays: map[string]int{"proactive.publish": 365}}); n != 20 {
			t.Errorf("a stored 365 counts as %d days, want the statutory 20", n)
		}
		if n := r.days(catalog.Settings{DeadlineDays: map[string]int{"proactive.publish": 10}}); n != 10 {
			t.Errorf("a shortened period counts as %d", n)
		}
		c := RuleByCode("consultation.open")
		if n := c.days(catalog.Settings{DeadlineDays: map[string]int{"consultation.open": 20}}); n != 30 {
			t.Errorf("a shortened minimum counts as %d, want 30", n)
		}
	})
}
