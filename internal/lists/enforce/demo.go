package enforce

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/lists"
)

// The demo's enforcement publicity and service guides for the 临沂市司法局:
// its enforcement bodies, officers, matters with their flowcharts, a year
// (2025) of decisions with the yearly figures they give, ten complete
// service guides and the 政务服务事项目录. Names, numbers and texts are
// illustrative demo data, not the bureau's published records; every ID
// number is fictitious (region 371302, check character not computed).

const demoBody = "临沂市司法局"

var demoBodies = []map[string]string{
	{"code": "ZT-001", "name": demoBody, "nature": "statutory", "uscc": "11371300004325183K",
		"duties": "负责全市律师、公证、司法鉴定、基层法律服务、法律援助等法律服务行业的监督管理，依法实施相关行政许可、行政处罚和行政检查。",
		"units":  "律师工作科\n公共法律服务管理科\n行政执法协调监督科", "jurisdiction": "临沂市行政区域内由市级实施的司法行政执法事项", "area": "临沂市",
		"basis":   "《中华人民共和国律师法》《中华人民共和国公证法》《全国人民代表大会常务委员会关于司法鉴定管理问题的决定》；临沂市司法局“三定”规定",
		"address": "临沂市兰山区北京路 39 号", "phone": "0539-8312345（咨询） 0539-8312300（监督）"},
	{"code": "ZT-002", "name": "临沂市法律援助中心", "nature": "authorised",
		"duties": "受理、审查法律援助申请，作出给予或者不予法律援助的决定，指派法律援助人员。",
		"units":  "受理审查科", "jurisdiction": "临沂市市级法律援助事项", "area": "临沂市",
		"basis": "《中华人民共和国法律援助法》", "address": "临沂市兰山区北京路 39 号 一楼", "phone": "0539-12348"},
}

var demoUnits = []struct{ unit, cat string }{
	{"律师工作科", "lawyer"}, {"公共法律服务管理科", "notary"}, {"公共法律服务管理科", "forensic"},
	{"公共法律服务管理科", "grassroots"}, {"行政执法协调监督科", "comprehensive"}, {"临沂市法律援助中心", "aid"},
}

var demoSurnames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗")
var demoGiven = []string{"建国", "海燕", "明", "晓东", "丽", "志强", "静", "伟", "秀英", "磊", "洁", "刚", "玉兰", "军", "芳", "鹏", "红梅", "涛", "霞", "超"}

func demoName(r *rand.Rand) string {
	return string(demoSurnames[r.IntN(len(demoSurnames))]) + demoGiven[r.IntN(len(demoGiven))]
}

func demoStaff(r *rand.Rand) []map[string]string {
	var out []map[string]string
	for i := 1; i <= 32; i++ {
		u := demoUnits[i%len(demoUnits)]
		valid := fmt.Sprintf("%d-12-31", 2026+i%4)
		if i == 7 {
			valid = "2025-12-31" // expired: the lookup says so
		}
		out = append(out, map[string]string{"cert_no": fmt.Sprintf("37131001%03d", i), "name": demoName(r), "unit": u.unit, "category": u.cat,
			"area": "临沂市", "issuer": "山东省人民政府", "valid_until": valid})
	}
	return out
}

const demoRemedy = "当事人享有陈述、申辩的权利；依法享有要求听证的权利。对行政行为不服的，可以自收到决定书之日起六十日内向临沂市人民政府申请行政复议，或者自收到决定书之日起六个月内向有管辖权的人民法院提起行政诉讼。"
const demoSupervision = "监督电话：0539-8312300；地址：临沂市兰山区北京路 39 号，邮编 276000；电子邮箱：lysfjjd@example.gov.cn。收到举报后 5 个工作日内登记办理并答复。"

