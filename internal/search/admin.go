package search

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/events"
	"gongkai/internal/store"
)

// Search administration: each site's synonym table and best bets (推荐结果),
// edited by the site's administrators in the back office. Every edit is
// audited and appends a ConfigChanged event in its transaction, so the
// caches of every node (expanded synonyms, best bets, rendered pages) drop.

// Bounds of what administrators enter.
const (
	MaxSynonymTerms    = 20  // terms in one group
	MaxTermRunes       = 50  // characters of one term
	MaxNoteRunes       = 200 // characters of a note
	MaxBestBetQuery    = 100 // characters of a best bet's query
	MaxBestBetTitle    = 200 // characters of a best bet's title
	MaxBestBetURL      = 500 // bytes of a best bet's local URL
	MaxBestBetPosition = 10  // positions of the best bets box
	MaxSynonymGroups   = 2000
	MaxBestBets        = 2000
)

//go:embed data/synonyms.txt
var defaultSynonyms []byte

// SynonymGroup is one group of the synonym table: terms that mean the same,
// or (OneWay) a first term that also finds the others.
type SynonymGroup struct {
	ID        int64
	SiteID    int64
	Terms     []string // normalised
	OneWay    bool
	Note      string
	UpdatedBy string
	UpdatedAt string
}

// Line is the group in the table's text form ("a = b", "a => b = c").
func (g *SynonymGroup) Line() string {
	if g.OneWay && len(g.Terms) > 1 {
		return g.Terms[0] + " => " + strings.Join(g.Terms[1:], " = ")
	}
	return strings.Join(g.Terms, " = ")
}

// Finds returns, for each term, the other terms a query of it also finds:
// every other term of a symmetric group; for a one-way group the first term
// finds the others and they find nothing more.
func (g *SynonymGroup) Finds() map[string][]string {
	out := map[string][]string{}
	for i, t := range g.Terms {
		if g.OneWay && i > 0 {
			continue
		}
		for j, o := range g.Terms {
			if j != i {
				out[t] = append(out[t], o)
			}
		}
	}
	return out
}

// ParseSynonyms reads a synonym table: one group per line, terms separated
// by " = " (symmetric) or "first => others" (one way, the others separated
// by " = "), lines starting with # and blank lines ignored. Each group is
// checked as SaveSynonym checks it; an error names its line.
func ParseSynonyms(r io.Reader) ([]SynonymGroup, error) {
	var out []SynonymGroup
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		g, err := parseSynonymLine(line)
		if err != nil {
			return nil, errs.E(errs.Invalid, "同义词表第 %d 行：%s", n, errs.MessageOf(err))
		}
		out = append(out, *g)
	}
	if err := sc.Err(); err != nil {
		return nil, errs.Wrap(err, "read synonyms")
	}
	return out, nil
}

func parseSynonymLine(line string) (*SynonymGroup, error) {
	g := &SynonymGroup{}
	rest := line
	if left, right, ok := strings.Cut(line, "=>"); ok {
		if strings.Contains(right, "=>") {
			return nil, errs.E(errs.Invalid, "一行只能有一个“=>”")
		}
		g.OneWay = true
		g.Terms = append(g.Terms, left)
		rest = right
	}
	g.Terms = append(g.Terms, strings.Split(rest, "=")...)
	if err := g.clean(); err != nil {
		return nil, err
	}
	return g, nil
}

// SplitTerms reads the terms of a form field: separated by newlines, "=",
// commas or semicolons. Not by "、", which may be part of a term (放管服 =
// 简政放权、放管结合、优化服务).
func SplitTerms(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == '\n' || r == '\r' || r == '=' || r == ',' || r == '，' || r == ';' || r == '；'
	})
}

// normTerm is a term in the form it is stored and compared in: normalised,
// inner blanks collapsed.
func normTerm(s string) string { return strings.Join(strings.Fields(Normalize(s)), " ") }

// NormalizeQuery is a query in the form best bets and the query log keep it.
func NormalizeQuery(q string) string { return normTerm(q) }

