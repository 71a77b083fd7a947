// Package relevance is the search relevance test set: a corpus of Chinese
// government documents of a justice bureau (hand-written ones in
// testdata/docs.jsonl plus generated ones, see generate.go), judged queries
// (testdata/queries.jsonl) and the harness that scores a ranked search
// against the judgments (nDCG@10 and MRR, overall and per query type).
//
// The gate test runs every back end through search.Service over Corpus and
// compares Evaluate's figures with Baseline.
//
// How the queries are judged (read the documents when changing them):
//   - 2 is the document the person most likely wants: the 办事指南 or the
//     答复 that answers a question, the policy in force for a title or a
//     文号, the latest 年报 or 公告 for a yearly series.
//   - 1 is a relevant document: the same service's county guide, the
//     repealed or expired predecessor of the answer, its 解读, another
//     year of the series, a 留言答复 on the subject.
//   - A bare subject (法援, 社区矫正, 公证 …) judges the policies,
//     interpretations, guides, messages and annual figures whose title is
//     about it; news items and monthly figures that merely concern it are
//     not judged relevant (they are what should not crowd the first page).
//   - Repealed and expired versions are never graded above the version in
//     force.
//   - A document citing a 文号 in its body (a 解读, a repealing policy) is
//     relevant (1) to that 文号; other documents of the same year or number
//     (临司发〔2021〕121号, 临司办字〔2021〕12号 for 临司发 2021 12) are not.
package relevance

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"

	"gongkai/internal/search"
)

//go:embed testdata/docs.jsonl
var docsJSONL []byte

//go:embed testdata/queries.jsonl
var queriesJSONL []byte

// doc is one corpus document as the JSON Lines file holds it.
type doc struct {
	Key         string `json:"key"`
	Kind        string `json:"kind"`
	Title       string `json:"title"`
	Body        string `json:"body"`
	DocNo       string `json:"doc_no"`
	Publisher   string `json:"publisher"`
	Topic       string `json:"topic"`
	Validity    string `json:"validity"`
	PublishedOn string `json:"published_on"`
}

// Kinds are the record kinds of the corpus.
var Kinds = []string{"policy", "interpretation", "notice", "news", "guide", "plan",
	"statistics", "consultation", "annual_report", "message"}

// Validities a document may have ("" for kinds without one).
var validities = map[string]bool{"": true, "in_force": true, "not_yet": true, "amended": true, "repealed": true, "expired": true}

// readJSONL decodes a JSON Lines file (blank and # lines skipped, unknown
// fields refused), calling check on each value (its error is reported with the line).
func readJSONL[T any](name string, data []byte, check func(v *T) error) ([]T, error) {
	var out []T
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 || b[0] == '#' {
			continue
		}
		var v T
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, line, err)
		}
		if check != nil {
			if err := check(&v); err != nil {
				return nil, fmt.Errorf("%s line %d: %w", name, line, err)
			}
		}
		out = append(out, v)
	}
	return out, sc.Err()
}

// handDocs parses testdata/docs.jsonl.
func handDocs() ([]doc, error) { return readJSONL[doc]("docs.jsonl", docsJSONL, nil) }

// allDocs is the hand-written documents followed by the generated ones,
// checked: unique keys, known kinds and validities, dates YYYY-MM-DD.
func allDocs() ([]doc, error) {
	hand, err := handDocs()
	if err != nil {
		return nil, err
	}
	all := append(hand, generate()...)
	seen := make(map[string]bool, len(all))
	known := make(map[string]bool, len(Kinds))
	for _, k := range Kinds {
		known[k] = true
	}
	for _, d := range all {
		switch {
		case d.Key == "" || seen[d.Key]:
			return nil, fmt.Errorf("document key %q empty or repeated", d.Key)
		case !known[d.Kind]:
			return nil, fmt.Errorf("document %s: unknown kind %q", d.Key, d.Kind)
		case !validities[d.Validity]:
			return nil, fmt.Errorf("document %s: unknown validity %q", d.Key, d.Validity)
		case search.OrderBase(d.PublishedOn) == 0:
			return nil, fmt.Errorf("document %s: bad date %q", d.Key, d.PublishedOn)
		case d.Title == "" || d.Body == "":
			return nil, fmt.Errorf("document %s: empty title or body", d.Key)
		}
		seen[d.Key] = true
	}
	return all, nil
}

// Corpus returns the documents of the test set and their keys (parallel):
// document i has Ref i+1 and SiteID 1.
func Corpus() ([]search.Document, []string, error) {
	all, err := allDocs()
	if err != nil {
		return nil, nil, err
	}
	docs := make([]search.Document, len(all))
	keys := make([]string, len(all))
	for i, d := range all {
		docs[i] = search.Document{
			SiteID:      1,
			Kind:        d.Kind,
			Ref:         int64(i + 1),
			URL:         fmt.Sprintf("/items/%d", i+1),
			Title:       d.Title,
			Body:        d.Body,
			Extra:       d.DocNo, // as the catalogue source does: 文号 searchable like the body
			DocNo:       d.DocNo,
			Publisher:   d.Publisher,
			Topic:       d.Topic,
			Validity:    d.Validity,
			PublishedOn: d.PublishedOn,
		}
		keys[i] = d.Key
	}
	return docs, keys, nil
}
