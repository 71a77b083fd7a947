package search

import "testing"

func TestDocNoKey(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"临司发〔2021〕12号", "临司发 2021 12"},
		{"临司发[2021]12号", "临司发 2021 12"},
		{"临司发(2021)12号", "临司发 2021 12"},
		{"临司发（２０２１）１２号", "临司发 2021 12"},
		{"临司发【2021】第12号", "临司发 2021 12"},
		{"临司发 2021 12", "临司发 2021 12"},
		{"2021 12号", "2021 12"},
		{"鲁司规字〔2021〕3号", "鲁司规字 2021 3"},
		{"", ""},
		{"〔〕号", ""},
	} {
		if got := DocNoKey(c.in); got != c.want {
			t.Errorf("DocNoKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	doc := DocNoKey("临司发〔2021〕12号")
	for _, c := range []struct {
		filter string
		want   bool
	}{
		{"临司发 2021 12", true}, {"2021 12", true}, {"2021 12号", true}, {"临司发", true},
		{"临司发 12", true}, {"2021 1", false}, {"12 2021", false}, {"临司", false}, {"2021 12 5", false},
	} {
		if got := DocNoMatches(doc, DocNoKey(c.filter)); got != c.want {
			t.Errorf("DocNoMatches(%q, %q) = %v", doc, c.filter, got)
		}
	}
}
