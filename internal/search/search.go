// Package search is the site search: one Backend interface with back ends
// in search/fts5 (SQLite FTS5, embedded) and search/pg (PostgreSQL full
// text over the same tokens, for several app nodes), one conformance suite
// (search/searchtest) they both pass, and the query intelligence that is
// the same whatever the back end: tokens (text.go), 文号 keys (docno.go),
// synonyms, pinyin, typo correction, best bets, ranking and snippets
// (service.go).
//
// Capabilities register their public records as Sources; the Service keeps
// the index in step with them through the change events (events.Bus, a
// durable subscriber: replayed after a crash) and rebuilds it on demand
// (gongkai search reindex). Nothing the public may not see is indexed: a
// Source returns a Document only for a public record.
package search

import (
	"context"
	"iter"
	"time"
)

// Document is one public record in the index.
type Document struct {
	// ID is the back end's key, assigned by Put (0 for a new document). It
	// orders documents by publication: newer documents have larger ids, so
	// "most recent matches" is a cheap descending scan (see OrderKey).
	ID     int64
	SiteID int64
	// Kind is the record kind shown as a category (分类展现): a catalogue
	// document type ("policy", "interpretation" …) or another capability's
	// kind ("message", "consultation" …). Ref is the record's id in its
	// capability; (SiteID, Kind, Ref) is unique.
	Kind string
	Ref  int64
	URL  string
	// Title, Body (plain text; attachment text appended) and Extra (short
	// fields searched like the body but shown nowhere: keywords, 文号,
	// 索引号, attachment names).
	Title string
	Body  string
	Extra string
	// Metadata used by filters and facets.
	DocNo       string
	IndexNo     string
	Publisher   string
	ColumnID    int64
	Topic       string
	Validity    string // in_force, amended, repealed, expired, or "" (not applicable)
	PublishedOn string // YYYY-MM-DD
}

// Year of publication, or 0.
func (d *Document) Year() int {
	if len(d.PublishedOn) < 4 {
		return 0
	}
	y := 0
	for _, c := range d.PublishedOn[:4] {
		if c < '0' || c > '9' {
			return 0
		}
		y = y*10 + int(c-'0')
	}
	return y
}

// Field restricts a phrase to the title, or lets it match anywhere.
type Field int

const (
	Anywhere Field = iota
	TitleOnly
)

// Phrase is a run of tokens that must appear next to each other (the
// bigrams of one Chinese word, or one latin word), in Field.
type Phrase struct {
	Tokens []string
	Field  Field
}

// Clause matches when any of its phrases matches (a word and its
// synonyms, or a word and its pinyin).
type Clause []Phrase

// Filters narrow the matches; zero values do not filter.
type Filters struct {
	Kinds     []string
	ColumnIDs []int64 // a column and its descendants, expanded by the caller
	Publisher string
	Year      int
	Validity  string
	Topic     string
	From, To  string // YYYY-MM-DD, inclusive
	DocNoKey  string // DocNoKey of a 文号: every part must be present in order
	IndexNo   string // exact 索引号
}

// Facet names.
const (
	FacetKind      = "kind"
	FacetColumn    = "column"
	FacetPublisher = "publisher"
	FacetYear      = "year"
	FacetValidity  = "validity"
	FacetTopic     = "topic"
)

// Facets lists the facet names in display order.
var Facets = []string{FacetKind, FacetColumn, FacetPublisher, FacetYear, FacetValidity, FacetTopic}

// Match is what a back end is asked: every clause (AND), none of Not, and
// the filters. An empty Must matches every document of the site that passes
// the filters (browsing by facets).
type Match struct {
	SiteID  int64
	Must    []Clause
	Not     []Phrase
	Filters Filters
	// Cap bounds the candidates returned: the Cap most recent matches, and
	// besides them every match in the title among the Cap most recent title
	// matches (title-first retrieval), so the ranking sees the documents that
	// matter without scoring every match of a common word.
	Cap int
	// Offset skips that many of the most recent matches (date-sorted pages
	// beyond the candidates).
	Offset int
	// Facets asks for facet counts and the total.
	Facets bool
	// NoCache asks the back end not to keep the answer: a caller that keeps
	// what it derives from it (Related, once per record) would only fill
	// the back end's cache with answers asked once.
	NoCache bool `json:"-"`
}

// Candidate is a matching document without its body.
type Candidate struct {
	ID          int64
	Kind        string
	Ref         int64
	URL         string
	Title       string
	DocNo       string
	Publisher   string
	ColumnID    int64
	Topic       string
	Validity    string
	PublishedOn string
	// InTitle is true when every clause matched in the title.
	InTitle bool
}

// FacetCount is one value of a facet and how many matches have it.
type FacetCount struct {
	Value string
	Count int
}

// Matches is a back end's answer, candidates newest first.
type Matches struct {
	Candidates []Candidate
	// Total is the number of matches; Exact is false when the back end
	// counted only up to a bound (Total is then a lower bound) — the page
	// says "超过 N 条".
	Total int
	Exact bool
	// Facets maps a facet name to its values, most frequent first. When
	// Exact is false they count the counted matches only.
	Facets map[string][]FacetCount
}

// Backend stores documents and answers matches. Every back end passes the
// conformance suite in search/searchtest.
type Backend interface {
	// Name is the back end's name in logs and benchmarks ("fts5", "pg").
	Name() string
	// Put inserts or replaces documents by (SiteID, Kind, Ref) and sets
	// their IDs; a document is searchable when Put returns.
	Put(ctx context.Context, docs ...*Document) error
	// Delete removes one document; deleting a missing one is not an error.
	Delete(ctx context.Context, siteID int64, kind string, ref int64) error
	// DeleteKind removes every document of a kind of a site (before a
	// rebuild of that kind); kind "" removes the whole site.
	DeleteKind(ctx context.Context, siteID int64, kind string) error
	// Match finds documents.
	Match(ctx context.Context, m *Match) (*Matches, error)
	// Docs returns the full documents with these IDs (bodies for snippets),
	// in the order asked; missing ids are skipped.
	Docs(ctx context.Context, siteID int64, ids []int64) ([]*Document, error)
	// Heads is Docs with each body cut to its first runes characters (the
	// ranking and the snippets read only the beginning).
	Heads(ctx context.Context, siteID int64, ids []int64, runes int) ([]*Document, error)
	// Doc returns the document of a record, or nil.
	Doc(ctx context.Context, siteID int64, kind string, ref int64) (*Document, error)
	// Refs yields the refs of every document of a kind of a site (the
	// sweep after a rebuild).
	Refs(ctx context.Context, siteID int64, kind string) iter.Seq2[int64, error]
	// Titles yields every title of a site (the vocabulary for typo
	// correction and suggestions).
	Titles(ctx context.Context, siteID int64) iter.Seq2[string, error]
	// Size reports the number of documents and the bytes the index takes
	// (best effort; for benchmarks).
	Size(ctx context.Context) (docs int64, bytes int64, err error)
}

// OrderBits is the number of low bits of an ID below the publication day.
const OrderBits = 24

// OrderBase is the smallest ID of a document published on day (YYYY-MM-DD):
// the days since 1970-01-01 shifted left by OrderBits. A back end gives a
// new document an unused ID in [OrderBase, OrderBase + 1<<OrderBits), and
// keeps a document's ID while its publication day stays the same, so IDs
// order documents by publication day and a descending ID scan yields the
// most recent matches first. An unparsable day counts as 1970-01-01.
func OrderBase(day string) int64 {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil || t.Year() < 1970 {
		return 0
	}
	return (t.Unix() / 86400) << OrderBits
}
