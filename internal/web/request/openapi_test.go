package request

import (
	"encoding/json"
	"slices"
	"testing"

	"gongkai/internal/request"
)

// TestOpenAPIEnums: the document lists exactly the ledger's event types,
// decisions, statuses and organisation types the code knows.
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
	var types, kinds, statuses, orgs []string
	for _, e := range request.EventTypes {
		types = append(types, e.Type)
	}
	for _, k := range request.Kinds {
		kinds = append(kinds, k.Kind)
	}
	for s := range request.StatusLabels {
		statuses = append(statuses, s)
	}
	for _, o := range request.OrgTypes {
		orgs = append(orgs, o.Code)
	}
	for _, c := range []struct {
		schema, prop string
		want         []string
	}{
		{"RequestEventInput", "type", types}, {"RequestEvent", "type", types}, {"RequestEventInput", "decision", kinds},
		{"Request", "status", statuses}, {"RequestApplicant", "org_type", orgs},
	} {
		slices.Sort(c.want)
		if got := enum(c.schema, c.prop); !slices.Equal(got, c.want) {
			t.Errorf("%s.%s = %v, the code has %v", c.schema, c.prop, got, c.want)
		}
	}
}
