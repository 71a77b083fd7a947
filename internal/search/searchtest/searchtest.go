// Package searchtest is the conformance suite every search back end passes
// (STYLE.md: gitea's indexer tests): the same scenarios, run by each back
// end's own test against a fresh, empty index.
package searchtest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"gongkai/internal/search"
)

// Run runs the suite; open returns a fresh, empty back end for each subtest.
func Run(t *testing.T, open func(t *testing.T) search.Backend) {
	for _, c := range []struct {
		name string
		fn   func(t *testing.T, b search.Backend)
	}{
		{"PutAssignsIDs", testPutIDs},
		{"PutMany", testPutMany},
		{"Delete", testDelete},
		{"DeleteRef", testDeleteRef},
		{"SiteIsolation", testSites},
		{"Phrase", testPhrase},
		{"TitleOnly", testTitleOnly},
		{"Prefix", testPrefix},
		{"ClausesAndNot", testClauses},
		{"Filters", testFilters},
		{"Facets", testFacets},
		{"CapAndTitles", testCap},
		{"Offset", testOffset},
		{"Browse", testBrowse},
		{"DocsDocTitlesSize", testDocs},
		{"Adversarial", testAdversarial},
		{"LargeFields", testLarge},
		{"Bounded", testBounded},
		{"Walk", testWalk},
	} {
		t.Run(c.name, func(t *testing.T) { c.fn(t, open(t)) })
	}
}

var ctx = context.Background()

// doc is a fixture document.
func doc(site int64, kind string, ref int64, day, title, body string) *search.Document {
	return &search.Document{SiteID: site, Kind: kind, Ref: ref, URL: fmt.Sprintf("/items/%d", ref), Title: title, Body: body, PublishedOn: day}
}

func put(t *testing.T, b search.Backend, docs ...*search.Document) {
	t.Helper()
	if err := b.Put(ctx, docs...); err != nil {
		t.Fatalf("put: %v", err)
	}
}

// word is the clause of one query word.
func word(w string) search.Clause { return search.Clause{*search.PhraseOf(w, search.Anywhere)} }

func titleWord(w string) search.Clause { return search.Clause{*search.PhraseOf(w, search.TitleOnly)} }

func match(t *testing.T, b search.Backend, m *search.Match) *search.Matches {
	t.Helper()
	if m.SiteID == 0 {
		m.SiteID = 1
	}
	if m.Cap == 0 {
		m.Cap = 100
	}
	r, err := b.Match(ctx, m)
	if err != nil {
		t.Fatalf("match %+v: %v", m, err)
	}
	return r
}

// refs lists the candidates' refs in order.
func refs(r *search.Matches) []int64 {
	var out []int64
	for _, c := range r.Candidates {
		out = append(out, c.Ref)
	}
	return out
}

func wantRefs(t *testing.T, what string, r *search.Matches, want ...int64) {
	t.Helper()
	if got := refs(r); !slices.Equal(got, want) {
		t.Errorf("%s: refs %v, want %v", what, got, want)
	}
}

func testPutIDs(t *testing.T, b search.Backend) {
	a := doc(1, "policy", 1, "2021-03-01", "法律援助办法", "正文")
	a2 := doc(1, "policy", 2, "2021-03-01", "公证办理指南", "正文")
	c := doc(1, "notice", 3, "2022-01-01", "人民调解通知", "正文")
	put(t, b, a, a2, c)
	base := search.OrderBase("2021-03-01")
	for _, d := range []*search.Document{a, a2} {
		if d.ID < base || d.ID >= base+1<<search.OrderBits {
			t.Errorf("ID %d of a 2021-03-01 document outside [%d, %d)", d.ID, base, base+1<<search.OrderBits)
		}
	}
	if a.ID == a2.ID {
		t.Fatalf("two documents share ID %d", a.ID)
	}
	if c.ID <= a.ID || c.ID <= a2.ID {
		t.Errorf("newer day has ID %d, not above %d and %d", c.ID, a.ID, a2.ID)
	}
	// Replace by (site, kind, ref): same day keeps the ID.
	old := a.ID
	r := doc(1, "policy", 1, "2021-03-01", "行政复议决定书", "新正文")
	put(t, b, r)
	if r.ID != old {
		t.Errorf("same day: ID %d, want %d kept", r.ID, old)
	}
	if got, _ := b.Doc(ctx, 1, "policy", 1); got == nil || got.Title != "行政复议决定书" || got.Body != "新正文" || got.ID != old {
		t.Errorf("replaced doc reads %+v", got)
	}
	wantRefs(t, "old title gone", match(t, b, &search.Match{Must: []search.Clause{word("法律援助")}}))
	wantRefs(t, "new title found", match(t, b, &search.Match{Must: []search.Clause{word("行政复议")}}), 1)
	// A later day: a new, larger ID; still one document for the ref.
	r2 := doc(1, "policy", 1, "2023-05-05", "行政复议决定书", "新正文")
	put(t, b, r2)
	if r2.ID <= c.ID {
		t.Errorf("moved to 2023: ID %d not above %d", r2.ID, c.ID)
	}
	if n, _, err := b.Size(ctx); err != nil || n != 3 {
		t.Errorf("Size = %d, %v; want 3 documents", n, err)
	}
	wantRefs(t, "moved doc found once", match(t, b, &search.Match{Must: []search.Clause{word("行政复议")}}), 1)
	// Newest first by day.
	wantRefs(t, "browse order", match(t, b, &search.Match{}), 1, 3, 2)
	// An unparsable day counts as 1970-01-01.
	bad := doc(1, "policy", 9, "not a day", "无日期", "")
	put(t, b, bad)
	if bad.ID < 0 || bad.ID >= 1<<search.OrderBits {
		t.Errorf("undated doc ID %d outside day 0", bad.ID)
	}
}