// clean normalises and checks the group's terms and note.
func (g *SynonymGroup) clean() error {
	v := errs.Validation{}
	seen := map[string]bool{}
	var terms []string
	for _, t := range g.Terms {
		t = normTerm(t)
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		if utf8.RuneCountInString(t) > MaxTermRunes {
			v.Add("terms", fmt.Sprintf("每个词最多 %d 个字：“%s…”", MaxTermRunes, string([]rune(t)[:10])))
			continue
		}
		if len(Tokens(t)) == 0 {
			v.Add("terms", fmt.Sprintf("“%s”不含文字或数字，不能作为同义词", t))
			continue
		}
		terms = append(terms, t)
	}
	g.Terms = terms
	switch {
	case v["terms"] != "":
	case len(terms) < 2:
		v.Add("terms", "一组同义词至少要有两个不同的词")
	case len(terms) > MaxSynonymTerms:
		v.Add("terms", fmt.Sprintf("一组同义词最多 %d 个词", MaxSynonymTerms))
	}
	g.Note = strings.TrimSpace(g.Note)
	if utf8.RuneCountInString(g.Note) > MaxNoteRunes {
		v.Add("note", fmt.Sprintf("备注最多 %d 个字", MaxNoteRunes))
	}
	return v.Err()
}

// DefaultSynonyms is the shipped default table (data/synonyms.txt).
func DefaultSynonyms() ([]SynonymGroup, error) {
	return ParseSynonyms(bytes.NewReader(defaultSynonyms))
}

// mayConfigure refuses an actor who is not an administrator of the site
// (nil is the command line).
func mayConfigure(actor *auth.User, siteID int64) error {
	if actor == nil {
		return nil
	}
	if !actor.CanManageSite() || !actor.ServesSite(siteID) {
		return errs.E(errs.Forbidden, "只有本站点的系统管理员可以修改检索设置")
	}
	return nil
}

func actorName(actor *auth.User) string {
	if actor == nil {
		return "命令行"
	}
	return actor.Name
}

