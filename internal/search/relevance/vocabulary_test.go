package relevance

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"gongkai/internal/search"
)

// The default vocabulary lives in internal/search/data (embedded by the
// search package); its format and content are checked here, beside the
// relevance set it is tuned on.

func vocabLines(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "data", name))
	if err != nil {
		t.Fatal(err)
	}
	if !utf8.Valid(b) {
		t.Fatalf("%s is not UTF-8", name)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimRight(l, "\r")
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		out = append(out, l)
	}
	return out
}

func dictWords(t *testing.T) map[string]bool {
	t.Helper()
	words := map[string]bool{}
	for _, l := range vocabLines(t, "dict.txt") {
		w, weight, hasWeight := strings.Cut(l, "\t")
		if hasWeight {
			if n, err := strconv.Atoi(weight); err != nil || n <= 0 {
				t.Errorf("dict.txt %q: weight %q is not a positive integer", l, weight)
			}
		}
		if w == "" || strings.ContainsAny(w, " \t　") || w != search.Normalize(w) {
			t.Errorf("dict.txt %q: a word has no spaces and is in normal form", l)
		}
		if words[w] {
			t.Errorf("dict.txt: %s listed twice", w)
		}
		words[w] = true
	}
	return words
}

// synonymGroup is one parsed line of synonyms.txt.
type synonymGroup struct {
	oneWay bool
	terms  []string // for one-way, terms[0] is the left side
}

func synonymGroups(t *testing.T) []synonymGroup {
	t.Helper()
	var out []synonymGroup
	for _, l := range vocabLines(t, "synonyms.txt") {
		g := synonymGroup{}
		rest := l
		if left, right, ok := strings.Cut(l, " => "); ok {
			if strings.Contains(right, " => ") || strings.Contains(left, " = ") {
				t.Errorf("synonyms.txt %q: one => with a single term on its left", l)
			}
			g.oneWay = true
			g.terms = append(g.terms, left)
			rest = right
		}
		g.terms = append(g.terms, strings.Split(rest, " = ")...)
		if len(g.terms) < 2 {
			t.Errorf("synonyms.txt %q: a group needs two terms", l)
		}
		seen := map[string]bool{}
		for _, term := range g.terms {
			if strings.TrimSpace(term) != term || term == "" || strings.Contains(term, "=") {
				t.Errorf("synonyms.txt %q: bad term %q", l, term)
			}
			if search.PhraseOf(term, search.Anywhere) == nil {
				t.Errorf("synonyms.txt %q: term %q has no tokens", l, term)
			}
			if seen[term] {
				t.Errorf("synonyms.txt %q: %s twice", l, term)
			}
			seen[term] = true
		}
		out = append(out, g)
	}
	return out
}

var hanOnly = regexp.MustCompile(`^\p{Han}+$`)

func TestDictionary(t *testing.T) {
	words := dictWords(t)
	if len(words) < 1500 {
		t.Errorf("dict.txt has %d words, want at least 1500", len(words))
	}
	for _, w := range strings.Fields(`法律援助 社区矫正 人民调解 行政复议 行政应诉 公证 司法鉴定 律师事务所 基层法律服务
		法治政府 权责清单 双随机一公开 证明事项告知承诺制 政府信息公开 依申请公开 规范性文件 合法性审核
		通知 办法 实施意见 申请 办理 流程 材料 条件 费用 怎么 兰山区 罗庄区 河东区 沂南县 郯城县 沂水县
		兰陵县 费县 平邑县 莒南县 蒙阴县 临沭县 银雀山司法所 临沂市司法局`) {
		if !words[w] {
			t.Errorf("dict.txt lacks %s", w)
		}
	}
	// Every Chinese synonym term is a word, so segmentation keeps it whole
	// and the synonym table can fire on it.
	for _, g := range synonymGroups(t) {
		for _, term := range g.terms {
			if hanOnly.MatchString(term) && !words[term] {
				t.Errorf("synonym term %s is not in dict.txt", term)
			}
		}
	}
}