// testPutMany: one Put of many documents (a rebuild's batch) mixing new
// records, records replaced on their day and records moved to another day,
// over more rows than one statement holds; then one Put naming a record
// twice, where the later document wins.
func testPutMany(t *testing.T, b search.Backend) {
	var first []*search.Document
	for i := range 250 {
		first = append(first, doc(1, "policy", int64(i+1), day(i%7), fmt.Sprintf("第%d号通知 法律援助", i+1), "正文"))
	}
	put(t, b, first...)
	ids := map[int64]bool{}
	for _, d := range first {
		base := search.OrderBase(d.PublishedOn)
		if d.ID < base || d.ID >= base+1<<search.OrderBits || ids[d.ID] {
			t.Fatalf("ref %d (%s): ID %d outside its day or repeated", d.Ref, d.PublishedOn, d.ID)
		}
		ids[d.ID] = true
	}
	// Refs 151-250 (the newest of each day, so a kept ID is the largest of
	// its day) replaced on their day, 101-150 moved to a later day, 251-400
	// new on the same days.
	var second []*search.Document
	for i := 100; i < 250; i++ {
		d := day(i % 7)
		if i < 150 {
			d = "2030-01-01"
		}
		second = append(second, doc(1, "policy", int64(i+1), d, fmt.Sprintf("第%d号通知 公证办理", i+1), "新正文"))
	}
	for i := 250; i < 400; i++ {
		second = append(second, doc(1, "policy", int64(i+1), day(i%7), fmt.Sprintf("第%d号通知 人民调解", i+1), "正文"))
	}
	put(t, b, second...)
	for _, d := range second {
		switch i := int(d.Ref) - 1; {
		case i >= 150 && i < 250 && d.ID != first[i].ID:
			t.Errorf("ref %d replaced on its day: ID %d, want %d kept", d.Ref, d.ID, first[i].ID)
		case i < 150 && d.ID < search.OrderBase("2030-01-01"):
			t.Errorf("ref %d moved to 2030: ID %d below that day", d.Ref, d.ID)
		case i >= 250 && ids[d.ID]:
			t.Errorf("new ref %d got the ID %d of another document", d.Ref, d.ID)
		}
		ids[d.ID] = true
	}
	if n, _, err := b.Size(ctx); err != nil || n != 400 {
		t.Errorf("Size = %d, %v; want 400 documents", n, err)
	}
	if r := match(t, b, &search.Match{Must: []search.Clause{word("公证办理")}, Cap: 500, Facets: true}); r.Total != 150 {
		t.Errorf("replaced documents found %d times, want 150", r.Total)
	}
	if r := match(t, b, &search.Match{Must: []search.Clause{word("法律援助")}, Cap: 500, Facets: true}); r.Total != 100 {
		t.Errorf("documents not replaced found %d times, want 100 (refs 1-100)", r.Total)
	}
	if got, _ := b.Doc(ctx, 1, "policy", 120); got == nil || got.PublishedOn != "2030-01-01" || got.Body != "新正文" {
		t.Errorf("moved document reads %+v", got)
	}
	// The same record twice in one Put: the later one is what is kept.
	a, a2 := doc(1, "notice", 9, "2024-02-02", "行政复议旧标题", ""), doc(1, "notice", 9, "2024-02-03", "行政复议新标题", "")
	put(t, b, a, a2)
	if got, _ := b.Doc(ctx, 1, "notice", 9); got == nil || got.Title != "行政复议新标题" || got.ID != a2.ID {
		t.Errorf("record put twice reads %+v, want the later document with ID %d", got, a2.ID)
	}
	wantRefs(t, "record put twice found once", match(t, b, &search.Match{Must: []search.Clause{word("行政复议")}}), 9)
}

func testDelete(t *testing.T, b search.Backend) {
	put(t, b,
		doc(1, "policy", 1, "2021-01-01", "法律援助一", ""),
		doc(1, "policy", 2, "2021-01-02", "法律援助二", ""),
		doc(1, "notice", 3, "2021-01-03", "法律援助三", ""),
		doc(2, "policy", 1, "2021-01-04", "法律援助四", ""))
	q := &search.Match{Must: []search.Clause{word("法律援助")}}
	if err := b.Delete(ctx, 1, "policy", 1); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, 1, "policy", 99); err != nil {
		t.Errorf("deleting a missing doc: %v", err)
	}
	wantRefs(t, "after Delete", match(t, b, q), 3, 2)
	if d, err := b.Doc(ctx, 1, "policy", 1); err != nil || d != nil {
		t.Errorf("deleted Doc = %v, %v", d, err)
	}
	if err := b.DeleteKind(ctx, 1, "policy"); err != nil {
		t.Fatal(err)
	}
	wantRefs(t, "after DeleteKind", match(t, b, q), 3)
	if err := b.DeleteKind(ctx, 1, ""); err != nil {
		t.Fatal(err)
	}
	wantRefs(t, "after DeleteKind site", match(t, b, q))
	wantRefs(t, "other site kept", match(t, b, &search.Match{SiteID: 2, Must: q.Must}), 1)
	if n, _, _ := b.Size(ctx); n != 1 {
		t.Errorf("Size = %d, want 1", n)
	}
}

