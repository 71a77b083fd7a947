package search

import "strings"

// DocNoKey is a 文号 reduced to its parts, the form the DocNoKey filter
// compares: the issuer's abbreviation, the year and the sequence number,
// separated by single spaces ("临司发〔2021〕12号" → "临司发 2021 12"). The
// brackets people type instead of 〔〕 ([], (), 【】, full-width forms) and
// full-width digits (through Normalize) give the same key; the words 第 and
// 号 around the number are dropped. A filter key matches a document whose key
// contains the filter's parts in the same order, each as a whole part
// (DocNoMatches): "2021 12" finds 临司发〔2021〕12号, "2021 1" does not.
func DocNoKey(docNo string) string {
	var parts []string
	for _, r := range Runs(Normalize(docNo)) {
		t := r.Text
		if r.Han {
			t = strings.TrimPrefix(t, "第")
			t = strings.TrimSuffix(t, "号")
			t = strings.TrimSuffix(t, "第")
			if t == "" {
				continue
			}
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, " ")
}

// DocNoMatches reports whether a document's key contains the parts of a
// filter key in order, each as a whole part. Back ends implement the same
// rule in SQL; this is its definition.
func DocNoMatches(docKey, filterKey string) bool {
	want := strings.Fields(filterKey)
	have := strings.Fields(docKey)
	i := 0
	for _, h := range have {
		if i < len(want) && h == want[i] {
			i++
		}
	}
	return i == len(want)
}
