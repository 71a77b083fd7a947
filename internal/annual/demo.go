package annual

import (
	"context"
	"fmt"

	"gongkai/internal/auth"
	"gongkai/internal/errs"
)

// LoadDemo writes, checks and publishes the demo site's report for year
// from the demo's records (requests, enforcement decisions, catalogue),
// with the office's text for parts 一 and 五, published as of publishedOn
// (the demo catalogue has no item for the year: this is the year's only
// report). A year already published is left alone.
func (s *Service) LoadDemo(ctx context.Context, siteID int64, office *auth.User, year int, publishedOn string) error {
	st, err := s.Load(ctx, siteID, year)
	if err != nil {
		return err
	}
	if st.Status == StPublished {
		return nil
	}
	draft, err := s.Draft(ctx, siteID, year)
	if err != nil {
		return err
	}
	if !draft.OK() {
		return errs.E(errs.Internal, "demo %d report fails a check: %+v", year, draft.Checks)
	}
	v := func(table, row, col string) string { return draft.Value(table, row, col) }
	part1 := fmt.Sprintf("%d年，%s坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，围绕法治政府建设和公共法律服务，持续深化政务公开工作。\n\n"+
		"（一）主动公开。全年制发行政规范性文件%s件，现行有效%s件；公开行政许可决定%s件、行政处罚决定%s件、行政强制决定%s件，均在规定时限内通过门户网站“政府信息公开”专栏发布。\n\n"+
		"（二）依申请公开。全年新收政府信息公开申请%s件，上年结转%s件，办结%s件，结转下年度继续办理%s件，全部在法定期限内答复。\n\n"+
		"（三）政府信息管理。落实公开属性源头认定和发布前保密审查，规范性文件实行统一登记、统一编号、统一发布，及时标注文件有效性。\n\n"+
		"（四）平台建设。完善门户网站信息公开目录和无障碍、适老化服务，公开数据同步提供开放接口。\n\n"+
		"（五）监督保障。将政务公开纳入年度绩效考核，开展业务培训，接受社会评议。",
		year, draft.Body, v("proactive", "normative", "issued"), v("proactive", "normative", "in_force"), v("proactive", "licence", "decisions"),
		v("proactive", "penalty", "decisions"), v("proactive", "coercion", "decisions"),
		v("requests", "new", "total"), v("requests", "carried_in", "total"), v("requests", "total", "total"), v("requests", "carried_out", "total"))
	part5 := fmt.Sprintf("%d年本机关政务公开工作仍存在政策解读形式较单一、部分栏目更新不够及时等问题。下一步，将丰富图解、视频等解读形式，建立栏目更新提醒和定期检查机制，进一步提升公开质量。", year)
	if err := s.SaveTexts(ctx, office, siteID, year, Texts{Part1: part1, Part5: part5, LicenceBasis: LicenceAll}); err != nil {
		return err
	}
	r, err := s.Submit(ctx, office, siteID, year)
	if err != nil {
		return err
	}
	// Dated as the demo's report day (26 January), so the deadline engine
	// and the self-inspection see it published on time.
	it, err := s.Catalog.Item(ctx, siteID, r.ItemID)
	if err != nil {
		return err
	}
	in, err := s.Catalog.InputOf(ctx, it)
	if err != nil {
		return err
	}
	in.PublishedOn, in.Version = publishedOn, it.Version
	if _, err := s.Catalog.Update(ctx, office, siteID, it.ID, in); err != nil {
		return err
	}
	if _, err := s.Approve(ctx, office, siteID, year, "数据已核对"); err != nil {
		return err
	}
	_, err = s.Publish(ctx, office, siteID, year)
	return err
}
