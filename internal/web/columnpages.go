package web

import (
	"slices"
	"sync"

	"gongkai/internal/catalog"
)

// ColumnPage is a page of a capability that belongs to a catalogue column:
// a structured list (/lists/power_list), the enforcement figures, the
// random inspections. The column's page links to it and the navigation
// lists it under the column, so a citizen who lands on the column (权责清单,
// 行政执法公示 …) finds the structured records, not only its free-text items.
type ColumnPage struct {
	// Column is the slug of the column the page belongs to (a capability
	// declares it: lists.Kind.Column …).
	Column string
	Name   string
	Path   string
	// Desc is a sentence under the link on the column's page.
	Desc string
}

var (
	columnPagesMu sync.Mutex
	columnPageFns []func() []ColumnPage
)

// RegisterColumnPages adds a source of column pages (called at start-up
// from a feature package's init; fn is called on each use, so it may list
// what other packages' inits declared).
func RegisterColumnPages(fn func() []ColumnPage) {
	columnPagesMu.Lock()
	defer columnPagesMu.Unlock()
	columnPageFns = append(columnPageFns, fn)
}

// ColumnPages returns the pages declared for the column slug, in
// registration order, each path once.
func ColumnPages(slug string) []ColumnPage {
	columnPagesMu.Lock()
	fns := slices.Clone(columnPageFns)
	columnPagesMu.Unlock()
	var out []ColumnPage
	for _, fn := range fns {
		for _, p := range fn() {
			if p.Column == slug && !slices.ContainsFunc(out, func(q ColumnPage) bool { return q.Path == p.Path }) {
				out = append(out, p)
			}
		}
	}
	return out
}

// navPages are the column's pages that none of its link sub-columns
// already points to (the navigation lists those sub-columns).
func navPages(c *catalog.Column) []ColumnPage {
	if c == nil {
		return nil
	}
	var out []ColumnPage
	for _, p := range ColumnPages(c.Slug) {
		if !slices.ContainsFunc(c.Children, func(ch *catalog.Column) bool { return ch.Kind == catalog.KindLink && ch.LinkURL == p.Path }) {
			out = append(out, p)
		}
	}
	return out
}
