package letter

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"

	"gongkai/internal/calendar"
	"gongkai/internal/errs"
)

// Template is the wording of one kind of letter. Texts are text/template
// sources (see templates.go).
type Template struct {
	Kind Kind
	// Category is the §2.3 row a decision letter counts in ("" for notices).
	Category string
	Title    string
	// Decision letters (答复告知书) carry the sections 调查结果, 答复意见,
	// 政策依据 (when given), 法律依据 and 救济途径.
	Decision bool
	// ToParty letters are addressed to Letter.Consultation.Party, not the applicant.
	ToParty bool
	// Basis overrides the category's default legal basis (KindOtherAgency).
	Basis string

	Intro     string   // the opening paragraph
	Statement string   // decision letters: the decision, before the caller's answer
	Body      []string // notices: the paragraphs after the intro
	Closing   string   // e.g. 特此告知。
	// Remedy, on a notice, is a remedy paragraph of its own wording (the
	// third party's, 条例第五十一条); it makes Letter.Remedies required.
	Remedy string

	category Category
	parsed   struct {
		intro, statement, closing, remedy *template.Template
		body                              []*template.Template
	}
}

func (t *Template) basis() string {
	if t.Basis != "" {
		return t.Basis
	}
	return t.category.Basis
}

// Set is a parsed set of templates plus the shared wording of the decision
// letters. Default is the set of templates.go; NewSet builds another (a
// site's own wording) and checks that every text parses.
type Set struct {
	byKind map[Kind]*Template
	kinds  []Kind
	basis  *template.Template
	remedy *template.Template
}

// Default is the set built from templates.go.
var Default = func() *Set {
	s, err := NewSet(defaultTemplates)
	if err != nil {
		panic(err)
	}
	return s
}()

var funcs = template.FuncMap{
	"date": dateCN,
	"yuan": yuan,
	"cn":   numeralCN,
	"inc":  func(i int) int { return i + 1 },
	"last": func(f *Fee) int { return f.First + f.Units - 1 },
	"unit": func(f *Fee) string {
		if f.Method == FeePerPage {
			return "页"
		}
		return "件"
	},
	// clause drops the end punctuation of a phrase set inside a sentence.
	"clause": func(s string) string { return strings.TrimRight(strings.TrimSpace(s), "。；，,.;！!") },
}

// NewSet parses templates; a decision template's category must be one of
// Categories() (or the template must carry its own Basis).
func NewSet(templates []Template) (*Set, error) {
	s := &Set{byKind: map[Kind]*Template{}}
	parse := func(name, src string) (*template.Template, error) {
		t, err := template.New(name).Funcs(funcs).Option("missingkey=error").Parse(src)
		if err != nil {
			return nil, fmt.Errorf("letter: template %s: %w", name, err)
		}
		return t, nil
	}
	var err error
	if s.basis, err = parse("basis", basisLine); err != nil {
		return nil, err
	}
	if s.remedy, err = parse("remedy", remedyLine); err != nil {
		return nil, err
	}
	for i := range templates {
		t := templates[i] // a copy: the caller's slice is not changed
		if _, dup := s.byKind[t.Kind]; dup || t.Kind == "" {
			return nil, fmt.Errorf("letter: template kind %q empty or repeated", t.Kind)
		}
		if t.Category != "" {
			c, ok := CategoryOf(t.Category)
			if !ok {
				return nil, fmt.Errorf("letter: template %s: unknown category %q", t.Kind, t.Category)
			}
			t.category = c
		}
		name := string(t.Kind)
		if t.parsed.intro, err = parse(name+".intro", t.Intro); err != nil {
			return nil, err
		}
		if t.parsed.statement, err = parse(name+".statement", t.Statement); err != nil {
			return nil, err
		}
		if t.parsed.closing, err = parse(name+".closing", t.Closing); err != nil {
			return nil, err
		}
		if t.parsed.remedy, err = parse(name+".remedy", t.Remedy); err != nil {
			return nil, err
		}
		for j, b := range t.Body {
			p, err := parse(fmt.Sprintf("%s.body%d", name, j), b)
			if err != nil {
				return nil, err
			}
			t.parsed.body = append(t.parsed.body, p)
		}
		s.byKind[t.Kind] = &t
		s.kinds = append(s.kinds, t.Kind)
	}
	return s, nil
}

// Templates returns the templates of the default set, in order.
func Templates() []Template { return Default.Templates() }

// Templates returns the set's templates, in order (copies).
func (s *Set) Templates() []Template {
	out := make([]Template, 0, len(s.kinds))
	for _, k := range s.kinds {
		out = append(out, *s.byKind[k])
	}
	return out
}

// Block is one paragraph of a composed letter.
type Block struct {
	Text    string
	Heading bool // a section heading such as 一、调查结果
}

// Document is a composed letter: plain text in reading order, which both
// renderers lay out. Compose returns it so that a caller can also keep or
// index the text.
type Document struct {
	Kind        Kind
	Category    string // the §2.3 row, "" for notices
	Title       string
	Number      string
	Addressee   string // e.g. 张三：
	Blocks      []Block
	Attachments []string
	Signer      string // the agency's name (落款)
	Date        string // e.g. 2025年3月3日
	IssuedOn    calendar.Date
	Contact     []string // 联系人、电话、地址 lines
	LegalBasis  string   // the basis a decision letter cites ("" for notices)
}