var demoMatters = []map[string]string{
	{"code": "XK-LS-001", "name": "律师执业许可", "category": "license", "unit": "律师工作科", "duties": "审查律师执业申请，报省司法厅作出许可决定。",
		"basis": "《中华人民共和国律师法》第五条、第六条；《律师执业管理办法》", "time_limit": "20 个工作日",
		"steps": "申请人提交申请材料\n窗口受理（材料不全一次性告知）\n律师工作科审查\n报省司法厅作出决定\n送达执业证书或不予许可决定书"},
	{"code": "XK-LSS-001", "name": "律师事务所设立许可", "category": "license", "unit": "律师工作科", "duties": "审查律师事务所设立申请，报省司法厅许可。",
		"basis": "《中华人民共和国律师法》第十八条；《律师事务所管理办法》", "time_limit": "20 个工作日",
		"steps": "申请人提交申请材料\n窗口受理\n审查（必要时实地核查）\n报省司法厅作出决定\n送达执业许可证"},
	{"code": "DJ-JD-001", "name": "司法鉴定机构登记", "category": "license", "unit": "公共法律服务管理科", "duties": "审核司法鉴定机构登记申请。",
		"basis": "《全国人民代表大会常务委员会关于司法鉴定管理问题的决定》；《司法鉴定机构登记管理办法》", "time_limit": "20 个工作日",
		"steps": "申请人提交申请材料\n受理\n材料审查和专家评审\n作出决定\n颁发司法鉴定许可证"},
	{"code": "CF-LS-047", "name": "对律师违反执业规定行为的行政处罚", "category": "penalty", "unit": "律师工作科", "duties": "对律师违法执业行为立案调查并依法处罚。",
		"basis": "《中华人民共和国律师法》第四十七条；《律师和律师事务所违法行为处罚办法》", "time_limit": "立案之日起九十日内作出决定",
		"steps": "立案\n调查取证（执法人员不少于两人，出示执法证件）\n法制审核\n告知拟处罚决定及陈述申辩、听证权利\n作出处罚决定\n送达并公开\n执行"},
	{"code": "CF-JD-013", "name": "对司法鉴定机构和司法鉴定人违法行为的行政处罚", "category": "penalty", "unit": "公共法律服务管理科", "duties": "对司法鉴定违法行为立案调查并依法处罚。",
		"basis": "《全国人民代表大会常务委员会关于司法鉴定管理问题的决定》第十三条", "time_limit": "立案之日起九十日内作出决定",
		"steps": "立案\n调查取证\n法制审核\n告知陈述申辩、听证权利\n作出处罚决定\n送达并公开"},
	{"code": "JC-LS-001", "name": "对律师事务所执业活动的监督检查", "category": "inspection", "unit": "律师工作科", "duties": "按“双随机、一公开”要求检查律师事务所执业和内部管理。",
		"basis": "《中华人民共和国律师法》第四条；《律师事务所管理办法》", "time_limit": "按年度抽查计划",
		"steps": "随机抽取检查对象和执法人员\n制定检查方案\n现场检查并制作检查记录\n作出检查结论\n20 个工作日内公开检查结果"},
	{"code": "JC-GZ-001", "name": "对公证机构执业活动的监督检查", "category": "inspection", "unit": "公共法律服务管理科", "duties": "检查公证机构执业、收费和档案管理。",
		"basis": "《中华人民共和国公证法》第五条", "time_limit": "按年度抽查计划",
		"steps": "随机抽取检查对象和执法人员\n现场检查\n作出检查结论\n公开检查结果"},
	{"code": "GF-FY-001", "name": "法律援助", "category": "benefit", "unit": "临沂市法律援助中心", "duties": "对符合条件的申请人给予法律援助。",
		"basis": "《中华人民共和国法律援助法》第四十一条、第四十三条", "time_limit": "7 个工作日",
		"steps": "申请人提出申请\n受理并审查经济困难状况\n作出给予或者不予法律援助的决定\n指派法律援助人员"},
}

