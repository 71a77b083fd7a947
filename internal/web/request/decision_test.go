package request

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"gongkai/internal/letter"
	"gongkai/internal/request"
)

// TestDecisionBasisMatchesLetter: the basis the desk sees for a decision row
// (internal/request) cites every article the row's notice letter cites
// (internal/letter), so the reply and its 告知书 never disagree on the law
// (REFERENCE §1.2, §2.3).
func TestDecisionBasisMatchesLetter(t *testing.T) {
	article := regexp.MustCompile(`第[一二三四五六七八九十]+条`)
	for _, d := range request.Decisions {
		c, ok := letter.CategoryOf(d.Code())
		if !ok {
			t.Errorf("%s: no letter category", d.Code())
			continue
		}
		if _, label, _ := strings.Cut(d.Label, "."); d.Reason != 0 && label != c.Name {
			t.Errorf("%s: label %q, the letter's %q", d.Code(), d.Label, c.Name)
		}
		for _, a := range article.FindAllString(c.Basis, -1) {
			if !regexp.MustCompile(a).MatchString(d.Basis) {
				t.Errorf("%s: the letter cites %s, the decision's basis does not: %s", d.Code(), a, d.Basis)
			}
		}
	}
	for code, art := range map[string]string{"withheld.8": "第三十六条第七项", "not_handled.5": "第三十八条"} {
		d, _ := request.DecisionByCode(code)
		if !regexp.MustCompile(art).MatchString(d.Basis) {
			t.Errorf("%s should cite %s: %s", code, art, d.Basis)
		}
	}
	if d, _ := request.DecisionByCode("not_handled.5"); regexp.MustCompile(`第三十九条`).MatchString(d.Basis) {
		t.Errorf("not_handled.5 cites Art. 39, which covers petitions and publications only: %s", d.Basis)
	}
}

// TestLetterCSSServed: the pages' letter stylesheet is the letter
// package's own, served once under a hashed /static/ name.
func TestLetterCSSServed(t *testing.T) {
	b, err := fs.ReadFile(letter.Assets, "static/letter.css")
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != letter.CSS || !strings.Contains(letter.CSS, ".gk-letter") {
		t.Error("letter.Assets does not carry the letter stylesheet")
	}
}