// testDeleteRef: a RefDeleter removes a record under the kinds it is
// given and no other, on its site only; a missing record is no error.
func testDeleteRef(t *testing.T, b search.Backend) {
	rd, ok := b.(search.RefDeleter)
	if !ok {
		t.Skip("not a RefDeleter")
	}
	put(t, b,
		doc(1, "policy", 1, "2021-01-01", "法律援助一", ""),
		doc(1, "notice", 1, "2021-01-02", "法律援助二", ""),
		doc(1, "news", 1, "2021-01-03", "法律援助三", ""),
		doc(1, "policy", 2, "2021-01-04", "法律援助四", ""),
		doc(2, "notice", 1, "2021-01-05", "法律援助五", ""))
	if err := rd.DeleteRef(ctx, 1, []string{"policy", "notice", "plan"}, 1); err != nil {
		t.Fatal(err)
	}
	if err := rd.DeleteRef(ctx, 1, []string{"policy", "notice"}, 99); err != nil {
		t.Errorf("deleting a missing record: %v", err)
	}
	for _, c := range []struct {
		site int64
		kind string
		ref  int64
		want bool
	}{{1, "policy", 1, false}, {1, "notice", 1, false}, {1, "news", 1, true}, {1, "policy", 2, true}, {2, "notice", 1, true}} {
		if d, err := b.Doc(ctx, c.site, c.kind, c.ref); err != nil || (d != nil) != c.want {
			t.Errorf("site %d %s %d: doc %v %v, want kept %v", c.site, c.kind, c.ref, d, err, c.want)
		}
	}
}

func testSites(t *testing.T, b search.Backend) {
	put(t, b, doc(1, "policy", 7, "2021-01-01", "社区矫正", "一"), doc(2, "policy", 7, "2021-01-01", "社区矫正", "二"))
	r := match(t, b, &search.Match{SiteID: 2, Must: []search.Clause{word("社区矫正")}, Facets: true})
	wantRefs(t, "site 2", r, 7)
	if r.Total != 1 {
		t.Errorf("site 2 total %d", r.Total)
	}
	if d, _ := b.Doc(ctx, 2, "policy", 7); d == nil || d.Body != "二" {
		t.Errorf("Doc site 2 = %+v", d)
	}
	ds, _ := b.Docs(ctx, 1, []int64{r.Candidates[0].ID})
	if len(ds) != 0 {
		t.Errorf("Docs of site 1 returned site 2's document")
	}
}

func testPhrase(t *testing.T, b search.Backend) {
	put(t, b,
		doc(1, "policy", 1, "2021-01-01", "通知", "全面推进社区矫正工作"),
		doc(1, "policy", 2, "2021-01-02", "通知", "社区服务中心和矫正措施"),
		doc(1, "policy", 3, "2021-01-03", "通知", "矫正社区"))
	wantRefs(t, "社区矫正", match(t, b, &search.Match{Must: []search.Clause{word("社区矫正")}}), 1)
	if p := search.PhraseOf("社区矫正", search.Anywhere); len(p.Tokens) != 3 {
		t.Fatalf("PhraseOf(社区矫正) = %v", p.Tokens)
	}
	// Tokens must be consecutive: 社区 and 矫正 are two positions apart in 社区矫正.
	wantRefs(t, "社区+矫正 not adjacent", match(t, b, &search.Match{Must: []search.Clause{{{Tokens: []string{"社区", "矫正"}}}}}))
	// Both words anywhere: two clauses.
	wantRefs(t, "社区 AND 矫正", match(t, b, &search.Match{Must: []search.Clause{word("社区"), word("矫正")}}), 3, 2, 1)
	// Latin and digits: one token each, normalised (full-width, case).
	put(t, b, doc(1, "policy", 4, "2021-01-04", "ＡＢＣ２０２１ Report", ""))
	wantRefs(t, "abc2021", match(t, b, &search.Match{Must: []search.Clause{word("abc2021")}}), 4)
	wantRefs(t, "REPORT", match(t, b, &search.Match{Must: []search.Clause{{{Tokens: []string{"REPORT"}}}}}), 4)
}

func testTitleOnly(t *testing.T, b search.Backend) {
	put(t, b,
		doc(1, "policy", 1, "2021-01-01", "法律援助条例", "正文"),
		doc(1, "policy", 2, "2021-01-02", "通知", "关于法律援助的说明"),
		&search.Document{SiteID: 1, Kind: "policy", Ref: 3, PublishedOn: "2021-01-03", Title: "通知", Extra: "法律援助"})
	wantRefs(t, "anywhere", match(t, b, &search.Match{Must: []search.Clause{word("法律援助")}}), 3, 2, 1)
	r := match(t, b, &search.Match{Must: []search.Clause{titleWord("法律援助")}})
	wantRefs(t, "title only", r, 1)
	if !r.Candidates[0].InTitle {
		t.Errorf("title match not InTitle")
	}
}

