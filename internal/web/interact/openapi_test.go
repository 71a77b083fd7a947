package interact

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"gongkai/internal/interact"
)

// TestOpenAPIEnums: the document lists exactly the categories, statuses and
// ledger steps the code knows.
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
	enum := func(schema, prop string) []string {
		e := slices.Clone(doc.Components.Schemas[schema].Properties[prop].Enum)
		slices.Sort(e)
		return slices.DeleteFunc(e, func(s string) bool { return s == "" })
	}
	var cats, statuses, types, ratings []string
	for _, c := range interact.Categories {
		cats = append(cats, c.Code)
	}
	for s := range interact.StatusLabels {
		statuses = append(statuses, s)
	}
	for _, e := range interact.EventTypes {
		types = append(types, e.Type)
	}
	for _, r := range interact.Ratings {
		ratings = append(ratings, r.Code)
	}
	for _, c := range []struct {
		schema, prop string
		want         []string
	}{
		{"MessageInput", "category", cats}, {"Message", "category", cats}, {"PublicMessage", "category", cats},
		{"Message", "status", statuses}, {"MessageStep", "type", types}, {"Message", "rating", ratings},
	} {
		slices.Sort(c.want)
		if got := enum(c.schema, c.prop); !slices.Equal(got, c.want) {
			t.Errorf("%s.%s = %v, the code has %v", c.schema, c.prop, got, c.want)
		}
	}
}

func TestBarChart(t *testing.T) {
	for maxV, want := range map[int]int{1: 1, 4: 1, 5: 2, 9: 5, 20: 5, 21: 10, 36: 10, 41: 20, 128: 50, 201: 100} {
		if got := niceStep(maxV); got != want {
			t.Errorf("niceStep(%d) = %d, want %d", maxV, got, want)
		}
	}
	svg := string(barChart("c", "标题<&>", []string{"一月", "<b>"}, []series{{"收到", "#000", []int{3, 7}}}))
	for _, want := range []string{`role="img"`, `aria-labelledby="c-t c-d"`, "标题&lt;&amp;&gt;", "&lt;b&gt;：收到7", "一月 收到：3"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
	if strings.Contains(svg, "<b>") {
		t.Error("a label is not escaped")
	}
}
