package catalogue

import (
	"html/template"
	"net/url"
	"slices"
	"strconv"

	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/compliance"
	"gongkai/internal/deadline"
	"gongkai/internal/search"
	"gongkai/internal/web"
)

// listPage serves the pages that list items: home, columns, the
// catalogue and link columns.
type listPage struct {
	web.Page
	Items    []*catalog.Item
	Sections []homeSection
	Pager    *web.Pager
	Filters  *listFilters
	ListCols []catalog.Field
	// Entries are the section columns whose pages the home page lists
	// as tiles (the site's home_entries, e.g. 办事服务).
	Entries []*catalog.Column
	// Blocks are other features' home-page blocks (web.HomeBlock).
	Blocks []template.HTML
}

type homeSection struct {
	Column *catalog.Column
	Items  []*catalog.Item
}

// itemPage serves an item, one of its revisions, or its withdrawal notice.
type itemPage struct {
	web.Page
	Item       *catalog.Item
	Attach     []catalog.Attachment
	Related    []*catalog.Item
	Prev, Next *catalog.Item
	Successor  *catalog.Item
	Revisions  []catalog.Revision
	Revision   *catalog.Revision
	// Tables are the item's group fields with rows, as the public sees them.
	Tables []*catalog.Table
	// Linked are the published items the item's link fields point to.
	Linked map[string]*catalog.Item
	// SeeAlso are related records from the site search (相关信息).
	SeeAlso []search.Hit
	// Data and Chart: a statistics item's table and its SVG chart.
	Data  *catalog.DataTable
	Chart template.HTML
}

// CacheRefs are the other items the page shows, so that a change of one of
// them drops this page from the render cache (web.Server.InvalidateItem).
// 相关信息 (SeeAlso, from the search) is left out: it may lag a new item
// until the page is next rendered (at the latest the next day).
func (p *itemPage) CacheRefs() []int64 {
	var ids []int64
	for _, it := range p.Related {
		ids = append(ids, it.ID)
	}
	for _, it := range []*catalog.Item{p.Prev, p.Next} {
		if it != nil {
			ids = append(ids, it.ID)
		}
	}
	// The items it names, shown or not yet public: publishing one of them
	// changes this page.
	if p.Item.SuccessorID != 0 {
		ids = append(ids, p.Item.SuccessorID)
	}
	for _, f := range p.Item.Type().Fields {
		if f.Kind == catalog.Link {
			if id, err := strconv.ParseInt(p.Item.Fields[f.Name], 10, 64); err == nil {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// metaCell is one entry of the item page's metadata block.
type metaCell struct {
	Label, Value string
	Link         *catalog.Item
}

// MetaRows are the type's metadata fields that have a value (文号 is in
// the fixed rows), two to a row: the block stays compact (issue 15).
func (p *itemPage) MetaRows() [][]metaCell {
	it := p.Item
	var cells []metaCell
	for _, name := range it.Type().Meta {
		if name == "doc_no" || it.Value(name) == "" {
			continue
		}
		f, _ := it.Type().Field(name)
		cells = append(cells, metaCell{Label: f.Label, Value: it.PublicDisplay(name), Link: p.Linked[name]})
	}
	var rows [][]metaCell
	for c := range slices.Chunk(cells, 2) {
		rows = append(rows, c)
	}
	return rows
}

// LinkTo returns the published item a link field points to, or nil.
func (p *itemPage) LinkTo(name string) *catalog.Item { return p.Linked[name] }

// dashboardPage is the staff workbench: counts by status and what waits.
type dashboardPage struct {
	web.AdminPage
	Counts map[string]int
	// Proposals are the proposed changes to published items waiting for
	// this person, ProposalLabels their status names.
	Proposals      []catalog.QueuedProposal
	ProposalLabels map[string]string
	Items          []*catalog.Item
	Statuses       []string
	// Due maps an item's back-office link to its nearest finding (its
	// deadline), for the queue.
	Due map[string]compliance.Finding
	// Findings are the self-inspection's findings that are this person's:
	// their department's, or all for the office (at most dashboardFindings);
	// FindingsTotal counts them all, RanAt says when the check ran.
	Findings      []compliance.Finding
	FindingsTotal int
	// FindingsRefreshing: a newer self-inspection runs in the background.
	FindingsRefreshing bool
	RanAt              string
	// FindingsNext: the site changed since RanAt (or the day did) and a
	// large site's next run starts in the background at about this time.
	FindingsNext string
	Levels       map[compliance.Level]string
	// CalendarWarning: a holiday notice the calendar lacks (the office
	// and administrators see it).
	CalendarWarning string
}

// itemsPage is the back office's item list with its filters.
type itemsPage struct {
	web.AdminPage
	Items       []*catalog.Item
	Statuses    []string
	Types       []*catalog.DocType
	Departments []catalog.Department
	Pager       *web.Pager
	Query       url.Values
}

// chooseTypePage asks which document type a new item is.
type chooseTypePage struct {
	web.AdminPage
	Types []*catalog.DocType
}

// formPage is the item form, new or edit.
type formPage struct {
	web.AdminPage
	Item        *catalog.Item
	Input       *catalog.Input
	Type        *catalog.DocType
	Columns     []*catalog.Column
	Departments []catalog.Department
	// Action is where the form posts; Proposing marks a proposed change
	// to a published item (issue 15), with its open proposal if any.
	Action    string
	Proposing bool
	Proposal  *catalog.Proposal
	// Base are the field signatures of the version the form was opened
	// on (catalog.EncodeSignatures), for the merge after a conflict.
	Base string
	// Merge, after a conflict, is the other person's change field by
	// field; MergeBy is who made it.
	Merge   *catalog.Merge
	MergeBy string
	// The pickers: the chosen successor and interpreted documents, the
	// search text and the hits of a search without script.
	Successor      *catalog.Item
	SuccessorQuery string
	SuccessorHits  []*catalog.Item
	Interpreted    []*catalog.Item
	InterpretQuery string
	InterpretHits  []*catalog.Item
	// Uploads offers attachments in the form (saved with the draft).
	Uploads bool
	// Pending are the files chosen before a 查找 step, held for the save
	// (catalog.HoldUploads), each kept while its box stays ticked.
	Pending []catalog.PendingUpload
}

// itemAdminPage is an item in the back office: its ledger, revisions,
// files, links, deadlines and the actions this user may take.
type itemAdminPage struct {
	web.AdminPage
	Item      *catalog.Item
	Events    []catalog.Event
	Revisions []catalog.Revision
	Attach    []catalog.Attachment
	Related   []*catalog.Item
	Deadlines []*deadline.Deadline
	Today     calendar.Date
	Actions   itemActions
	// Proposal is the open proposed change of a published item, Changes
	// its difference from the published version, Prop what this user may
	// do about it.
	Proposal *catalog.Proposal
	Changes  []catalog.FieldChange
	Prop     catalog.ProposalActions
}

// ProposalLabels are the names of proposal statuses, for the template.
func (p *itemAdminPage) ProposalLabels() map[string]string { return catalog.ProposalLabels }
