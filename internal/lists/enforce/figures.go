package enforce

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"

	"gongkai/internal/catalog"
	"gongkai/internal/lists"
)

// The yearly enforcement figures (上年度行政执法总体情况, RECORDS §2.7),
// computed from the decision records — one ledger for the figures page,
// the API and table 二 of the annual report (RECORDS §2.8) — never typed.

// Count is one group of decisions.
type Count struct {
	Code  string `json:"code"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// Figures are one year's enforcement figures.
type Figures struct {
	Year int `json:"year"`
	// Total counts every decision made in the year, including those later
	// changed or revoked (Guangzhou's note, RECORDS §2.7 [R18a]).
	Total int `json:"total"`
	// ByCategory counts decisions by 执法类别 (every category, zeros too).
	ByCategory []Count `json:"by_category"`
	// ByBody counts decisions by 执法机关, largest first.
	ByBody []Count `json:"by_body"`
	// Licences are 表一's counts: all licence decisions, those granting,
	// those refusing and revocations (RECORDS §2.7; §2.8 keeps both the
	// granting and the all-decision counts, the report chooses).
	Licences        int `json:"licences"`
	LicencesGranted int `json:"licences_granted"`
	LicencesRefused int `json:"licences_refused"`
	LicencesRevoked int `json:"licences_revoked"`
	// Penalties are 表二's: one decision one 宗, in its heaviest category.
	Penalties         int     `json:"penalties"`
	PenaltiesByKind   []Count `json:"penalties_by_kind"`
	PenaltyAmountYuan string  `json:"penalty_amount_yuan"` // 罚没金额, exact decimal (元)
	// Withdrawn counts decisions of the year later withdrawn from public view.
	Withdrawn int `json:"withdrawn"`
}

// CategoryCount is the count of one 执法类别.
func (f *Figures) CategoryCount(code string) int {
	for _, c := range f.ByCategory {
		if c.Code == code {
			return c.Count
		}
	}
	return 0
}

// YearFigures computes a year's figures from the current edition of the
// site's decisions (every row, also those past their publicity period:
// the period ends publicity, not the record, RECORDS §0.3), grouped in the
// database (lists.Service.GroupCount: GROUP BY 执法类别, 结论类别, 处罚种类
// and 撤回; GROUP BY 执法机关); the 罚没金额 are added up exactly here.
//
// The figures of a published edition never change (published editions
// are never changed, RECORDS §1.6 (a), and the figures do not depend on
// the day), so they are kept per site for its current edition and year:
// a new edition of the decisions, once published, is the site's current
// edition and its figures are computed afresh (the cache is keyed by the
// edition, so no event can be missed, in this process or another).
func (s *Service) YearFigures(ctx context.Context, siteID int64, year int) (*Figures, error) {
	cur, err := s.Lists.Current(ctx, siteID, Decisions)
	if err != nil {
		return nil, err
	}
	if cur == nil {
		return s.yearFigures(ctx, nil, year)
	}
	if f := s.figures.get(siteID, cur.ID, year); f != nil {
		return f, nil
	}
	f, err := s.yearFigures(ctx, cur, year)
	if err != nil {
		return nil, err
	}
	s.figures.put(siteID, cur.ID, year, f)
	return f.clone(), nil
}

// figuresCache holds, per site, the figures of its current edition of the
// decisions by year.
type figuresCache struct {
	mu     sync.Mutex
	bySite map[int64]*siteFigures
}

type siteFigures struct {
	edition int64
	years   map[int]*Figures
}

// maxFigureYears bounds the years kept per site (?year= takes 2000–2100).
const maxFigureYears = 20

func (c *figuresCache) get(siteID, editionID int64, year int) *Figures {
	c.mu.Lock()
	defer c.mu.Unlock()
	if sf := c.bySite[siteID]; sf != nil && sf.edition == editionID && sf.years[year] != nil {
		return sf.years[year].clone()
	}
	return nil
}

// put keeps f as the site's figures of year for editionID, dropping those
// of any other edition (a request that read the previous current edition
// may put after the new one's: the next get misses and puts again).
func (c *figuresCache) put(siteID, editionID int64, year int, f *Figures) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bySite == nil {
		c.bySite = map[int64]*siteFigures{}
	}
	sf := c.bySite[siteID]
	if sf == nil || sf.edition != editionID || len(sf.years) >= maxFigureYears {
		sf = &siteFigures{edition: editionID, years: map[int]*Figures{}}
		c.bySite[siteID] = sf
	}
	sf.years[year] = f
}

// clone copies the figures, so a caller cannot change the kept ones.
func (f *Figures) clone() *Figures {
	g := *f
	g.ByCategory = slices.Clone(f.ByCategory)
	g.ByBody = slices.Clone(f.ByBody)
	g.PenaltiesByKind = slices.Clone(f.PenaltiesByKind)
	return &g
}

// yearFigures computes the figures of the year from cur (nil: none
// published).
func (s *Service) yearFigures(ctx context.Context, cur *lists.Edition, year int) (*Figures, error) {
	f := &Figures{Year: year}
	byCat, byPen := map[string]int{}, map[string]int{}
	var cents int64
	if cur != nil {
		inYear := lists.Where{Prefix: map[string]string{"decided_on": fmt.Sprintf("%04d-", year)}}
		groups, err := s.Lists.GroupCount(ctx, cur.ID, []string{"category", "outcome", "penalty_kind", "changed_on"}, inYear)
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			cat, outcome, pen, changed, n := g.Values[0], g.Values[1], g.Values[2], g.Values[3], g.Count
			f.Total += n
			byCat[cat] += n
			if changed != "" {
				f.Withdrawn += n
			}
			switch cat {
			case "license":
				f.Licences += n
				switch outcome {
				case "granted":
					f.LicencesGranted += n
				case "refused":
					f.LicencesRefused += n
				case "licence_revoked":
					f.LicencesRevoked += n
				}
			case "penalty":
				f.Penalties += n
				if pen != "" {
					byPen[pen] += n
				}
			}
		}
		bodies, err := s.Lists.GroupCount(ctx, cur.ID, []string{"body"}, inYear)
		if err != nil {
			return nil, err
		}
		for _, g := range bodies {
			f.ByBody = append(f.ByBody, Count{g.Values[0], g.Values[0], g.Count})
		}
		inYear.Eq = map[string]string{"category": "penalty"}
		amounts, err := s.Lists.FieldValues(ctx, cur.ID, "amount", inYear)
		if err != nil {
			return nil, err
		}
		for _, a := range amounts {
			if n, ok := centsOf(a); ok {
				cents += n
			}
		}
	}
	for _, o := range Categories {
		f.ByCategory = append(f.ByCategory, Count{o.Value, o.Label, byCat[o.Value]})
	}
	for _, o := range PenaltyKinds {
		f.PenaltiesByKind = append(f.PenaltiesByKind, Count{o.Value, o.Label, byPen[o.Value]})
	}
	sort.SliceStable(f.ByBody, func(i, j int) bool {
		if f.ByBody[i].Count != f.ByBody[j].Count {
			return f.ByBody[i].Count > f.ByBody[j].Count
		}
		return f.ByBody[i].Code < f.ByBody[j].Code
	})
	f.PenaltyAmountYuan = fmt.Sprintf("%d.%02d", cents/100, cents%100)
	return f, nil
}

// centsOf reads a canonical money value ("1234.50") as cents.
func centsOf(canon string) (int64, bool) {
	v, err := catalog.ParseDecimal(canon, 2, catalog.MaxMoneyDigits)
	if err != nil {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if c >= '0' && c <= '9' {
			n = n*10 + int64(c-'0')
		}
	}
	return n, true
}

// AnnualReport are the figures of table 二 of the 政务公开年度报告
// (条例第二十条第（五）（六）项, 本年处理决定数量; REFERENCE §2.2, RECORDS §2.8).
// Whether 处理决定数量 includes refusals is UNVERIFIED, so both counts are
// given and the report's configuration chooses.
type AnnualReport struct {
	LicenceDecisions int // 行政许可: every decision (granting, refusing, revoking)
	LicencesGranted  int // 行政许可: decisions granting
	Penalties        int // 行政处罚
	Coercions        int // 行政强制
}

// AnnualReportFigures is what the annual report (issue 14, table 二) calls.
func (s *Service) AnnualReportFigures(ctx context.Context, siteID int64, year int) (AnnualReport, error) {
	f, err := s.YearFigures(ctx, siteID, year)
	if err != nil {
		return AnnualReport{}, err
	}
	return AnnualReport{LicenceDecisions: f.Licences, LicencesGranted: f.LicencesGranted, Penalties: f.Penalties, Coercions: f.CategoryCount("coercion")}, nil
}
