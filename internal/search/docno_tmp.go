package search

import "strings"

// DocNoKey (temporary until the engine's docno.go lands).
func DocNoKey(docNo string) string {
	var parts []string
	for _, r := range Runs(Normalize(docNo)) {
		if r.Text == "号" || r.Text == "第" {
			continue
		}
		parts = append(parts, strings.TrimSuffix(strings.TrimPrefix(r.Text, "第"), "号"))
	}
	return strings.Join(parts, " ")
}