// Synonyms lists a site's synonym groups. The first time a site's table is
// read it is seeded with the default table; once seeded it never is again,
// so an administrator who deletes every group keeps an empty table.
func (s *Service) Synonyms(ctx context.Context, siteID int64) ([]SynonymGroup, error) {
	var seeded string
	err := s.DB.R.QueryRowContext(ctx, `SELECT synonyms_seeded_at FROM search_sites WHERE site_id = $1`, siteID).Scan(&seeded)
	if errors.Is(err, sql.ErrNoRows) {
		if err := s.seedSynonyms(ctx, siteID); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, errs.Wrap(err, "read search site")
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, site_id, terms, one_way, note, updated_by, updated_at FROM search_synonyms
		WHERE site_id = $1 ORDER BY id LIMIT $2`, siteID, MaxSynonymGroups)
	if err != nil {
		return nil, errs.Wrap(err, "list synonyms")
	}
	defer rows.Close()
	var out []SynonymGroup
	for rows.Next() {
		var g SynonymGroup
		var terms string
		var oneWay int
		if err := rows.Scan(&g.ID, &g.SiteID, &terms, &oneWay, &g.Note, &g.UpdatedBy, &g.UpdatedAt); err != nil {
			return nil, errs.Wrap(err, "scan synonym")
		}
		g.Terms, g.OneWay = strings.Split(terms, "\n"), oneWay == 1
		out = append(out, g)
	}
	return out, errs.Wrap(rows.Err(), "list synonyms")
}

// seedSynonyms copies the default table into a site's table once (the
// search_sites row, inserted first, makes a concurrent seeding a no-op).
func (s *Service) seedSynonyms(ctx context.Context, siteID int64) error {
	defaults, err := DefaultSynonyms()
	if err != nil {
		return err
	}
	now := store.Now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO search_sites (site_id, synonyms_seeded_at) VALUES ($1, $2) ON CONFLICT (site_id) DO NOTHING`, siteID, now)
		if err != nil {
			return errs.Wrap(err, "mark synonyms seeded")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		for _, g := range defaults {
			if _, err := tx.ExecContext(ctx, `INSERT INTO search_synonyms (site_id, terms, one_way, note, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				siteID, strings.Join(g.Terms, "\n"), boolInt(g.OneWay), "默认同义词表", "系统", now); err != nil {
				return errs.Wrap(err, "seed synonyms")
			}
		}
		return nil
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// SynonymExpansions maps each term of a site's table to the other terms a
// query of it also finds (see SynonymGroup.Finds), for query expansion.
func (s *Service) SynonymExpansions(ctx context.Context, siteID int64) (map[string][]string, error) {
	groups, err := s.Synonyms(ctx, siteID)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for i := range groups {
		for t, others := range groups[i].Finds() {
			out[t] = append(out[t], others...)
		}
	}
	return out, nil
}

// SaveSynonym creates (ID 0) or replaces a synonym group, audited, with a
// ConfigChanged event.
func (s *Service) SaveSynonym(ctx context.Context, actor *auth.User, g *SynonymGroup) error {
	if err := mayConfigure(actor, g.SiteID); err != nil {
		return err
	}
	if err := g.clean(); err != nil {
		return err
	}
	// Reading seeds the defaults first, so a site whose first edit comes
	// before any read still gets them once.
	if _, err := s.Synonyms(ctx, g.SiteID); err != nil {
		return err
	}
	g.UpdatedBy, g.UpdatedAt = actorName(actor), store.Now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var before any
		if g.ID == 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM search_synonyms WHERE site_id = $1`, g.SiteID).Scan(&n); err != nil {
				return errs.Wrap(err, "count synonyms")
			}
			if n >= MaxSynonymGroups {
				return errs.E(errs.Invalid, "同义词表最多 %d 组", MaxSynonymGroups)
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO search_synonyms (site_id, terms, one_way, note, updated_by, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, g.SiteID, strings.Join(g.Terms, "\n"), boolInt(g.OneWay), g.Note, g.UpdatedBy, g.UpdatedAt).Scan(&g.ID); err != nil {
				return errs.Wrap(err, "insert synonym")
			}
		} else {
			old, err := synonymIn(ctx, tx, g.SiteID, g.ID)
			if err != nil {
				return err
			}
			before = old
			if _, err := tx.ExecContext(ctx, `UPDATE search_synonyms SET terms = $1, one_way = $2, note = $3, updated_by = $4, updated_at = $5
				WHERE id = $6 AND site_id = $7`, strings.Join(g.Terms, "\n"), boolInt(g.OneWay), g.Note, g.UpdatedBy, g.UpdatedAt, g.ID, g.SiteID); err != nil {
				return errs.Wrap(err, "update synonym")
			}
		}
		return s.configChanged(ctx, tx, actor, g.SiteID, "search.synonym.save", "synonym:"+strconv.FormatInt(g.ID, 10), before, g)
	})
}