// demoDecisions are a year (2025) of decisions, published by the working
// days 118号 allows (two late, for the self-inspection's history), and
// some of 2026 up to today; two of the last are still in a draft.
func demoDecisions(r *rand.Rand, cal *calendar.Calendar, today calendar.Date) (published, drafts []map[string]string) {
	start := calendar.Day("2025-01-02")
	n := 0
	add := func(d calendar.Date, v map[string]string, late bool) {
		n++
		v["decided_on"] = d.String()
		v["body"] = demoBody
		if v["category"] == "benefit" {
			v["body"] = "临沂市法律援助中心"
		}
		due := PublishDue(cal, v["category"], d)
		pub := cal.AddWorkdays(d, 1+r.IntN(4))
		if late {
			pub = cal.AddWorkdays(due, 2)
		}
		if pub.After(due) && !late {
			pub = due
		}
		// RECORDS §2.6: Yuhua's example keeps 5 years, 2 for natural persons [R26].
		years := 5
		if v["party_type"] == "person" {
			years = 2
		}
		v["publicity_until"] = fmt.Sprintf("%04d-%s", d.Year+years, d.String()[5:])
		if pub.Before(today) {
			v["first_published_on"] = pub.String()
			published = append(published, v)
		} else {
			drafts = append(drafts, v)
		}
	}
	for d, i := start, 0; d.Year <= today.Year && d.Before(today.AddDays(-1)); d, i = cal.AddWorkdays(d, 2+r.IntN(2)), i+1 {
		seq := fmt.Sprintf("%d%03d", d.Year, i+1)
		id := fmt.Sprintf("371302%04d%02d%02d%03d%d", 1970+r.IntN(30), 1+r.IntN(12), 1+r.IntN(28), r.IntN(1000), r.IntN(10))
		switch i % 8 {
		case 0, 1, 2:
			outcome := "granted"
			if i%23 == 0 {
				outcome = "refused"
			}
			add(d, map[string]string{"decision_no": "鲁司律许〔" + seq + "〕号", "decision_title": "律师执业许可决定书", "category": "license",
				"party_type": "person", "person_name": demoName(r), "person_id": id, "basis": "《中华人民共和国律师法》第五条、第六条",
				"outcome": outcome, "conclusion": map[string]string{"granted": "准予律师执业，颁发律师执业证书。", "refused": "申请人不符合律师执业条件，不予许可。"}[outcome]}, i == 9)
		case 3:
			add(d, map[string]string{"decision_no": "临司鉴许〔" + seq + "〕号", "decision_title": "司法鉴定机构变更登记决定书", "category": "license",
				"party_type": "legal", "party_name": fmt.Sprintf("临沂市第%d司法鉴定所", 1+i%9), "party_uscc": fmt.Sprintf("52371300MJ%07dX", 1000000+i),
				"basis": "《司法鉴定机构登记管理办法》", "outcome": "granted", "conclusion": "准予变更登记。"}, false)
		case 4, 5:
			add(d, map[string]string{"decision_no": "临司检〔" + seq + "〕号", "decision_title": "行政检查结果", "category": "inspection",
				"party_type": "legal", "party_name": fmt.Sprintf("山东沂蒙第%d律师事务所", 1+i%17), "party_uscc": fmt.Sprintf("31370000MD%07dY", 2000000+i),
				"basis": "《律师事务所管理办法》", "outcome": []string{"compliant", "rectify"}[i%2], "conclusion": []string{"未发现违法违规问题。", "档案管理不规范，责令30日内整改。"}[i%2]}, false)
		case 6:
			add(d, map[string]string{"decision_no": "临援决〔" + seq + "〕号", "decision_title": "给予法律援助决定书", "category": "benefit",
				"party_type": "person", "person_name": demoName(r), "person_id": id, "basis": "《中华人民共和国法律援助法》第四十一条",
				"outcome": "done", "conclusion": "符合法律援助条件，给予法律援助，指派律师承办。"}, false)
		case 7:
			kind, amount := []string{"warning", "fine", "confiscation", "suspension"}[i/8%4], ""
			if kind == "fine" || kind == "confiscation" {
				amount = fmt.Sprintf("%d000", 2+i%9)
			}
			v := map[string]string{"decision_no": "临司罚决〔" + seq + "〕号", "decision_title": "行政处罚决定书", "category": "penalty",
				"party_type": "person", "person_name": demoName(r), "person_id": id, "facts": "当事人在执业期间私自接受委托、收取费用。",
				"basis": "《中华人民共和国律师法》第四十八条", "outcome": "penalised", "penalty_kind": kind, "amount": amount,
				"conclusion": "依据《中华人民共和国律师法》第四十八条，给予" + map[string]string{"warning": "警告", "fine": "罚款", "confiscation": "没收违法所得并处罚款", "suspension": "停止执业三个月"}[kind] + "的行政处罚。"}
			if i == 39 {
				// Revoked on reconsideration: withdrawn within 3 days with the reason (行政处罚法第四十八条).
				v["changed_on"] = cal.AddWorkdays(d, 30).String()
				v["withdrawal_reason"] = "该决定经行政复议被撤销，依法撤回公开。"
			}
			add(d, v, i == 15)
		}
	}
	return published, drafts
}