// Compose validates the letter and fills in its template.
func Compose(l Letter) (Document, error) { return Default.Compose(l) }

// Compose validates the letter and fills in its template.
func (s *Set) Compose(l Letter) (Document, error) {
	if err := s.validate(l); err != nil {
		return Document{}, err
	}
	t := s.byKind[l.Kind]
	l = tidy(l)
	d := Document{Kind: l.Kind, Category: t.Category, Title: t.Title, Number: l.Number,
		Signer: l.Agency.Name, Date: dateCN(l.IssuedOn), IssuedOn: l.IssuedOn, Attachments: l.Attachments}
	if t.ToParty {
		d.Addressee = l.Consultation.Party + "："
	} else {
		d.Addressee = l.Applicant + "："
	}
	basis := l.LegalBasis
	if basis == "" {
		basis = t.basis()
	}
	data := struct {
		Letter
		Category Category
		Basis    string
	}{l, t.category, basis}
	var failed error
	run := func(tt *template.Template) string {
		var b bytes.Buffer
		if err := tt.Execute(&b, data); err != nil && failed == nil {
			failed = err
		}
		return b.String()
	}
	add := func(text string, heading bool) {
		for _, p := range paragraphs(text) {
			d.Blocks = append(d.Blocks, Block{Text: p, Heading: heading})
		}
	}
	add(run(t.parsed.intro), false)
	if t.Decision {
		d.LegalBasis = basis
		n := 0
		section := func(label, text string) {
			if strings.TrimSpace(text) == "" {
				return
			}
			n++
			add(numeralCN(n)+"、"+label, true)
			add(text, false)
		}
		section("调查结果", l.Investigation)
		section("答复意见", run(t.parsed.statement)+"\n"+l.Answer)
		section("政策依据", l.PolicyBasis)
		section("法律依据", run(s.basis))
		section("救济途径", run(s.remedy))
	} else {
		for _, b := range t.parsed.body {
			add(run(b), false)
		}
		add(run(t.parsed.remedy), false)
	}
	add(run(t.parsed.closing), false)
	if failed != nil {
		return Document{}, errs.Wrap(failed, "letter: compose "+string(l.Kind))
	}
	a := l.Agency
	var line []string
	if a.Contact != "" {
		line = append(line, "联系人："+a.Contact)
	}
	if a.Phone != "" {
		line = append(line, "联系电话："+a.Phone)
	}
	if len(line) > 0 {
		d.Contact = append(d.Contact, strings.Join(line, "　"))
	}
	line = line[:0]
	if a.Address != "" {
		line = append(line, "通讯地址："+a.Address)
	}
	if a.Postcode != "" {
		line = append(line, "邮政编码："+a.Postcode)
	}
	if len(line) > 0 {
		d.Contact = append(d.Contact, strings.Join(line, "　"))
	}
	return d, nil
}

// tidy trims the letter's texts and makes one-line fields one line.
func tidy(l Letter) Letter {
	one := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	l.Number, l.Applicant, l.Summary = one(l.Number), one(l.Applicant), one(l.Summary)
	l.Agency = Agency{Name: one(l.Agency.Name), Address: one(l.Agency.Address),
		Postcode: one(l.Agency.Postcode), Phone: one(l.Agency.Phone), Contact: one(l.Agency.Contact)}
	l.Attachments = oneEach(l.Attachments, one)
	if l.Correction != nil {
		c := *l.Correction
		c.Items = oneEach(c.Items, one)
		l.Correction = &c
	}
	if l.Consultation != nil {
		c := *l.Consultation
		c.Party = one(c.Party)
		l.Consultation = &c
	}
	if l.OtherAgency != nil {
		o := OtherAgency{Name: one(l.OtherAgency.Name), Contact: one(l.OtherAgency.Contact)}
		l.OtherAgency = &o
	}
	return l
}

func oneEach(in []string, f func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}

// paragraphs splits text at newlines into trimmed, non-empty paragraphs.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		p = strings.TrimSpace(strings.ReplaceAll(p, "\t", " "))
		p = strings.TrimLeft(p, "　") // the renderers indent; typed full-width indents would double it
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// dateCN writes a date as 2025年3月3日 (GB/T 9704-2012 uses Arabic numerals).
func dateCN(d calendar.Date) string {
	return fmt.Sprintf("%d年%d月%d日", d.Year, int(d.Month), d.Day)
}

// numeralCN writes 1…99 in Chinese numerals (一, 十一, 二十三) for section
// and item numbers.
func numeralCN(n int) string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n <= 0 || n >= 100:
		return fmt.Sprint(n)
	case n < 10:
		return digits[n]
	case n < 20:
		return "十" + strings.TrimPrefix(digits[n%10], "零")
	default:
		s := digits[n/10] + "十"
		if n%10 != 0 {
			s += digits[n%10]
		}
		return s
	}
}