// DeleteSynonym removes a synonym group, audited, with a ConfigChanged event.
func (s *Service) DeleteSynonym(ctx context.Context, actor *auth.User, siteID, id int64) error {
	if err := mayConfigure(actor, siteID); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := synonymIn(ctx, tx, siteID, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_synonyms WHERE id = $1 AND site_id = $2`, id, siteID); err != nil {
			return errs.Wrap(err, "delete synonym")
		}
		return s.configChanged(ctx, tx, actor, siteID, "search.synonym.delete", "synonym:"+strconv.FormatInt(id, 10), old, nil)
	})
}

// ErrNoSynonym is the answer for a synonym group that does not exist.
var ErrNoSynonym = errs.E(errs.NotFound, "该组同义词不存在")

// ErrNoBestBet is the answer for a best bet that does not exist.
var ErrNoBestBet = errs.E(errs.NotFound, "该推荐结果不存在")

func synonymIn(ctx context.Context, tx *sql.Tx, siteID, id int64) (*SynonymGroup, error) {
	g := &SynonymGroup{}
	var terms string
	var oneWay int
	err := tx.QueryRowContext(ctx, `SELECT id, site_id, terms, one_way, note, updated_by, updated_at FROM search_synonyms WHERE id = $1 AND site_id = $2`,
		id, siteID).Scan(&g.ID, &g.SiteID, &terms, &oneWay, &g.Note, &g.UpdatedBy, &g.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoSynonym
	}
	if err != nil {
		return nil, errs.Wrap(err, "read synonym")
	}
	g.Terms, g.OneWay = strings.Split(terms, "\n"), oneWay == 1
	return g, nil
}

// configChanged audits a configuration edit and appends the event that
// makes every node drop what it cached of the site's search configuration
// (the event last, as events.Append asks).
func (s *Service) configChanged(ctx context.Context, tx *sql.Tx, actor *auth.User, siteID int64, action, target string, before, after any) error {
	e := auth.Entry{SiteID: siteID, Actor: actor, Action: action, Target: target, Before: before, After: after}
	if err := auth.Audit(ctx, tx, s.DB.Dialect, e); err != nil {
		return err
	}
	_, err := events.Append(ctx, tx, s.DB.Dialect, events.Event{SiteID: siteID, Kind: ConfigChanged,
		Payload: events.Payload(map[string]string{"action": action, "target": target})})
	return err
}

// BestBet is a result pinned to a query (推荐结果): a search document
// (Kind and Ref) or a local URL with its title, shown at Position in the
// best bets box until EndsOn (inclusive; "" for no end).
type BestBet struct {
	ID        int64
	SiteID    int64
	Query     string // normalised (NormalizeQuery)
	Kind      string
	Ref       int64
	URL       string
	Title     string
	Position  int
	EndsOn    string
	Note      string
	UpdatedBy string
	UpdatedAt string
}

// IsDocument reports whether the best bet points to a search document.
func (b *BestBet) IsDocument() bool { return b.Kind != "" }

// LocalPath reports whether u is a path on this site: it starts with one
// "/", and holds no backslash, scheme, control character or blank that a
// browser could read as another host.
func LocalPath(u string) bool {
	if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") || strings.HasPrefix(u, "/\\") {
		return false
	}
	for _, r := range u {
		if r == '\\' || r < 0x21 || r == 0x7f || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// clean normalises and checks a best bet. kinds are the registered record
// kinds (a document target must be of one).
func (b *BestBet) clean(kinds []Kind) error {
	v := errs.Validation{}
	b.Query = NormalizeQuery(b.Query)
	switch {
	case b.Query == "":
		v.Add("query", "请填写检索词")
	case utf8.RuneCountInString(b.Query) > MaxBestBetQuery:
		v.Add("query", fmt.Sprintf("检索词最多 %d 个字", MaxBestBetQuery))
	case len(Tokens(b.Query)) == 0:
		v.Add("query", "检索词应含有文字或数字")
	}
	b.Kind, b.URL, b.Title = strings.TrimSpace(b.Kind), strings.TrimSpace(b.URL), strings.TrimSpace(b.Title)
	if b.Kind != "" {
		known := false
		for _, k := range kinds {
			known = known || k.Code == b.Kind
		}
		if !known {
			v.Add("target", "信息类别不存在")
		} else if b.Ref <= 0 {
			v.Add("target", "请填写要推荐的信息编号")
		}
		b.URL = ""
	} else {
		b.Ref = 0
		switch {
		case b.URL == "":
			v.Add("target", "请选择要推荐的信息，或填写本站链接")
		case len(b.URL) > MaxBestBetURL:
			v.Add("target", fmt.Sprintf("链接最多 %d 个字符", MaxBestBetURL))
		case !LocalPath(b.URL):
			v.Add("target", "只能推荐本站的链接，应以“/”开头，例如 /xxgk/guide")
		}
		if b.Title == "" {
			v.Add("title", "推荐本站链接时请填写标题")
		}
	}
	if utf8.RuneCountInString(b.Title) > MaxBestBetTitle {
		v.Add("title", fmt.Sprintf("标题最多 %d 个字", MaxBestBetTitle))
	}
	if b.Position == 0 {
		b.Position = 1
	}
	if b.Position < 1 || b.Position > MaxBestBetPosition {
		v.Add("position", fmt.Sprintf("位置应为 1 到 %d", MaxBestBetPosition))
	}
	b.EndsOn = strings.TrimSpace(b.EndsOn)
	if b.EndsOn != "" {
		if _, err := calendar.Parse(b.EndsOn); err != nil {
			v.Add("ends_on", "截止日期格式应为 2026-12-31")
		}
	}
	b.Note = strings.TrimSpace(b.Note)
	if utf8.RuneCountInString(b.Note) > MaxNoteRunes {
		v.Add("note", fmt.Sprintf("备注最多 %d 个字", MaxNoteRunes))
	}
	return v.Err()
}

const bestBetCols = `id, site_id, query, doc_kind, doc_ref, url, title, position, ends_on, note, updated_by, updated_at`

func scanBestBet(sc interface{ Scan(...any) error }) (BestBet, error) {
	var b BestBet
	err := sc.Scan(&b.ID, &b.SiteID, &b.Query, &b.Kind, &b.Ref, &b.URL, &b.Title, &b.Position, &b.EndsOn, &b.Note, &b.UpdatedBy, &b.UpdatedAt)
	return b, err
}

// BestBets lists a site's best bets by query and position.
func (s *Service) BestBets(ctx context.Context, siteID int64) ([]BestBet, error) {
	return s.queryBestBets(ctx, `SELECT `+bestBetCols+` FROM search_best_bets WHERE site_id = $1 ORDER BY query, position, id LIMIT $2`, siteID, MaxBestBets)
}

func (s *Service) queryBestBets(ctx context.Context, q string, args ...any) ([]BestBet, error) {
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, errs.Wrap(err, "list best bets")
	}
	defer rows.Close()
	var out []BestBet
	for rows.Next() {
		b, err := scanBestBet(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan best bet")
		}
		out = append(out, b)
	}
	return out, errs.Wrap(rows.Err(), "list best bets")
}

// BestBetsFor returns the best bets of a query in force today (Beijing),
// by position: what the search shows above the results.
func (s *Service) BestBetsFor(ctx context.Context, siteID int64, query string) ([]BestBet, error) {
	return s.BestBetsOn(ctx, siteID, query, calendar.Today().String())
}

// BestBetsOn is BestBetsFor on a given day (YYYY-MM-DD).
func (s *Service) BestBetsOn(ctx context.Context, siteID int64, query, day string) ([]BestBet, error) {
	q := NormalizeQuery(query)
	if q == "" || utf8.RuneCountInString(q) > MaxBestBetQuery {
		return nil, nil
	}
	return s.queryBestBets(ctx, `SELECT `+bestBetCols+` FROM search_best_bets WHERE site_id = $1 AND query = $2 AND (ends_on = '' OR ends_on >= $3)
		ORDER BY position, id LIMIT $4`, siteID, q, day, MaxBestBetPosition)
}

// SaveBestBet creates (ID 0) or replaces a best bet, audited, with a
// ConfigChanged event.
func (s *Service) SaveBestBet(ctx context.Context, actor *auth.User, b *BestBet) error {
	if err := mayConfigure(actor, b.SiteID); err != nil {
		return err
	}
	if err := b.clean(s.Kinds()); err != nil {
		return err
	}
	b.UpdatedBy, b.UpdatedAt = actorName(actor), store.Now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var before any
		if b.ID == 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM search_best_bets WHERE site_id = $1`, b.SiteID).Scan(&n); err != nil {
				return errs.Wrap(err, "count best bets")
			}
			if n >= MaxBestBets {
				return errs.E(errs.Invalid, "推荐结果最多 %d 条", MaxBestBets)
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO search_best_bets (site_id, query, doc_kind, doc_ref, url, title, position, ends_on, note, updated_by, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
				b.SiteID, b.Query, b.Kind, b.Ref, b.URL, b.Title, b.Position, b.EndsOn, b.Note, b.UpdatedBy, b.UpdatedAt).Scan(&b.ID); err != nil {
				return errs.Wrap(err, "insert best bet")
			}
		} else {
			old, err := bestBetIn(ctx, tx, b.SiteID, b.ID)
			if err != nil {
				return err
			}
			before = old
			if _, err := tx.ExecContext(ctx, `UPDATE search_best_bets SET query = $1, doc_kind = $2, doc_ref = $3, url = $4, title = $5, position = $6,
				ends_on = $7, note = $8, updated_by = $9, updated_at = $10 WHERE id = $11 AND site_id = $12`,
				b.Query, b.Kind, b.Ref, b.URL, b.Title, b.Position, b.EndsOn, b.Note, b.UpdatedBy, b.UpdatedAt, b.ID, b.SiteID); err != nil {
				return errs.Wrap(err, "update best bet")
			}
		}
		return s.configChanged(ctx, tx, actor, b.SiteID, "search.bestbet.save", "bestbet:"+strconv.FormatInt(b.ID, 10), before, b)
	})
}