func demoGuide(code, name, itemType, steps, materials, conditions, legal, promised, result string) map[string]string {
	return map[string]string{"task_code": "11371300004325183K" + code, "catalog_code": code, "name": name, "item_type": itemType,
		"setting_basis": demoGuideBasis[code], "exercise_level": "city", "power_source": "statutory", "body": demoBody, "body_nature": "statutory",
		"accepting_body": "临沂市政务服务中心司法局窗口", "approving_body": demoBody, "served_parties": "自然人、法人", "case_type": "promised",
		"conditions": conditions, "materials": materials, "review_standard": "材料齐全、符合法定形式，申请人符合法定条件。",
		"legal_limit": legal, "promised_limit": promised, "special_steps": "无", "steps": steps, "channels": "窗口办理、网上办理、邮寄申请",
		"onsite_visits": "0", "online": "1", "online_url": "https://www.shandong.gov.cn/", "place": "临沂市政务服务中心三楼司法局窗口（临沂市北城新区）",
		"hours": "工作日 9:00—12:00，13:30—17:00（法定节假日除外）", "consult": "0539-8312345", "complaint": "0539-8312300；12345 政务服务便民热线",
		"charges_fee": "0", "result_type": "certificate", "result_name": result, "commitment": "0", "tolerance": "不实行",
		"faq": "问：可以网上申请吗？\n答：可以，通过“爱山东”政务服务平台提交。"}
}

var demoGuideBasis = map[string]string{
	"SD-001": "《中华人民共和国律师法》第五条、第六条", "SD-002": "《中华人民共和国律师法》第十八条", "SD-003": "《律师事务所管理办法》第二十条",
	"SD-004": "《中华人民共和国公证法》第十八条", "SD-005": "《司法鉴定机构登记管理办法》", "SD-006": "《司法鉴定人登记管理办法》",
	"SD-007": "《基层法律服务工作者管理办法》", "SD-008": "《中华人民共和国法律援助法》第四十一条", "SD-009": "《中华人民共和国人民调解法》第十四条",
	"SD-010": "《国家统一法律职业资格考试实施办法》",
}

func demoGuides() []map[string]string {
	std := "网上或窗口提交申请\n窗口受理（材料不全的一次性告知需补正的全部内容）\n业务科室审查\n作出决定\n送达结果"
	return []map[string]string{
		demoGuide("SD-001", "律师执业核准（初审）", "license", "网上或窗口提交申请\n窗口受理\n律师工作科审查\n报省司法厅核准\n领取律师执业证书",
			"1. 律师执业申请书（原件 1 份）\n2. 法律职业资格证书（复印件 1 份）\n3. 律师协会出具的实习考核合格材料（原件 1 份）\n4. 申请人身份证明（复印件 1 份）", "具有法律职业资格；实习期满并考核合格；品行良好。", "20 个工作日", "10 个工作日", "律师执业证书"),
		demoGuide("SD-002", "律师事务所设立许可（初审）", "license", std, "1. 设立申请书\n2. 律师事务所章程\n3. 发起人律师执业证书\n4. 住所证明\n5. 资产证明", "有自己的名称、住所和章程；有符合规定的律师；有符合规定数额的资产。", "20 个工作日", "10 个工作日", "律师事务所执业许可证"),
		demoGuide("SD-003", "律师事务所变更登记", "license", std, "1. 变更申请书\n2. 合伙人会议决议\n3. 相关证明材料", "变更事项符合规定。", "20 个工作日", "5 个工作日", "律师事务所执业许可证（变更）"),
		demoGuide("SD-004", "公证员执业审核（初审）", "license", std, "1. 公证员任职申请表\n2. 法律职业资格证书\n3. 公证机构推荐书\n4. 实习鉴定", "符合《公证法》第十八条规定的条件。", "20 个工作日", "15 个工作日", "公证员执业证书"),
		demoGuide("SD-005", "司法鉴定机构登记", "license", "网上或窗口提交申请\n窗口受理\n材料审查\n专家评审\n作出登记决定\n颁发司法鉴定许可证",
			"1. 申请登记表\n2. 资金证明\n3. 场所证明\n4. 仪器设备清单\n5. 司法鉴定人名单", "有明确的业务范围；有在业务范围内进行司法鉴定所必需的仪器、设备；有不少于三名司法鉴定人。", "20 个工作日", "15 个工作日", "司法鉴定许可证"),
		demoGuide("SD-006", "司法鉴定人执业登记", "license", std, "1. 申请登记表\n2. 身份证明\n3. 学历或职称证明\n4. 拟执业机构意见", "具有相关专业高级职称或相应学历和工作经历。", "20 个工作日", "15 个工作日", "司法鉴定人执业证"),
		demoGuide("SD-007", "基层法律服务工作者执业核准", "license", std, "1. 执业申请表\n2. 学历证明\n3. 基层法律服务所同意接收证明", "符合《基层法律服务工作者管理办法》规定的条件。", "20 个工作日", "10 个工作日", "基层法律服务工作者执业证"),
		demoGuide("SD-008", "法律援助申请", "benefit", "申请人提出申请\n受理\n审查经济困难状况（可个人诚信承诺）\n作出给予或者不予法律援助的决定\n指派律师承办",
			"1. 法律援助申请表\n2. 身份证明\n3. 经济困难状况说明（可承诺）\n4. 与所申请事项相关的材料", "公民因经济困难没有委托代理人的，可以申请法律援助。", "7 个工作日", "3 个工作日", "给予法律援助决定书"),
		demoGuide("SD-009", "人民调解员聘任备案", "filing", "调解委员会提交备案材料\n受理\n审查\n备案", "1. 备案表\n2. 聘任文件", "人民调解员符合《人民调解法》第十四条规定的条件。", "无法定时限", "5 个工作日", "备案回执"),
		demoGuide("SD-010", "法律职业资格证书申领（初审）", "confirmation", std, "1. 申请表\n2. 考试成绩合格证明\n3. 学历证明\n4. 身份证明", "通过国家统一法律职业资格考试。", "20 个工作日", "10 个工作日", "法律职业资格证书"),
	}
}