func testPrefix(t *testing.T, b search.Backend) {
	put(t, b,
		doc(1, "report", 1, "2021-01-01", "2020年度报告", ""),
		doc(1, "report", 2, "2021-01-02", "工作总结", "年"),
		doc(1, "report", 3, "2021-01-03", "工作总结", "全市"))
	p := search.PhraseOf("年", search.Anywhere)
	if !slices.Equal(p.Tokens, []string{"年" + search.Prefix}) {
		t.Fatalf("PhraseOf(年) = %v", p.Tokens)
	}
	wantRefs(t, "年*", match(t, b, &search.Match{Must: []search.Clause{{*p}}}), 2, 1)
	wantRefs(t, "度* after 年度", match(t, b, &search.Match{Must: []search.Clause{{{Tokens: []string{"年度", "度*"}}}}}), 1)
	wantRefs(t, "工作 prefix 工*", match(t, b, &search.Match{Must: []search.Clause{{{Tokens: []string{"工*"}, Field: search.TitleOnly}}}}), 3, 2)
}

func testClauses(t *testing.T, b search.Backend) {
	put(t, b,
		doc(1, "policy", 1, "2021-01-01", "律师事务所管理", "公证"),
		doc(1, "policy", 2, "2021-01-02", "律所年检", "公证"),
		doc(1, "policy", 3, "2021-01-03", "律所年检", "调解"),
		doc(1, "policy", 4, "2021-01-04", "人民调解", ""))
	lawyer := search.Clause{*search.PhraseOf("律所", search.Anywhere), *search.PhraseOf("律师事务所", search.Anywhere)}
	wantRefs(t, "OR of phrases", match(t, b, &search.Match{Must: []search.Clause{lawyer}}), 3, 2, 1)
	wantRefs(t, "AND of clauses", match(t, b, &search.Match{Must: []search.Clause{lawyer, word("公证")}}), 2, 1)
	wantRefs(t, "NOT", match(t, b, &search.Match{Must: []search.Clause{lawyer}, Not: []search.Phrase{*search.PhraseOf("公证", search.Anywhere)}}), 3)
	wantRefs(t, "NOT two", match(t, b, &search.Match{Must: []search.Clause{lawyer}, Not: []search.Phrase{*search.PhraseOf("公证", search.Anywhere), *search.PhraseOf("调解", search.Anywhere)}}))
	wantRefs(t, "browse NOT", match(t, b, &search.Match{Not: []search.Phrase{*search.PhraseOf("调解", search.Anywhere)}}), 2, 1)
	wantRefs(t, "empty clause matches nothing", match(t, b, &search.Match{Must: []search.Clause{lawyer, {}}}))
}

func testFilters(t *testing.T, b search.Backend) {
	mk := func(ref int64, kind, day string, col int64, pub, val, docNo, indexNo string) *search.Document {
		d := doc(1, kind, ref, day, "司法行政工作", "")
		d.ColumnID, d.Publisher, d.Validity, d.DocNo, d.IndexNo = col, pub, val, docNo, indexNo
		if kind == "policy" {
			d.Topic = "法律援助"
		}
		return d
	}
	put(t, b,
		mk(1, "policy", "2020-12-31", 10, "临沂市司法局", "in_force", "临司发〔2021〕12号", "11371300-01-2020-0001"),
		mk(2, "policy", "2021-01-01", 11, "临沂市司法局", "repealed", "临司发[2021]1号", "11371300-01-2021-0001"),
		mk(3, "notice", "2021-06-30", 10, "罗庄区司法局", "", "临司办(２０２１)12号", "11371300-01-2021-0002"),
		mk(4, "guide", "2022-01-01", 12, "临沂市司法局", "in_force", "", ""))
	all := []search.Clause{word("司法")}
	for _, c := range []struct {
		name string
		f    search.Filters
		want []int64
	}{
		{"none", search.Filters{}, []int64{4, 3, 2, 1}},
		{"kinds", search.Filters{Kinds: []string{"policy", "guide"}}, []int64{4, 2, 1}},
		{"columns", search.Filters{ColumnIDs: []int64{10, 12}}, []int64{4, 3, 1}},
		{"publisher", search.Filters{Publisher: "罗庄区司法局"}, []int64{3}},
		{"year", search.Filters{Year: 2021}, []int64{3, 2}},
		{"validity", search.Filters{Validity: "in_force"}, []int64{4, 1}},
		{"from inclusive", search.Filters{From: "2021-06-30"}, []int64{4, 3}},
		{"to inclusive", search.Filters{To: "2021-01-01"}, []int64{2, 1}},
		{"from-to", search.Filters{From: "2021-01-01", To: "2021-06-30"}, []int64{3, 2}},
		{"from after to", search.Filters{From: "2022-01-01", To: "2021-01-01"}, nil},
		{"docno exact", search.Filters{DocNoKey: "临司发〔2021〕12号"}, []int64{1}},
		{"docno key", search.Filters{DocNoKey: "临司发 2021 12"}, []int64{1}},
		{"docno loose", search.Filters{DocNoKey: "2021 12号"}, []int64{3, 1}},
		{"docno whole parts", search.Filters{DocNoKey: "2021 1"}, []int64{2}},
		{"docno brackets", search.Filters{DocNoKey: "临司发(2021)1号"}, []int64{2}},
		{"docno full-width", search.Filters{DocNoKey: "临司办〔２０２１〕１２号"}, []int64{3}},
		{"index no", search.Filters{IndexNo: "11371300-01-2021-0001"}, []int64{2}},
		{"combined", search.Filters{Kinds: []string{"policy"}, Year: 2021, Validity: "repealed"}, []int64{2}},
		{"topic", search.Filters{Topic: "法律援助"}, []int64{2, 1}},
	} {
		wantRefs(t, c.name, match(t, b, &search.Match{Must: all, Filters: c.f}), c.want...)
		wantRefs(t, c.name+" (browse)", match(t, b, &search.Match{Filters: c.f}), c.want...)
	}
}