// DeleteBestBet removes a best bet, audited, with a ConfigChanged event.
func (s *Service) DeleteBestBet(ctx context.Context, actor *auth.User, siteID, id int64) error {
	if err := mayConfigure(actor, siteID); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := bestBetIn(ctx, tx, siteID, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_best_bets WHERE id = $1 AND site_id = $2`, id, siteID); err != nil {
			return errs.Wrap(err, "delete best bet")
		}
		return s.configChanged(ctx, tx, actor, siteID, "search.bestbet.delete", "bestbet:"+strconv.FormatInt(id, 10), old, nil)
	})
}

func bestBetIn(ctx context.Context, tx *sql.Tx, siteID, id int64) (*BestBet, error) {
	b, err := scanBestBet(tx.QueryRowContext(ctx, `SELECT `+bestBetCols+` FROM search_best_bets WHERE id = $1 AND site_id = $2`, id, siteID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoBestBet
	}
	if err != nil {
		return nil, errs.Wrap(err, "read best bet")
	}
	return &b, nil
}

// bestBetHits are the best bets of a query in force on the service's day,
// as hits: a document target is shown only while it is in the index (a
// withdrawn record drops out of the box), a link target as its title.
func (s *Service) bestBetHits(ctx context.Context, siteID int64, q string) ([]Hit, error) {
	bets, err := s.BestBetsOn(ctx, siteID, q, s.today().Format(time.DateOnly))
	if err != nil || len(bets) == 0 {
		return nil, err
	}
	var out []Hit
	for _, b := range bets {
		h := Hit{BestBet: true}
		if b.IsDocument() {
			if s.Backend == nil {
				continue
			}
			d, err := s.Backend.Doc(ctx, siteID, b.Kind, b.Ref)
			if err != nil {
				return nil, err
			}
			if d == nil {
				continue
			}
			h.Candidate = Candidate{ID: d.ID, Kind: d.Kind, Ref: d.Ref, URL: d.URL, Title: d.Title, DocNo: d.DocNo, Publisher: d.Publisher,
				ColumnID: d.ColumnID, Topic: d.Topic, Validity: d.Validity, PublishedOn: d.PublishedOn}
			if b.Title != "" {
				h.Candidate.Title = b.Title
			}
			h.KindLabel = s.KindLabel(d.Kind)
		} else {
			h.Candidate = Candidate{URL: b.URL, Title: b.Title}
		}
		h.Title = []Segment{{Text: h.Candidate.Title}}
		out = append(out, h)
	}
	return out, nil
}
