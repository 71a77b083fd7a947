package captcha

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// textQuestion is a challenge that does not depend on sight: read by a
// screen reader, answered by typing.
type textQuestion struct {
	Prompt  string
	Answers []string // normalised (Normalize) right answers
}

// facts are 常识 questions every adult in China can answer; most
// challenges are arithmetic (below), generated afresh each time.
var facts = []textQuestion{
	{"一个星期有几天？", []string{"7"}},
	{"一年有几个月？", []string{"12"}},
	{"一天有几个小时？", []string{"24"}},
	{"一小时有多少分钟？", []string{"60"}},
	{"中华人民共和国的首都是哪座城市？", []string{"北京", "北京市"}},
	{"人有几只手？", []string{"2"}},
}

// question derives the text question of a nonce.
func (s *Service) question(nonce []byte) textQuestion {
	r := s.seed(nonce)
	// r[0..5] choose; the HMAC output is uniform, small biases of % do
	// not matter for a question anyone can answer.
	if r[0]%8 == 0 {
		return facts[int(r[1])%len(facts)]
	}
	a, b := int(r[2])%20+1, int(r[3])%9+1
	var prompt string
	var ans int
	switch r[4] % 4 {
	case 0:
		prompt, ans = hanNumber(a)+"加"+hanNumber(b)+"等于几？", a+b
	case 1:
		if a < b {
			a, b = b, a
		}
		if a == b {
			a += 10
		}
		prompt, ans = hanNumber(a)+"减去"+hanNumber(b)+"等于几？", a-b
	case 2:
		a = int(r[2])%8 + 2
		prompt, ans = hanNumber(a)+"乘以"+hanNumber(b)+"等于几？", a*b
	default:
		prompt, ans = "比"+hanNumber(a)+"多"+hanNumber(b)+"的数是几？", a+b
	}
	return textQuestion{Prompt: prompt, Answers: []string{strconv.Itoa(ans)}}
}

var hanDigits = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// hanNumber writes 0 ≤ n < 100 in Chinese numerals (十三, 二十, 八十一).
func hanNumber(n int) string {
	switch {
	case n < 10:
		return hanDigits[n]
	case n < 20:
		return "十" + strings.TrimPrefix(hanDigits[n%10], "零")
	}
	s := hanDigits[n/10] + "十"
	if n%10 != 0 {
		s += hanDigits[n%10]
	}
	return s
}

// Normalize is how answers are compared: NFKC (full-width 全角 digits and
// letters become ASCII), lower case, no spaces or final punctuation, and
// an answer written in Chinese numerals (十八, 一十八, 两, 拾捌) as Arabic
// digits.
func Normalize(s string) string {
	s = norm.NFKC.String(s)
	s = strings.ToLower(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	s = strings.TrimRight(s, "。.!！?？")
	if n, ok := parseHan(s); ok {
		return strconv.Itoa(n)
	}
	return s
}

var hanValues = map[rune]int{
	'零': 0, '〇': 0, '一': 1, '壹': 1, '二': 2, '两': 2, '贰': 2, '三': 3, '叁': 3, '四': 4, '肆': 4,
	'五': 5, '伍': 5, '六': 6, '陆': 6, '七': 7, '柒': 7, '八': 8, '捌': 8, '九': 9, '玖': 9,
}

// parseHan reads a number below 1000 written in Chinese numerals.
func parseHan(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	total, digit, seen := 0, -1, false
	for _, r := range s {
		switch {
		case r == '十' || r == '拾':
			if digit < 0 {
				digit = 1
			}
			total += digit * 10
			digit = -1
		case r == '百' || r == '佰':
			if digit < 0 {
				return 0, false
			}
			total += digit * 100
			digit = -1
		default:
			v, ok := hanValues[r]
			if !ok {
				return 0, false
			}
			if digit > 0 {
				return 0, false // 二三: not a number
			}
			digit = v
		}
		seen = true
	}
	if digit > 0 {
		total += digit
	}
	return total, seen
}