func testFacets(t *testing.T, b search.Backend) {
	var docs []*search.Document
	add := func(ref int64, kind string, col int64, pub, day, val, topic string) {
		d := doc(1, kind, ref, day, "政府信息公开", "")
		d.ColumnID, d.Publisher, d.Validity, d.Topic = col, pub, val, topic
		docs = append(docs, d)
	}
	add(1, "policy", 5, "甲", "2020-01-01", "in_force", "司法")
	add(2, "policy", 5, "甲", "2021-01-01", "in_force", "司法")
	add(3, "policy", 6, "乙", "2021-02-01", "repealed", "司法")
	add(4, "notice", 6, "甲", "2021-03-01", "", "")
	add(5, "guide", 5, "丙", "2022-01-01", "", "公证")
	put(t, b, docs...)
	put(t, b, doc(2, "policy", 1, "2021-01-01", "政府信息公开", "")) // another site
	r := match(t, b, &search.Match{Must: []search.Clause{word("政府信息公开")}, Facets: true})
	if r.Total != 5 || !r.Exact {
		t.Errorf("Total %d Exact %v, want 5 true", r.Total, r.Exact)
	}
	want := map[string][]search.FacetCount{
		search.FacetKind:      {{Value: "policy", Count: 3}, {Value: "guide", Count: 1}, {Value: "notice", Count: 1}},
		search.FacetColumn:    {{Value: "5", Count: 3}, {Value: "6", Count: 2}},
		search.FacetPublisher: {{Value: "甲", Count: 3}, {Value: "丙", Count: 1}, {Value: "乙", Count: 1}},
		search.FacetYear:      {{Value: "2021", Count: 3}, {Value: "2020", Count: 1}, {Value: "2022", Count: 1}},
		search.FacetValidity:  {{Value: "in_force", Count: 2}, {Value: "repealed", Count: 1}},
		search.FacetTopic:     {{Value: "司法", Count: 3}, {Value: "公证", Count: 1}},
	}
	for _, f := range search.Facets {
		got := r.Facets[f]
		// Equal counts: any order is fine; compare as most frequent first, then by value.
		g := slices.Clone(got)
		slices.SortStableFunc(g, func(a, b search.FacetCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
		if !slices.Equal(got, g) {
			t.Errorf("facet %s not most frequent first: %v", f, got)
		}
		if !slices.Equal(g, want[f]) {
			t.Errorf("facet %s = %v, want %v", f, g, want[f])
		}
	}
	// Facets follow the filters.
	r = match(t, b, &search.Match{Must: []search.Clause{word("政府信息公开")}, Filters: search.Filters{Kinds: []string{"policy"}}, Facets: true})
	if r.Total != 3 || !slices.Equal(r.Facets[search.FacetKind], []search.FacetCount{{Value: "policy", Count: 3}}) {
		t.Errorf("filtered: total %d kinds %v", r.Total, r.Facets[search.FacetKind])
	}
	// Browse with facets.
	r = match(t, b, &search.Match{Facets: true})
	if r.Total != 5 || len(r.Facets[search.FacetKind]) != 3 {
		t.Errorf("browse: total %d kinds %v", r.Total, r.Facets[search.FacetKind])
	}
	// No match.
	r = match(t, b, &search.Match{Must: []search.Clause{word("不存在的词语")}, Facets: true})
	if r.Total != 0 || !r.Exact || len(r.Candidates) != 0 || len(r.Facets[search.FacetKind]) != 0 {
		t.Errorf("no match: %+v", r)
	}
}

// capFixture: ten matches of 公证 on ten days; the two oldest have it in the title.
func capFixture(t *testing.T, b search.Backend) {
	var docs []*search.Document
	for i := int64(1); i <= 10; i++ {
		title := "通知"
		if i <= 2 {
			title = "公证通知"
		}
		docs = append(docs, doc(1, "notice", i, fmt.Sprintf("2021-01-%02d", i), title, "办理公证"))
	}
	docs = append(docs, doc(1, "notice", 11, "2021-02-01", "无关", "无关"))
	put(t, b, docs...)
}

func testCap(t *testing.T, b search.Backend) {
	capFixture(t, b)
	r := match(t, b, &search.Match{Must: []search.Clause{word("公证")}, Cap: 3, Facets: true})
	wantRefs(t, "cap 3 + title matches", r, 10, 9, 8, 2, 1)
	for _, c := range r.Candidates {
		if c.InTitle != (c.Ref <= 2) {
			t.Errorf("ref %d InTitle %v", c.Ref, c.InTitle)
		}
		if c.Title == "" || c.URL == "" || c.Kind != "notice" || c.PublishedOn == "" || c.ID == 0 {
			t.Errorf("candidate fields missing: %+v", c)
		}
	}
	if r.Total != 10 || !r.Exact {
		t.Errorf("total %d exact %v, want 10", r.Total, r.Exact)
	}
	// Title matches beyond the Cap most recent title matches are left out.
	r = match(t, b, &search.Match{Must: []search.Clause{word("公证")}, Cap: 1})
	wantRefs(t, "cap 1", r, 10, 2)
	// Every clause must match in the title for InTitle.
	r = match(t, b, &search.Match{Must: []search.Clause{word("公证"), word("办理")}, Cap: 2})
	wantRefs(t, "two clauses", r, 10, 9)
}

func testOffset(t *testing.T, b search.Backend) {
	capFixture(t, b)
	r := match(t, b, &search.Match{Must: []search.Clause{word("公证")}, Cap: 3, Offset: 3, Facets: true})
	wantRefs(t, "offset 3", r, 7, 6, 5)
	if r.Total != 10 {
		t.Errorf("total %d with offset", r.Total)
	}
	wantRefs(t, "offset past end", match(t, b, &search.Match{Must: []search.Clause{word("公证")}, Cap: 3, Offset: 20}))
	wantRefs(t, "browse offset", match(t, b, &search.Match{Cap: 2, Offset: 1}), 10, 9)
}

func testBrowse(t *testing.T, b search.Backend) {
	capFixture(t, b)
	put(t, b, doc(2, "notice", 1, "2030-01-01", "别的站点", ""))
	r := match(t, b, &search.Match{Cap: 4, Facets: true})
	wantRefs(t, "browse", r, 11, 10, 9, 8)
	if r.Total != 11 || !r.Exact {
		t.Errorf("browse total %d %v", r.Total, r.Exact)
	}
	wantRefs(t, "browse filtered", match(t, b, &search.Match{Filters: search.Filters{To: "2021-01-02"}}), 2, 1)
}

func testDocs(t *testing.T, b search.Backend) {
	d1 := &search.Document{SiteID: 1, Kind: "policy", Ref: 1, URL: "/a", Title: "甲", Body: "正文甲", Extra: "关键词", DocNo: "临司发〔2021〕1号", IndexNo: "x-1", Publisher: "司法局", ColumnID: 3, Topic: "司法", Validity: "in_force", PublishedOn: "2021-01-01"}
	d2 := doc(1, "policy", 2, "2021-01-02", "乙", "正文乙")
	d3 := doc(1, "notice", 3, "2021-01-03", "丙", "正文丙")
	put(t, b, d1, d2, d3, doc(2, "policy", 4, "2021-01-03", "丁", "另一站点"))
	got, err := b.Docs(ctx, 1, []int64{d3.ID, 12345, d1.ID, d2.ID})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, d := range got {
		titles = append(titles, d.Title)
	}
	if !slices.Equal(titles, []string{"丙", "甲", "乙"}) {
		t.Errorf("Docs order %v", titles)
	}
	if *got[1] != *d1 {
		t.Errorf("Docs round trip:\n got %+v\nwant %+v", *got[1], *d1)
	}
	if got, err := b.Heads(ctx, 1, []int64{d1.ID, d2.ID}, 2); err != nil || len(got) != 2 || got[0].Body != "正文" || got[1].Body != "正文" || got[0].Title != d1.Title {
		t.Errorf("Heads cut to 2 characters = %+v, %v", got, err)
	}
	if got, err := b.Docs(ctx, 1, nil); err != nil || len(got) != 0 {
		t.Errorf("Docs(nil) = %v, %v", got, err)
	}
	if d, err := b.Doc(ctx, 1, "policy", 1); err != nil || d == nil || *d != *d1 {
		t.Errorf("Doc = %+v, %v", d, err)
	}
	if d, err := b.Doc(ctx, 1, "notice", 1); err != nil || d != nil {
		t.Errorf("missing Doc = %+v, %v", d, err)
	}
	var all []string
	for title, err := range b.Titles(ctx, 1) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, title)
	}
	slices.Sort(all)
	if !slices.Equal(all, []string{"丙", "乙", "甲"}) {
		t.Errorf("Titles %v", all)
	}
	var refs []int64
	for ref, err := range b.Refs(ctx, 1, "policy") {
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, ref)
	}
	if !slices.Equal(refs, []int64{1, 2}) {
		t.Errorf("Refs(policy) = %v, want [1 2] (this site, this kind)", refs)
	}
	if n, bytes, err := b.Size(ctx); err != nil || n != 4 || bytes <= 0 {
		t.Errorf("Size = %d, %d, %v", n, bytes, err)
	}
	r := match(t, b, &search.Match{Must: []search.Clause{word("关键词")}})
	wantRefs(t, "extra searched", r, 1)
	if c := r.Candidates[0]; c.DocNo != d1.DocNo || c.Publisher != d1.Publisher || c.ColumnID != 3 || c.Topic != "司法" || c.Validity != "in_force" || c.URL != "/a" {
		t.Errorf("candidate %+v", c)
	}
}

