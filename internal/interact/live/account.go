package live

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// Platforms are the new-media platforms (RECORDS §10.2 平台).
var Platforms = []Choice{{"wechat", "微信公众号"}, {"weibo", "微博"}, {"douyin", "抖音"}, {"toutiao", "今日头条"}, {"kuaishou", "快手"},
	{"baijiahao", "百家号"}, {"app", "移动客户端"}, {"miniprogram", "微信小程序"}, {"other", "其他"}}

// AccountStatuses are an account's states (RECORDS §10.2 状态); only
// running accounts are listed on the home page.
var AccountStatuses = []Choice{{"running", "运行"}, {"paused", "暂停"}, {"closed", "关停"}}

// Account is a new-media account (政务新媒体), with the fields RECORDS
// §10.2 proposes: the owner (主办单位) is required because 国办发〔2018〕123号
// names it in the account's verification; the link is required by the
// Linyi task ("在门户网站明显位置提供有效链接", RECORDS §10.2).
type Account struct {
	ID, SiteID                int64
	Name, Platform            string
	Owner, Operator           string
	AccountID, URL            string
	FilingNo, FiledOn, Status string
	Interactive               bool
	Sort                      int
	CreatedAt, UpdatedAt      string
}

// PlatformLabel is the platform in Chinese.
func (a *Account) PlatformLabel() string { return LabelOf(Platforms, a.Platform) }

// StatusLabel is the status in Chinese.
func (a *Account) StatusLabel() string { return LabelOf(AccountStatuses, a.Status) }

// Running reports whether the account is in use.
func (a *Account) Running() bool { return a.Status == "running" }

// AccountInput is what the office sets.
type AccountInput struct {
	Name, Platform, Owner, Operator, AccountID, URL, FilingNo, FiledOn, Status string
	Interactive                                                                bool
	Sort                                                                       int
}

func (in *AccountInput) validate() error {
	v := errs.Validation{}
	for _, p := range []*string{&in.Name, &in.Owner, &in.Operator, &in.AccountID, &in.URL, &in.FilingNo, &in.FiledOn} {
		*p = strings.TrimSpace(*p)
	}
	required(v, "name", in.Name, "账号名称")
	checkLen(v, "name", in.Name, MaxAccount)
	if !validChoice(Platforms, in.Platform) {
		v.Add("platform", "请选择平台")
	}
	required(v, "owner", in.Owner, "主办单位")
	checkLen(v, "owner", in.Owner, MaxOwner)
	checkLen(v, "operator", in.Operator, MaxOwner)
	checkLen(v, "account_id", in.AccountID, MaxAccount)
	checkURL(v, "url", in.URL, true, "链接")
	checkLen(v, "filing_no", in.FilingNo, MaxFilingNo)
	if in.FiledOn != "" {
		if _, err := calendar.Parse(in.FiledOn); err != nil {
			v.Add("filed_on", "备案日期格式应为 2025-06-12")
		}
	}
	if in.Status == "" {
		in.Status = "running"
	}
	if !validChoice(AccountStatuses, in.Status) {
		v.Add("status", "请选择状态")
	}
	if in.Sort < 0 || in.Sort > 9999 {
		v.Add("sort", "排序应在 0 到 9999 之间")
	}
	return v.Err()
}

// mayKeepAccounts: opening, changing or closing an account is filed
// through the 政务公开办公室 (RECORDS §10.1, Hedong rule), so the office
// keeps the directory.
func mayKeepAccounts(u *auth.User) error {
	if u == nil || !u.CanPublish() {
		return errs.E(errs.Forbidden, "政务新媒体名录由政务公开办公室维护")
	}
	return nil
}

const accountCols = `id, site_id, name, platform, owner, operator, account_id, url, filing_no, filed_on, status, interactive, sort, created_at, updated_at`

func scanAccount(sc interface{ Scan(...any) error }) (*Account, error) {
	a := &Account{}
	var inter int
	err := sc.Scan(&a.ID, &a.SiteID, &a.Name, &a.Platform, &a.Owner, &a.Operator, &a.AccountID, &a.URL, &a.FilingNo, &a.FiledOn, &a.Status, &inter, &a.Sort, &a.CreatedAt, &a.UpdatedAt)
	a.Interactive = inter != 0
	return a, err
}

