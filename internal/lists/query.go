package lists

import (
	"regexp"
	"sort"
	"strings"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
)

// Query filters an edition's rows: facet equality (canonical value or, for
// choices, the label) and words found in any field.
type Query struct {
	Facets map[string]string
	Q      string
}

// FacetValue is one value of a facet with its count.
type FacetValue struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// Normalize checks the query against the kind: unknown or bad facet values
// are errors naming the parameter.
func (k *Kind) Normalize(q Query) (Query, error) {
	out := Query{Q: strings.TrimSpace(q.Q), Facets: map[string]string{}}
	v := errs.Validation{}
	if len([]rune(out.Q)) > 100 {
		v.Add("q", "关键词不能超过 100 个字")
	}
	for name, val := range q.Facets {
		if val == "" {
			continue
		}
		f, ok := k.Field(name)
		if !ok || !f.Facet {
			v.Add(name, "不是可筛选的字段")
			continue
		}
		if f.Kind == catalog.Date {
			// A date facet filters by year (facetValue).
			y := strings.TrimSuffix(strings.TrimSpace(val), "年")
			if !yearRE.MatchString(y) {
				v.Add(name, "应为四位年份，如 2025")
				continue
			}
			out.Facets[name] = y
			continue
		}
		c, msg := f.Normalize(fromCell(f, val))
		if msg != "" {
			v.Add(name, msg)
			continue
		}
		out.Facets[name] = c
	}
	if err := v.Err(); err != nil {
		e := err.(*errs.Error)
		e.Message = "筛选条件有误"
		return out, e
	}
	return out, nil
}

func (k *Kind) matches(r Row, q Query, skip string) bool {
	for name, want := range q.Facets {
		if name == skip {
			continue
		}
		f, _ := k.Field(name)
		if facetValue(f, r.Values[name]) != want {
			return false
		}
	}
	if q.Q != "" {
		for _, w := range strings.Fields(q.Q) {
			found := false
			for _, v := range r.Values {
				if strings.Contains(v, w) {
					found = true
					break
				}
			}
			if !found {
				for _, f := range k.Fields {
					if f.Kind == catalog.Select && strings.Contains(catalog.OptionLabel(f.Options, r.Values[f.Name]), w) {
						found = true
					}
				}
			}
			if !found {
				return false
			}
		}
	}
	return true
}

// Match returns the rows that pass q.
func (k *Kind) Match(rows []Row, q Query) []Row {
	var out []Row
	for _, r := range rows {
		if k.matches(r, q, "") {
			out = append(out, r)
		}
	}
	return out
}

// FacetCounts counts each facet's values over the rows that pass the other
// filters (so a chosen value's alternatives stay visible).
func (k *Kind) FacetCounts(rows []Row, q Query) map[string][]FacetValue {
	out := map[string][]FacetValue{}
	for _, f := range k.Facets() {
		n := map[string]int{}
		for _, r := range rows {
			if !k.matches(r, q, f.Name) {
				continue
			}
			if v := facetValue(f, r.Values[f.Name]); v != "" {
				n[v]++
			}
		}
		out[f.Name] = facetValues(f, n)
	}
	return out
}

// yearRE is a facet year of a date field.
var yearRE = regexp.MustCompile(`^[12][0-9]{3}$`)

// facetValue is the value a row has for facet f: a date's year (a date
// facet has one option per year, not one per day: a ledger of 25,000
// notices spans thousands of days), a yes/no's empty "0", else the
// canonical value. PublicRows computes the same in SQL (facetExpr).
func facetValue(f catalog.Field, v string) string {
	switch {
	case f.Kind == catalog.Bool && v == "":
		return "0"
	case f.Kind == catalog.Date && len(v) >= 4:
		return v[:4]
	}
	return v
}

// facetValues are a facet's counted values: a choice's in its options'
// order, a date's years latest first, others by count then value.
func facetValues(f catalog.Field, n map[string]int) []FacetValue {
	{
		var vals []FacetValue
		switch f.Kind {
		case catalog.Select:
			for _, o := range f.Options {
				if n[o.Value] > 0 {
					vals = append(vals, FacetValue{o.Value, o.Label, n[o.Value]})
				}
			}
		case catalog.Date:
			for v, c := range n {
				vals = append(vals, FacetValue{v, v + "年", c})
			}
			sort.Slice(vals, func(i, j int) bool { return vals[i].Value > vals[j].Value })
		default:
			for v, c := range n {
				vals = append(vals, FacetValue{v, toCell(f, v), c})
			}
			sort.Slice(vals, func(i, j int) bool {
				if vals[i].Count != vals[j].Count {
					return vals[i].Count > vals[j].Count
				}
				return vals[i].Value < vals[j].Value
			})
		}
		return vals
	}
}