func demoCatalog(guides []map[string]string) []map[string]string {
	var out []map[string]string
	for _, g := range guides {
		out = append(out, map[string]string{"task_code": g["task_code"], "catalog_code": g["catalog_code"], "name": g["name"], "item_type": g["item_type"],
			"competent_dept": "山东省司法厅", "body": demoBody, "exercise_level": "city", "basis": g["setting_basis"], "online": "1",
			"guide": lists.RowURL(Guides.Code, g["task_code"])})
	}
	out = append(out, map[string]string{"task_code": "11371300004325183KSD-011", "catalog_code": "SD-011", "name": "公证机构设立审核（初审）", "item_type": "license",
		"competent_dept": "山东省司法厅", "body": demoBody, "exercise_level": "city", "basis": "《中华人民共和国公证法》第八条", "online": "0", "remark": "办事指南修订中"})
	return out
}

// LoadDemo publishes the demo's enforcement lists, decisions and guides on
// a site through the import itself, as actor (the office), on today.
func LoadDemo(ctx context.Context, s *lists.Service, siteID int64, actor *auth.User, cal *calendar.Calendar, today calendar.Date) error {
	r := rand.New(rand.NewPCG(12, 2025))
	matters := demoMatters
	for _, m := range matters {
		m["body"], m["remedy"], m["supervision"] = demoBody, demoRemedy, demoSupervision
		if m["category"] == "benefit" {
			m["body"] = "临沂市法律援助中心"
		}
	}
	published, drafts := demoDecisions(r, cal, today)
	guides := demoGuides()
	steps := []struct {
		k       *lists.Kind
		rows    []map[string]string
		on      string
		note    string
		publish bool
	}{
		{Bodies, demoBodies, "2025-01-02", "临沂市司法局行政执法主体（2025年）。", true},
		{Staff, demoStaff(r), "2025-01-02", "临沂市司法局行政执法人员清单（2025年）。", true},
		{Matters, matters, "2025-01-02", "临沂市司法局行政执法事项及流程图（2025年）。", true},
		{Decisions, published, today.String(), "行政执法决定（2025年起，逐件公开）。", true},
		{Guides, guides, "2025-03-01", "临沂市司法局政务服务事项办事指南（2025年版）。", true},
		{Catalog, demoCatalog(guides), "2025-03-01", "临沂市司法局政务服务事项目录（2025年版）。", true},
	}
	if len(drafts) > 0 {
		steps = append(steps, struct {
			k       *lists.Kind
			rows    []map[string]string
			on      string
			note    string
			publish bool
		}{Decisions, append(append([]map[string]string{}, published...), drafts...), "", "新作出的行政执法决定（待发布）。", false})
	}
	for _, st := range steps {
		var rows []lists.Row
		for _, v := range st.rows {
			rows = append(rows, lists.Row{Values: v})
		}
		var buf bytes.Buffer
		if err := st.k.WriteFile(&buf, lists.CSV, rows); err != nil {
			return err
		}
		if _, err := s.Import(ctx, siteID, st.k, actor, lists.Import{File: buf.Bytes(), FileName: st.k.Name + ".csv", Note: st.note, EffectiveOn: st.on, Publish: st.publish}); err != nil {
			return fmt.Errorf("demo %s: %w", st.k.Code, err)
		}
	}
	return nil
}
