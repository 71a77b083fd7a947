package web

import "testing"

func TestStripMarks(t *testing.T) {
	for in, want := range map[string]string{
		"":                    "",
		"abc":                 "abc",
		clickMark:             "",
		"a" + clickMark + "b": "ab",
		clickMark + "x" + clickMark + clickMark + "y": "xy",
		"点击" + clickMark + "次" + clickMark:            "点击次",
	} {
		if got := string(stripMarks([]byte(in))); got != want {
			t.Errorf("stripMarks(%q) = %q, want %q", in, got, want)
		}
	}
}
