package live

import (
	"encoding/json"
	"slices"
	"testing"

	"gongkai/internal/interact/live"
)

// TestOpenAPIEnums: the document lists exactly the statuses, kinds and
// platforms the code knows.
func TestOpenAPIEnums(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum []string `json:"enum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openapi, &doc); err != nil {
		t.Fatal(err)
	}
	codes := func(cs []live.Choice) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Code)
		}
		slices.Sort(out)
		return out
	}
	for _, c := range []struct {
		schema, prop string
		want         []string
	}{
		{"Interview", "status", codes(live.InterviewStatuses)},
		{"InterviewStaffQuestion", "status", codes(live.QuestionStatuses)},
		{"Event", "kind", codes(live.EventKinds)},
		{"Event", "status", codes(live.EventStatuses)},
		{"NewMediaAccount", "platform", codes(live.Platforms)},
	} {
		got := slices.Clone(doc.Components.Schemas[c.schema].Properties[c.prop].Enum)
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s.%s = %v, the code has %v", c.schema, c.prop, got, c.want)
		}
	}
}