// adversarial are tokens that are syntax in FTS5, tsquery or SQL.
var adversarial = []string{`"`, `""`, `*`, `**`, `AND`, `OR`, `NOT`, `NEAR`, `NEAR(`, `-x`, `^`, `:`, `'`, `''`, `\`, `(`, `)`, `&`, `|`, `!`, `<->`, `<2>`, `a:*`, `title:x`, `{title}`, `%`, `_`, `;`, `--`, `x' OR '1'='1`, `)) OR ((`, ` `, ``, "\t", `年*"`, `a"b`, `ab*c`}

func testAdversarial(t *testing.T, b search.Backend) {
	put(t, b,
		doc(1, "policy", 1, "2021-01-01", `AND OR NOT NEAR "引号" -x ^ : ' \ ( ) & | ! <-> 司法`, `title:x a:* % _ ; --`),
		doc(1, "policy", 2, "2021-01-02", "司法行政", "正文"))
	legal := *search.PhraseOf("司法", search.Anywhere)
	for _, tok := range adversarial {
		for _, f := range []search.Field{search.Anywhere, search.TitleOnly} {
			p := search.Phrase{Tokens: []string{tok}, Field: f}
			mixed := search.Phrase{Tokens: []string{"司法", tok}, Field: f}
			for _, m := range []*search.Match{
				{Must: []search.Clause{{p}}},
				{Must: []search.Clause{{mixed}}},
				{Must: []search.Clause{{p, legal}}, Facets: true},
				{Must: []search.Clause{{legal}}, Not: []search.Phrase{p}, Facets: true},
				{Not: []search.Phrase{p}},
				{Must: []search.Clause{{legal}}, Filters: search.Filters{DocNoKey: tok, IndexNo: tok, Publisher: tok, Validity: tok}},
			} {
				m.SiteID, m.Cap = 1, 10
				r, err := b.Match(ctx, m)
				if err != nil {
					t.Errorf("token %q: %v", tok, err)
					continue
				}
				_ = r
			}
		}
		if validToken(tok) {
			continue
		}
		// A token that is not one index token never matches.
		if r := match(t, b, &search.Match{Must: []search.Clause{{{Tokens: []string{tok}}}}}); len(r.Candidates) != 0 {
			t.Errorf("token %q matched %v", tok, refs(r))
		}
		// An OR with a good phrase still finds it.
		r := match(t, b, &search.Match{Must: []search.Clause{{{Tokens: []string{tok}}, legal}}})
		if len(r.Candidates) != 2 {
			t.Errorf("token %q OR 司法: %v", tok, refs(r))
		}
		// A bad NOT phrase excludes nothing.
		r = match(t, b, &search.Match{Must: []search.Clause{{legal}}, Not: []search.Phrase{{Tokens: []string{tok}}}})
		if len(r.Candidates) != 2 {
			t.Errorf("NOT %q: %v", tok, refs(r))
		}
	}
	// Words that are operators elsewhere are plain words here.
	for _, w := range []string{"AND", "or", "NOT", "near"} {
		wantRefs(t, w, match(t, b, &search.Match{Must: []search.Clause{{{Tokens: []string{w}}}}}), 1)
	}
	wantRefs(t, "NOT and", match(t, b, &search.Match{Must: []search.Clause{{legal}}, Not: []search.Phrase{{Tokens: []string{"AND"}}}}), 2)
}

