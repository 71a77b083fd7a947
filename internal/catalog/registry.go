package catalog

import (
	"fmt"
	"slices"
	"sync"
)

var (
	regMu         sync.RWMutex
	docTypes      []*DocType
	docTypeByCode = map[string]*DocType{}
	// facetByName is the declaration of every facet field by name; types
	// sharing a facet name must agree on its kind and scale, so one filter
	// over a column holding several types compares like with like.
	facetByName = map[string]Field{}
	// interpretable holds the codes some type's interpretations may explain.
	interpretable = map[string]bool{}
)

// RegisterDocType adds a document type. The package that owns a kind of
// record registers it in its init (power lists, enforcement results, …).
// It panics on a declaration that cannot work: that is a programming error,
// found by the first test that imports the package.
func RegisterDocType(t *DocType) {
	if err := checkDocType(t); err != nil {
		panic(fmt.Sprintf("catalog: document type %q: %v", t.Code, err))
	}
	regMu.Lock()
	defer regMu.Unlock()
	if docTypeByCode[t.Code] != nil {
		panic(fmt.Sprintf("catalog: document type %q registered twice", t.Code))
	}
	for _, f := range t.Fields {
		if g, ok := facetByName[f.Name]; ok && f.Facet && !f.Core && (g.Kind != f.Kind || g.scale() != f.scale()) {
			panic(fmt.Sprintf("catalog: document type %q: facet %q is %s here but %s in another type", t.Code, f.Name, f.Kind, g.Kind))
		}
	}
	for _, f := range t.Fields {
		if f.Facet && !f.Core {
			facetByName[f.Name] = f
		}
	}
	t.Interprets = len(t.InterpretTargets) > 0
	for _, code := range t.InterpretTargets {
		interpretable[code] = true
	}
	docTypes = append(docTypes, t)
	docTypeByCode[t.Code] = t
}

// checkDocType checks a declaration and completes implied flags
// (Sortable implies Facet).
func checkDocType(t *DocType) error {
	if t.Code == "" || t.Name == "" {
		return fmt.Errorf("code and name are required")
	}
	seen := map[string]bool{}
	for i := range t.Fields {
		f := &t.Fields[i]
		if seen[f.Name] {
			return fmt.Errorf("field %q declared twice", f.Name)
		}
		seen[f.Name] = true
		if f.Core {
			if _, ok := coreByName[f.Name]; !ok {
				return fmt.Errorf("field %q is marked core but is not a core field", f.Name)
			}
			continue
		}
		if _, ok := coreByName[f.Name]; ok {
			return fmt.Errorf("field %q has a core field's name; use core(%q, …)", f.Name, f.Name)
		}
		if err := checkField(*f, false); err != nil {
			return err
		}
		if f.Sortable {
			f.Facet = true
		}
	}
	for _, list := range [][]string{t.Meta, t.ListCols} {
		for _, name := range list {
			if _, ok := t.Field(name); !ok {
				return fmt.Errorf("meta or list column %q is not a field", name)
			}
		}
	}
	for _, name := range t.Filters {
		f, ok := t.Field(name)
		if !ok || (!f.Core && !f.Facet) {
			return fmt.Errorf("filter %q is neither a core field nor a facet", name)
		}
	}
	for _, d := range t.Deadlines {
		if d.Rule == "" || d.Title == "" || d.Basis == "" {
			return fmt.Errorf("deadline %q needs a code, a title and a basis", d.Rule)
		}
		if !slices.Contains([]string{Workdays, CalendarDays, FixedDate}, d.Unit) {
			return fmt.Errorf("deadline %q: unknown unit %q", d.Rule, d.Unit)
		}
		want := Date
		if d.Unit == FixedDate {
			want = Integer
		}
		if f, ok := t.Field(d.Start); !ok || f.Kind != want {
			return fmt.Errorf("deadline %q: start %q is not a %s field of the type", d.Rule, d.Start, want)
		}
		if d.Done != DonePublished && d.Done != DoneInterpreted {
			if f, ok := t.Field(d.Done); !ok || f.Kind != Date {
				return fmt.Errorf("deadline %q: done %q is not a date field of the type", d.Rule, d.Done)
			}
		}
	}
	return nil
}

func checkField(f Field, inGroup bool) error {
	if f.Name == "" || f.Label == "" {
		return fmt.Errorf("a field needs a name and a label")
	}
	switch f.Kind {
	case Text, TextArea, Person, URL:
		if f.Max <= 0 {
			return fmt.Errorf("field %q: text kinds need Max", f.Name)
		}
	case Select, MultiSelect:
		if len(f.Options) == 0 {
			return fmt.Errorf("field %q: choices need options", f.Name)
		}
	case Decimal:
		if f.Scale < 0 || f.Scale > MaxDecimalScale {
			return fmt.Errorf("field %q: scale must be 0 to %d", f.Name, MaxDecimalScale)
		}
	case Group:
		if inGroup {
			return fmt.Errorf("field %q: groups do not nest", f.Name)
		}
		if len(f.Sub) == 0 {
			return fmt.Errorf("group %q has no sub-fields", f.Name)
		}
		for _, sf := range f.Sub {
			if sf.Kind == MultiSelect || sf.Facet || sf.Sortable || sf.Core {
				return fmt.Errorf("group %q: sub-field %q must be a plain scalar", f.Name, sf.Name)
			}
			if err := checkField(sf, true); err != nil {
				return err
			}
		}
	case Integer, Money, Date, Bool, Link:
	default:
		return fmt.Errorf("field %q: unknown kind %q", f.Name, f.Kind)
	}
	if f.Facet || f.Sortable {
		switch f.Kind {
		case TextArea, Group, Person, URL:
			// Long or personal text never goes to the facet table: its index
			// would refuse long rows and it would expose personal data.
			return fmt.Errorf("field %q: a %s field cannot be a facet", f.Name, f.Kind)
		case Text:
			if f.Max > maxFacetText {
				return fmt.Errorf("field %q: a text facet may be at most %d characters", f.Name, maxFacetText)
			}
		}
		if f.Sortable && f.Kind == MultiSelect {
			return fmt.Errorf("field %q: a multiselect cannot be sorted on", f.Name)
		}
	}
	return nil
}

// maxFacetText bounds text facets: 200 characters are at most 800 bytes of
// UTF-8, well inside PostgreSQL's 2,704-byte b-tree row limit.
const maxFacetText = 200

// DocTypes returns every declared document type.
func DocTypes() []*DocType {
	regMu.RLock()
	defer regMu.RUnlock()
	return slices.Clone(docTypes)
}

// DocTypeByCode returns the type with code, or nil.
func DocTypeByCode(code string) *DocType {
	regMu.RLock()
	defer regMu.RUnlock()
	return docTypeByCode[code]
}

// FacetField returns the declaration of the facet called name (the same in
// every type that declares it).
func FacetField(name string) (Field, bool) {
	regMu.RLock()
	defer regMu.RUnlock()
	f, ok := facetByName[name]
	return f, ok
}

// Interpretable reports whether some type's interpretations may explain
// items of type code (the self-inspection counts their coverage).
func Interpretable(code string) bool {
	regMu.RLock()
	defer regMu.RUnlock()
	return interpretable[code]
}