// SaveAccount creates (id 0) or changes an account.
func (s *Service) SaveAccount(ctx context.Context, u *auth.User, siteID, id int64, in AccountInput) (*Account, error) {
	if err := mayKeepAccounts(u); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	var old *Account
	if id != 0 {
		var err error
		if old, err = s.Account(ctx, siteID, id); err != nil {
			return nil, err
		}
	}
	inter := 0
	if in.Interactive {
		inter = 1
	}
	now := store.Now()
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if id == 0 {
			if err := tx.QueryRowContext(ctx, `INSERT INTO live_accounts (site_id, name, platform, owner, operator, account_id, url, filing_no, filed_on, status, interactive, sort, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
				siteID, in.Name, in.Platform, in.Owner, in.Operator, in.AccountID, in.URL, in.FilingNo, in.FiledOn, in.Status, inter, in.Sort, now).Scan(&id); err != nil {
				return errs.Wrap(err, "create account")
			}
		} else if _, err := tx.ExecContext(ctx, `UPDATE live_accounts SET name = $1, platform = $2, owner = $3, operator = $4, account_id = $5, url = $6, filing_no = $7, filed_on = $8,
			status = $9, interactive = $10, sort = $11, updated_at = $12 WHERE id = $13 AND site_id = $14`,
			in.Name, in.Platform, in.Owner, in.Operator, in.AccountID, in.URL, in.FilingNo, in.FiledOn, in.Status, inter, in.Sort, now, id, siteID); err != nil {
			return errs.Wrap(err, "update account")
		}
		return s.audit(ctx, tx, siteID, u, "newmedia.save", itoa("newmedia", id), old, in, true)
	})
	if err != nil {
		return nil, err
	}
	s.committed(ctx)
	return s.Account(ctx, siteID, id)
}

// DeleteAccount removes an account from the directory.
func (s *Service) DeleteAccount(ctx context.Context, u *auth.User, siteID, id int64) error {
	if err := mayKeepAccounts(u); err != nil {
		return err
	}
	old, err := s.Account(ctx, siteID, id)
	if err != nil {
		return err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM live_accounts WHERE id = $1 AND site_id = $2`, id, siteID); err != nil {
			return errs.Wrap(err, "delete account")
		}
		return s.audit(ctx, tx, siteID, u, "newmedia.delete", itoa("newmedia", id), old, nil, true)
	})
	if err == nil {
		s.committed(ctx)
	}
	return err
}

// Account returns one account of the site.
func (s *Service) Account(ctx context.Context, siteID, id int64) (*Account, error) {
	a, err := scanAccount(s.DB.R.QueryRowContext(ctx, `SELECT `+accountCols+` FROM live_accounts WHERE id = $1 AND site_id = $2`, id, siteID))
	if err != nil {
		return nil, notFound(err, "没有这个账号", "read account")
	}
	return a, nil
}

// Accounts lists the site's accounts in their order; running only, or all.
func (s *Service) Accounts(ctx context.Context, siteID int64, runningOnly bool) ([]*Account, error) {
	q := `SELECT ` + accountCols + ` FROM live_accounts WHERE site_id = $1`
	if runningOnly {
		q += ` AND status = 'running'`
	}
	rows, err := s.DB.R.QueryContext(ctx, q+` ORDER BY sort, id LIMIT 500`, siteID)
	if err != nil {
		return nil, errs.Wrap(err, "list accounts")
	}
	defer rows.Close()
	var out []*Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, errs.Wrap(err, "list accounts")
		}
		out = append(out, a)
	}
	return out, errs.Wrap(rows.Err(), "list accounts")
}

// QR returns the QR code of text (an account's link) as its module
// matrix, quiet zone included (true is dark). Level M (15% recovery) is
// the usual choice for printed and screen codes of short URLs.
func QR(text string) ([][]bool, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return nil, errs.E(errs.Invalid, "链接过长，不能生成二维码")
	}
	return q.Bitmap(), nil
}

// QRSVG draws the QR code of text as an SVG image: one path of unit
// squares, crisp at any size, a few KB; title is its text alternative.
func QRSVG(text, title string) ([]byte, error) {
	m, err := QR(text)
	if err != nil {
		return nil, err
	}
	n := len(m)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" shape-rendering="crispEdges" role="img">`, n, n, n*4, n*4)
	b.WriteString(`<title>`)
	escapeXML(&b, title)
	b.WriteString(`</title><rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="`)
	for y, row := range m {
		for x := 0; x < n; {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < n && row[x] {
				x++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", start, y, x-start, x-start)
		}
	}
	b.WriteString(`"/></svg>`)
	return []byte(b.String()), nil
}

func escapeXML(b *strings.Builder, s string) {
	strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").WriteString(b, s)
}
