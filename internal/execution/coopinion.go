package execution

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/lists"
)

// 协办意见: a co-handling unit sends its opinion on an item to the lead
// unit within one month of receipt (RECORDS §7.3 [R10a]). The unit files
// it itself in the back office or by API: a co-unit that is one of the
// site's departments only through that department's editors; a co-unit
// outside the bureau (another municipal body, without accounts here)
// through the office, which records the letter it received. Nobody else
// may, and only a unit the item names as co-handler.

// Item is a suggestion or proposal as the co-opinion form shows it.
type Item struct {
	Number   string      `json:"number"`
	Title    string      `json:"title"`
	LeadUnit string      `json:"lead_unit"`
	CoUnits  []string    `json:"co_units"`
	Opinions []lists.Row `json:"-"`
}

// NewCoOpinion is a co-handler's opinion as filed.
type NewCoOpinion struct {
	CoUnit     string `json:"co_unit"`
	ReceivedOn string `json:"received_on"`
	SentOn     string `json:"sent_on"`
	Opinion    string `json:"opinion"`
}

func notFound(no string) error {
	return errs.E(errs.NotFound, "没有编号为“%s”的建议提案", no)
}

// ItemOf reads item no with its co-handlers' opinions (staff view).
func (s *Service) ItemOf(ctx context.Context, siteID int64, no string) (*Item, error) {
	cur, err := s.Lists.Current(ctx, siteID, Proposals)
	if err != nil {
		return nil, err
	}
	if cur == nil {
		return nil, notFound(no)
	}
	r, err := s.Lists.Row(ctx, cur.ID, no)
	if err != nil {
		return nil, notFound(no)
	}
	it := &Item{Number: r.Key, Title: r.Title, LeadUnit: r.Values["lead_unit"], CoUnits: splitDepts(r.Values["co_units"])}
	if it.CoUnits == nil {
		it.CoUnits = []string{}
	}
	if cc, err := s.Lists.Current(ctx, siteID, CoOpinions); err != nil {
		return nil, err
	} else if cc != nil {
		if it.Opinions, err = s.Lists.RowsUnder(ctx, cc.ID, no); err != nil {
			return nil, err
		}
	}
	return it, nil
}

// CoUnitsFor are the co-units of it that u may file for (MayFile).
func (s *Service) CoUnitsFor(ctx context.Context, siteID int64, u *auth.User, it *Item) ([]string, error) {
	var out []string
	for _, c := range it.CoUnits {
		why, err := s.MayFile(ctx, siteID, u, it, c)
		if err != nil {
			return nil, err
		}
		if why == "" {
			out = append(out, c)
		}
	}
	return out, nil
}

// MayFile says whether u may file unit's opinion on it ("" when allowed,
// else why not).
func (s *Service) MayFile(ctx context.Context, siteID int64, u *auth.User, it *Item, unit string) (string, error) {
	if u == nil {
		return "请先登录", nil
	}
	if !u.ServesSite(siteID) {
		return "您无权为本网站的建议提案填报协办意见", nil
	}
	if !slices.Contains(it.CoUnits, unit) {
		return fmt.Sprintf("“%s”不是建议提案“%s”的协办单位", unit, it.Title), nil
	}
	ds, err := s.Lists.Catalog.Departments(ctx, siteID)
	if err != nil {
		return "", err
	}
	var dept *catalog.Department
	for i, d := range ds {
		if d.Name == unit || (d.Abbr != "" && d.Abbr == unit) {
			dept = &ds[i]
		}
	}
	switch {
	case dept == nil && u.CanPublish():
		return "", nil // an outside body's letter, recorded by the office
	case dept == nil:
		return fmt.Sprintf("协办单位“%s”不是本机关科室，其协办意见由政务公开办公室登记", unit), nil
	case u.Role == auth.Editor && u.DepartmentID == dept.ID:
		return "", nil
	}
	return fmt.Sprintf("“%s”的协办意见由%s填报，您无权填报", unit, dept.Name), nil
}

// FileCoOpinion files (or files again, replacing) unit's opinion on item
// no as actor, published at once as a new edition of the co-opinions.
func (s *Service) FileCoOpinion(ctx context.Context, siteID int64, actor *auth.User, no string, in NewCoOpinion, today calendar.Date) (map[string]string, error) {
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "请先登录")
	}
	it, err := s.ItemOf(ctx, siteID, no)
	if err != nil {
		return nil, err
	}
	in.CoUnit = strings.TrimSpace(in.CoUnit)
	if in.CoUnit == "" {
		return nil, &errs.Error{Code: errs.Invalid, Message: "请选择协办单位", Fields: map[string]string{"co_unit": "请选择协办单位"}}
	}
	if why, err := s.MayFile(ctx, siteID, actor, it, in.CoUnit); err != nil {
		return nil, err
	} else if why != "" {
		if !slices.Contains(it.CoUnits, in.CoUnit) {
			return nil, &errs.Error{Code: errs.Invalid, Message: why, Fields: map[string]string{"co_unit": why}}
		}
		return nil, errs.E(errs.Forbidden, "%s", why)
	}
	raw := map[string]string{"number": it.Number, "co_unit": in.CoUnit, "received_on": in.ReceivedOn, "sent_on": in.SentOn, "opinion": in.Opinion}
	vals, bad := CoOpinions.Validate(raw)
	for n, v := range vals {
		if !catalog.CleanText(v) {
			bad[n] = "内容含有无法识别的控制字符"
		}
	}
	for _, n := range []string{"received_on", "sent_on"} {
		if d := vals[n]; d != "" && bad[n] == "" && d > today.String() {
			bad[n] = "日期不能晚于今天"
		}
	}
	if len(bad) > 0 {
		return nil, &errs.Error{Code: errs.Invalid, Message: "填报的协办意见有误，请按提示修改", Fields: bad}
	}
	note := fmt.Sprintf("%s填报建议提案“%s”（%s）%s的协办意见", actor.Label(), it.Title, it.Number, in.CoUnit)
	if _, err := s.Lists.PutPublishedRow(ctx, siteID, CoOpinions, actor, "proposal.co_opinion", note, vals); err != nil {
		return nil, err
	}
	return vals, nil
}
