package search

import (
	"context"
	"iter"
	"log/slog"
	"sync"
	"time"

	"gongkai/internal/calendar"
	"gongkai/internal/events"
	"gongkai/internal/store"
)

// Source is a capability's public records as search documents. The
// catalogue registers one (items of every document type); requests,
// consultations, messages and structured lists register theirs as they
// land. A Source returns documents only for records the public may see.
type Source struct {
	// Kinds are the record kinds this source yields, with their labels
	// (the categories of 分类展现), in display order.
	Kinds []Kind
	// Changed maps a change event to the records it affects: ok is false for
	// events of other sources.
	Changed func(e events.Event) (refs []Ref, ok bool)
	// Load returns the document of a record, or nil when it is not (or no
	// longer) public.
	Load func(ctx context.Context, siteID int64, ref Ref) (*Document, error)
	// All yields every public document of a site (the rebuild), with the
	// total for progress.
	All func(ctx context.Context, siteID int64) (docs iter.Seq2[*Document, error], total int, err error)
}

// Kind is a record kind and its label.
type Kind struct {
	Code  string
	Label string
}

// Ref names a record.
type Ref struct {
	Kind string
	ID   int64
}

// Request is one search, as the public page and the API ask it.
type Request struct {
	SiteID int64
	// Q are words matched anywhere, or in titles only with InTitle.
	Q       string
	InTitle bool
	// Phrase must appear exactly; Exclude are words that must not appear.
	Phrase  string
	Exclude string
	// DocNo is a 文号, exact or loose ("临司发〔2021〕12号", "临司发 2021 12",
	// "2021 12号"); IndexNo an exact 索引号.
	DocNo   string
	IndexNo string
	// Filters.
	Kinds     []string
	ColumnIDs []int64 // the column and its descendants (the caller expands)
	Publisher string
	Year      int
	Validity  string
	Topic     string
	From, To  string // YYYY-MM-DD
	// Sort is "" (relevance) or "date" (newest first).
	Sort string
	// Page is 1-based; Limit results per page (default 10, at most 50).
	Page  int
	Limit int
	// Original asks for the words as typed even when a correction exists
	// ("仍然搜索原词").
	Original bool
}

// Segment is a piece of a title or snippet; Mark is true for a match.
type Segment struct {
	Text string
	Mark bool
}

// Hit is one result.
type Hit struct {
	Candidate
	KindLabel string
	Title     []Segment
	Snippet   []Segment
	Score     float64
	BestBet   bool
}

// Result answers a Request.
type Result struct {
	Total int
	Exact bool // false: Total is a lower bound ("超过 N 条")
	Hits  []Hit
	// BestBets are the pinned results for this query (推荐结果), shown above
	// the hits on the first page.
	BestBets []Hit
	// Facets by facet name (FacetKind drives the category tabs).
	Facets map[string][]FacetCount
	// DidYouMean is a corrected query ("您是不是要找"); Corrected is true when
	// the hits are for DidYouMean because the words as typed found nothing.
	DidYouMean string
	Corrected  bool
	// Partial is true when no record has every word and the hits have some
	// of them (the longest words split, then any word).
	Partial bool
	// Terms are the words matched, for highlighting elsewhere.
	Terms   []string
	Page    int
	Pages   int
	Elapsed time.Duration
}

// Service is the site search over one back end.
type Service struct {
	DB      *store.DB
	Backend Backend
	Bus     *events.Bus
	Log     *slog.Logger

	// Today is the reference day for recency (tests pass a fixed one).
	Today func() calendar.Date
	// Segmentation is how free text becomes words: SegmentWords (the
	// default) or SegmentRuns.
	Segmentation string
	// CacheSize is how many results the node keeps (0: 512; negative:
	// none, for benchmarks).
	CacheSize int

	mu      sync.RWMutex
	sources []*Source
	kinds   []Kind

	once  sync.Once
	state *state
}

func (s *Service) segmentation() string {
	if s.Segmentation == "" {
		return SegmentWords
	}
	return s.Segmentation
}

// NewService returns the search service over a back end.
func NewService(db *store.DB, b Backend, bus *events.Bus, log *slog.Logger) *Service {
	return &Service{DB: db, Backend: b, Bus: bus, Log: log}
}

// Register adds a source of documents.
func (s *Service) Register(src *Source) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sources = append(s.sources, src)
	s.kinds = append(s.kinds, src.Kinds...)
}

// Kinds lists every registered record kind in display order.
func (s *Service) Kinds() []Kind {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]Kind(nil), s.kinds...)
}

// KindLabel returns a kind's label, or the code.
func (s *Service) KindLabel(code string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, k := range s.kinds {
		if k.Code == code {
			return k.Label
		}
	}
	return code
}