func TestStopwords(t *testing.T) {
	stop := map[string]bool{}
	for _, w := range vocabLines(t, "stopwords.txt") {
		if stop[w] {
			t.Errorf("stopwords.txt: %s twice", w)
		}
		stop[w] = true
	}
	for _, w := range strings.Fields("怎么 怎样 如何 哪里 哪儿 什么 我想 我要 请问 的 了 吗 呢 一下") {
		if !stop[w] {
			t.Errorf("stopwords.txt lacks %s", w)
		}
	}
	// Words that carry the subject of a query must never be dropped.
	for _, w := range strings.Fields(`申请 办理 流程 材料 条件 费用 收费 咨询 查询 时间 期限 多久 多少钱 地址 电话
		公开 通知 公告 办法 指南 解读 年报 证明 公证 律师 调解 复议 矫正 鉴定 援助 外地 结果 年检`) {
		if stop[w] {
			t.Errorf("stopwords.txt drops %s, which carries meaning", w)
		}
	}
	for _, g := range synonymGroups(t) {
		for _, term := range g.terms {
			if stop[term] {
				t.Errorf("%s is both a stop word and a synonym term", term)
			}
		}
	}
}

func TestSynonyms(t *testing.T) {
	groups := synonymGroups(t)
	if len(groups) < 80 {
		t.Errorf("synonyms.txt has %d groups, want at least 80", len(groups))
	}
	has := func(oneWay bool, terms ...string) bool {
		for _, g := range groups {
			if g.oneWay != oneWay {
				continue
			}
			all := true
			for _, want := range terms {
				if !slicesContains(g.terms, want) {
					all = false
				}
			}
			if all {
				return true
			}
		}
		return false
	}
	for _, want := range [][]string{
		{"双随机", "双随机一公开", "双随机、一公开"}, {"政务公开", "政府信息公开"}, {"律所", "律师事务所"},
		{"年检", "年度检查"}, {"放管服", "简政放权、放管结合、优化服务"}, {"法援", "法律援助"},
		{"复议", "行政复议"}, {"矫正", "社区矫正"}, {"政务公开年报", "政府信息公开工作年度报告"},
	} {
		if !has(false, want...) {
			t.Errorf("no symmetric group with %v", want)
		}
	}
	if !has(true, "老赖", "失信被执行人") || !has(true, "多少钱", "收费标准") {
		t.Error("the one-way groups 老赖 => 失信被执行人 and 多少钱 => 收费标准 are missing")
	}
}

// A minimal dictionary segmentation (fewest words, unknown characters
// alone) shows the dictionary splits colloquial queries as intended; the
// search package's segmenter is the real one.
func TestDictionarySegmentsColloquialQueries(t *testing.T) {
	words := dictWords(t)
	stop := map[string]bool{}
	for _, w := range vocabLines(t, "stopwords.txt") {
		stop[w] = true
	}
	cases := map[string]string{
		"怎么申请法律援助":       "申请 法律援助",
		"我想申请法律援助需要什么材料": "申请 法律援助 材料",
		"请问律所年检在哪里办":     "律所年检 办", // one word: the group 律所年检 fires
		"社区矫正可以去外地吗":     "社区矫正 外地",
		"怎么查律师事务所年检结果":   "查 律师事务所 年检 结果",
		"邻居占我家宅基地找谁调解":   "邻居 占 宅基地 调解",
		"公证费多少钱":         "公证费 多少钱",
	}
	for q, want := range cases {
		var kept []string
		for _, w := range segment(q, words) {
			if !stop[w] {
				kept = append(kept, w)
			}
		}
		if got := strings.Join(kept, " "); got != want {
			t.Errorf("%s → %q, want %q", q, got, want)
		}
	}
}

// segment splits s into the fewest pieces, each a dictionary word or a
// single character, preferring fewer unknown characters.
func segment(s string, words map[string]bool) []string {
	r := []rune(s)
	n := len(r)
	type cost struct{ unknown, pieces int }
	best := make([]cost, n+1)
	next := make([]int, n+1)
	for i := n - 1; i >= 0; i-- {
		best[i] = cost{1 << 30, 1 << 30}
		for j := i + 1; j <= n && j-i <= 16; j++ {
			w := string(r[i:j])
			known := words[w]
			if !known && j != i+1 {
				continue
			}
			c := best[j]
			if !known {
				c.unknown++
			}
			c.pieces++
			if c.unknown < best[i].unknown || c.unknown == best[i].unknown && c.pieces < best[i].pieces {
				best[i], next[i] = c, j
			}
		}
	}
	var out []string
	for i := 0; i < n; i = next[i] {
		out = append(out, string(r[i:next[i]]))
	}
	return out
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
