package search

import (
	"html/template"
	"strings"

	"gongkai/internal/catalog"
	srch "gongkai/internal/search"
	"gongkai/internal/web"
)

// resultsPage is the results page (and, with Result nil, the empty form).
type resultsPage struct {
	web.Page
	Form form
	// Notice explains why no search ran (words without searchable text).
	Notice   string
	Result   *srch.Result
	Count    string // 共 N 条 / 超过 N 条
	Tabs     []tab
	Facets   []facetGroup
	Hits     []hitView
	BestBets []hitView
	// DidYouMean and Original are the links of the correction line.
	DidYouMeanURL, OriginalURL string
	FeedURL                    string
	Prev, Next                 string // pager links
	Pages                      int
	Start                      int // number of the first hit
	SortRelevance, SortDate    string
	Chips                      []chip // the filters in force, each a link that removes it
}

// tab is one record kind (分类展现), "全部" first.
type tab struct {
	Label   string
	Count   int
	URL     string
	Current bool
}

// facetGroup is one facet with its values.
type facetGroup struct {
	Name, Label string
	Values      []facetValue
}

type facetValue struct {
	Label    string
	Count    int
	URL      string // adds the filter, or removes it when Selected
	Selected bool
}

// chip is a filter in force.
type chip struct{ Label, URL string }

// hitView is a result as the page shows it.
type hitView struct {
	srch.Hit
	Link   string // through the click tracker when the search was logged
	Badge  string // 已废止 / 已失效 / 已修订
	Column string
}

// marked renders segments with <mark> around the matches; the text is
// escaped here, the only markup is ours.
func marked(segs []srch.Segment) template.HTML {
	var b strings.Builder
	for _, s := range segs {
		t := template.HTMLEscapeString(s.Text)
		if s.Mark {
			b.WriteString("<mark>" + t + "</mark>")
		} else {
			b.WriteString(t)
		}
	}
	return template.HTML(b.String())
}

// TitleHTML is the hit's title with its matches marked (the plain title
// when the service gave no segments).
func (h hitView) TitleHTML() template.HTML {
	if len(h.Hit.Title) == 0 {
		return template.HTML(template.HTMLEscapeString(h.Candidate.Title))
	}
	return marked(h.Hit.Title)
}

// SnippetHTML is the hit's snippet with its matches marked.
func (h hitView) SnippetHTML() template.HTML { return marked(h.Snippet) }

func plain(segs []srch.Segment) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.Text)
	}
	return b.String()
}

// badge is the mark of a document no longer in force (国办发〔2017〕47号:
// repealed and expired documents are marked as such).
func badge(validity string) string {
	switch validity {
	case "repealed":
		return "已废止"
	case "expired":
		return "已失效"
	case "amended":
		return "已修订"
	case "not_yet":
		return "尚未施行"
	}
	return ""
}

// advancedPage is the advanced search form.
type advancedPage struct {
	web.Page
	Form       form
	Kinds      []srch.Kind
	Columns    []*catalog.Column
	Validities []catalog.Option
}

// synonymsPage is the back office's synonym table.
type synonymsPage struct {
	web.AdminPage
	Groups []srch.SynonymGroup
	// Form is the group being added or edited (Edit is its id, 0 for new).
	Form  srch.SynonymGroup
	Terms string
	Edit  int64
}

// bestBetsPage is the back office's best bets.
type bestBetsPage struct {
	web.AdminPage
	Bets  []srch.BestBet
	Kinds []srch.Kind
	Form  srch.BestBet
	Edit  int64
}

// analyticsPage is the search analytics.
type analyticsPage struct {
	web.AdminPage
	From, To string
	Report   *srch.Analytics
}

// Err returns the message for a form field, if any.
func (p *resultsPage) Err(name string) string { return p.Errors[name] }