// validToken reports whether tok is one index token (maybe a prefix).
func validToken(tok string) bool {
	n := search.Normalize(strings.TrimSuffix(tok, search.Prefix))
	tt := search.Tokens(n)
	return len(tt) == 1 && tt[0] == n
}

// day is the i-th day after 2015-01-01.
func day(i int) string {
	return time.Date(2015, 1, 1+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

func testLarge(t *testing.T, b search.Backend) {
	title := strings.Repeat("题", 494) + "法律援助标题" // 500 runes
	var body strings.Builder
	body.WriteString("开头独特词语瀚海。")
	vocab := []string{"司法行政", "人民调解", "法律援助", "公证", "社区矫正", "行政复议", "普法宣传", "律师", "政府信息公开", "。", "，"}
	for x := uint32(1); body.Len() < 600000; {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		body.WriteString(vocab[x%uint32(len(vocab))])
	}
	bodyText := string([]rune(body.String())[:200000])
	if n := len([]rune(title)); n != 500 || strings.ContainsRune(bodyText, 0) {
		t.Fatalf("fixture: title %d runes", n)
	}
	extra := strings.Repeat("关键词", 2000)
	d := &search.Document{SiteID: 1, Kind: "policy", Ref: 1, PublishedOn: "2021-01-01", Title: title, Body: bodyText, Extra: extra, URL: "/x", DocNo: strings.Repeat("号", 200), Publisher: strings.Repeat("局", 200), Topic: strings.Repeat("题", 200), IndexNo: strings.Repeat("9", 200)}
	put(t, b, d)
	got, err := b.Doc(ctx, 1, "policy", 1)
	if err != nil || got == nil {
		t.Fatalf("Doc: %v, %v", got, err)
	}
	if got.Title != title || got.Body != bodyText || got.Extra != extra || got.DocNo != d.DocNo {
		t.Errorf("large fields do not round-trip (title %d runes, body %d)", len([]rune(got.Title)), len([]rune(got.Body)))
	}
	for _, w := range []string{"开头独特词语瀚海", "法律援助", "人民调解", "关键词"} {
		wantRefs(t, w, match(t, b, &search.Match{Must: []search.Clause{word(w)}, Facets: true}), 1)
	}
	wantRefs(t, "title phrase", match(t, b, &search.Match{Must: []search.Clause{titleWord("法律援助标题")}}), 1)
	// Replace it with a small one and back.
	put(t, b, doc(1, "policy", 1, "2021-01-01", "小", "小"))
	wantRefs(t, "replaced", match(t, b, &search.Match{Must: []search.Clause{word("瀚海")}}))
	put(t, b, d)
	wantRefs(t, "again", match(t, b, &search.Match{Must: []search.Clause{word("瀚海")}}), 1)
}

// testBounded: many matches of a common word; Total is exact or a lower
// bound with Exact false, facets never count more than Total, and the
// candidates are still the most recent matches.
func testBounded(t *testing.T, b search.Backend) {
	const n = 3000
	docs := make([]*search.Document, 0, n)
	for i := int64(1); i <= n; i++ {
		d := doc(1, []string{"policy", "notice", "guide"}[i%3], i, day(int(i)), "工作通知", "工作")
		docs = append(docs, d)
	}
	put(t, b, docs...)
	r := match(t, b, &search.Match{Must: []search.Clause{word("工作")}, Cap: 5, Facets: true})
	wantRefs(t, "newest 5", r, n, n-1, n-2, n-3, n-4)
	if r.Exact && r.Total != n || !r.Exact && (r.Total > n || r.Total < 5) {
		t.Errorf("Total %d Exact %v of %d matches", r.Total, r.Exact, n)
	}
	sum := 0
	for _, f := range r.Facets[search.FacetKind] {
		sum += f.Count
	}
	if sum != r.Total {
		t.Errorf("kind facet sums to %d, Total %d", sum, r.Total)
	}
	r = match(t, b, &search.Match{Must: []search.Clause{word("工作")}, Cap: 5, Filters: search.Filters{Kinds: []string{"guide"}, To: day(30)}})
	wantRefs(t, "filtered among many", r, 29, 26, 23, 20, 17)
}

// testWalk: 1,500 documents, one a day, where a common word is in almost
// every body, a phrase only in the oldest five, another only in the oldest
// hundred, and one phrase of common tokens in none; the candidates must be
// those of the definition (the Cap newest matches and the title matches
// among the Cap newest title matches) whatever way the engine finds them.
func testWalk(t *testing.T, b search.Backend) {
	const n = 1500
	type fixture struct{ title, body string }
	docs := make([]*search.Document, 0, n)
	fx := map[int64]fixture{}
	for i := int64(1); i <= n; i++ {
		f := fixture{title: "通知", body: "工作安排。"}
		if i%50 == 0 {
			f.title = "工作通知"
		}
		if i <= 100 {
			f.body = "旧档案。"
		}
		if i <= 5 {
			f.body += "古老词语。"
		}
		fx[i] = f
		docs = append(docs, doc(1, "notice", i, day(int(i)), f.title, f.body))
	}
	put(t, b, docs...)
	if o, ok := b.(interface{ Optimize(context.Context) error }); ok {
		if err := o.Optimize(ctx); err != nil {
			t.Fatalf("optimize: %v", err)
		}
	}
	for _, c := range []struct {
		w     string
		title bool
		cap   int
		to    int
	}{
		{w: "工作", cap: 3},
		{w: "工作", cap: 300},
		{w: "工作", cap: 300, to: 60},
		{w: "工作", title: true, cap: 5},
		{w: "工作通知", cap: 20},
		{w: "古老词语", cap: 300},
		{w: "旧档案", cap: 3},
		{w: "旧档案", cap: 300, to: 1000},
		{w: "通知工作", cap: 300},
		{w: "安排工作", cap: 3},
	} {
		// The definition, from the fixture.
		var any, title []int64
		for i := int64(n); i >= 1; i-- {
			if c.to > 0 && i > int64(c.to) {
				continue
			}
			f := fx[i]
			if strings.Contains(f.title, c.w) {
				title = append(title, i)
			}
			if strings.Contains(f.title, c.w) || !c.title && strings.Contains(f.body, c.w) {
				any = append(any, i)
			}
		}
		want := slices.Clone(any[:min(len(any), c.cap)])
		for _, i := range title[:min(len(title), c.cap)] {
			if !slices.Contains(want, i) {
				want = append(want, i)
			}
		}
		slices.SortFunc(want, func(a, b int64) int { return int(b - a) })
		cl := word(c.w)
		if c.title {
			cl = titleWord(c.w)
		}
		m := &search.Match{Must: []search.Clause{cl}, Cap: c.cap, Facets: true}
		if c.to > 0 {
			m.Filters.To = day(c.to)
		}
		what := fmt.Sprintf("%s (title %v, cap %d, to %d)", c.w, c.title, c.cap, c.to)
		r := match(t, b, m)
		if got := refs(r); !slices.Equal(got, want) {
			t.Errorf("%s: %d refs %v, want %d %v", what, len(got), head(got), len(want), head(want))
		}
		for _, cand := range r.Candidates {
			if cand.InTitle != slices.Contains(title[:min(len(title), c.cap)], cand.Ref) {
				t.Errorf("%s: ref %d InTitle %v", what, cand.Ref, cand.InTitle)
			}
		}
		if r.Exact && r.Total != len(any) || !r.Exact && (r.Total > len(any) || r.Total < min(len(any), c.cap)) {
			t.Errorf("%s: Total %d Exact %v of %d matches", what, r.Total, r.Exact, len(any))
		}
	}
}

// head is the first refs of a list, for messages.
func head(refs []int64) []int64 { return refs[:min(len(refs), 12)] }
