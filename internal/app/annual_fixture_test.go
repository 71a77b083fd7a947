package app

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"gongkai/internal/annual"
	"gongkai/internal/lists/enforce"
	"gongkai/internal/request"
)

// annualFixture is what buildAnnualFixture made, as the report must count
// it: every cell of tables 三 and 四, the additions to table 二 and the fees.
type annualFixture struct {
	t3, t4, t2 map[string]map[string]int // row key → column key → count
	feeYuan    int64
	granted    int   // 准予许可 among the licence decisions
	withheld3  int64 // a request answered 不予公开 3 (三安全一稳定) to a natural person
}

// orgTypes are the request API's org_type for the report's organisation columns.
var orgTypes = map[string]string{"commercial_enterprise": "commercial", "research_institution": "research",
	"public_interest_org": "public_welfare", "legal_service_org": "legal_service", "other_org": "other"}

// buildAnnualFixture builds a year of records through the API, each with a
// count of its own so that a swapped row or column shows: every decision
// row (REFERENCE §2.3, the (六) 1 and 2 rows through their ledger events,
// correction and fee periods missed) for every applicant column, carry-overs
// from the year before and into the next, requests of other years that must
// not count, reconsiderations and lawsuits with every result (one decided
// only the next year: 尚未审结), enforcement decisions imported as a list,
// policy documents and paid fees.
func buildAnnualFixture(t *testing.T, e *env, c *apiClient, year int) *annualFixture {
	t.Helper()
	fx := &annualFixture{t3: map[string]map[string]int{}, t4: map[string]map[string]int{}, t2: map[string]map[string]int{}}
	add := func(m map[string]map[string]int, row, col string, n int) {
		if m[row] == nil {
			m[row] = map[string]int{}
		}
		m[row][col] += n
	}
	cols := annual.RequestColumns[:6]
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	// weekday moves d forward off weekends and the year's long holidays
	// (the received dates are working days).
	weekday := func(d time.Time) time.Time {
		for {
			md := d.Format("01-02")
			hol := (md >= "02-10" && md <= "02-20") || (md >= "04-03" && md <= "04-05") || (md >= "05-01" && md <= "05-05") ||
				(md >= "06-12" && md <= "06-14") || (md >= "09-19" && md <= "09-21") || (md >= "10-01" && md <= "10-07")
			if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday && !hol {
				return d
			}
			d = d.AddDate(0, 0, 1)
		}
	}
	ds := func(d time.Time) string { return d.Format("2006-01-02") }
	apply := func(col, received string) int64 {
		t.Helper()
		if col == "natural_person" {
			return c.request(t, "office", staffApp("in_person", received), 201).ID
		}
		body := fmt.Sprintf(`{"applicant":{"kind":"organization","name":"临沂某某%s","org_type":%q,"credit_code":"91371300MA3C0123XY","legal_representative":"王某","contact_person":"李某","id_type":"id_card","id_number":"371302199001011234","phone":"13800000000","email":"a@example.cn","address":"临沂市兰山区"},"description":"%d年度律师事务所年度检查结果","form":"electronic","delivery":"email","channel":"in_person","received_on":%q,"department":"法制科"}`,
			orgTypes[col], orgTypes[col], year, received)
		return c.request(t, "office", body, 201).ID
	}
	ev := func(id int64, body string) { t.Helper(); c.event(t, "office", id, body, 201) }
	// decide closes request id, received on rec, as decision row code
	// (disclosed, withheld.3, other.1 …), and returns the closing day.
	decide := func(id int64, rec time.Time, code string) time.Time {
		t.Helper()
		switch code {
		case "other.1": // 逾期不补正 (条例第三十条)
			asked := weekday(rec.AddDate(0, 0, 1))
			ev(id, fmt.Sprintf(`{"type":"correction_requested","on":%q,"until":%q,"note":"请补正所需信息的名称和文号"}`, ds(asked), ds(asked.AddDate(0, 0, 10))))
			end := asked.AddDate(0, 0, 14)
			ev(id, fmt.Sprintf(`{"type":"correction_lapsed","on":%q}`, ds(end)))
			return end
		case "other.2": // 逾期未缴费 (条例第四十二条)
			notified := weekday(rec.AddDate(0, 0, 1))
			ev(id, fmt.Sprintf(`{"type":"fee_notified","on":%q,"fee_method":"per_page","units":31,"amount":%d}`, ds(notified), request.FeeForPages(31)))
			end := notified.AddDate(0, 0, 45)
			ev(id, fmt.Sprintf(`{"type":"fee_lapsed","on":%q}`, ds(end)))
			return end
		}
		kind, reason, _ := strings.Cut(code, ".")
		r := ""
		if reason != "" {
			r = `,"reason":` + reason
		}
		on := weekday(rec.AddDate(0, 0, 3))
		ev(id, fmt.Sprintf(`{"type":"replied","on":%q,"decision":%q%s,"reply":{"investigation":"经查","answer":"答复","policy":"无","law":"条例"}}`, ds(on), kind, r))
		return on
	}
	type closed struct {
		id int64
		on time.Time
	}
	var early []closed // closed by September: the remedies' requests

	// Every decision row for every column: 1 + (column + row) % 3 requests,
	// received from March to October.
	rec := day(fmt.Sprintf("%d-03-01", year))
	k := 0
	for ci, col := range cols {
		for ri, d := range request.Decisions {
			for n := 0; n < 1+(ci+ri)%3; n++ {
				r := weekday(rec.AddDate(0, 0, k/2))
				k++
				id := apply(col.Key, ds(r))
				on := decide(id, r, d.Code())
				add(fx.t3, "new", col.Key, 1)
				add(fx.t3, d.Code(), col.Key, 1)
				add(fx.t3, "total", col.Key, 1)
				if d.Code() == "withheld.3" && col.Key == "natural_person" && fx.withheld3 == 0 {
					fx.withheld3 = id
				}
				if on.Before(day(fmt.Sprintf("%d-09-15", year))) && !d.ByEvent {
					early = append(early, closed{id, on})
				}
			}
		}
	}
	if k < 200 || day(fmt.Sprintf("%d-03-01", year)).AddDate(0, 0, k/2).After(day(fmt.Sprintf("%d-10-20", year))) {
		t.Fatalf("%d requests received up to %s", k, ds(rec.AddDate(0, 0, k/2)))
	}
	// Carried in: received in the last days of the year before, answered
	// in January (column i: i + 1 of them, each a different row); one more
	// still open at the year's end (carried in and out).
	for ci, col := range cols {
		for n := 0; n <= ci; n++ {
			r := weekday(day(fmt.Sprintf("%d-12-21", year-1)).AddDate(0, 0, n))
			id := apply(col.Key, ds(r))
			d := request.Decisions[(ci+n)%len(request.Decisions)]
			if d.ByEvent {
				d = request.Decisions[0]
			}
			code := d.Code()
			// Answered in January (the reply three days after the 4th).
			decide(id, day(fmt.Sprintf("%d-01-04", year)), code)
			add(fx.t3, "carried_in", col.Key, 1)
			add(fx.t3, code, col.Key, 1)
			add(fx.t3, "total", col.Key, 1)
		}
	}
	apply("natural_person", fmt.Sprintf("%d-12-28", year-1))
	add(fx.t3, "carried_in", "natural_person", 1)
	add(fx.t3, "carried_out", "natural_person", 1)
	// Carried out: received in the year's last days, open at its end
	// (column i: 1 + i % 2).
	for ci, col := range cols {
		for n := 0; n <= ci%2; n++ {
			apply(col.Key, ds(weekday(day(fmt.Sprintf("%d-12-27", year)).AddDate(0, 0, n))))
			add(fx.t3, "new", col.Key, 1)
			add(fx.t3, "carried_out", col.Key, 1)
		}
	}
	// Other years: closed before the year, received after it.
	old := apply("natural_person", fmt.Sprintf("%d-11-02", year-1))
	oldOn := decide(old, day(fmt.Sprintf("%d-11-02", year-1)), "disclosed")
	apply("commercial_enterprise", fmt.Sprintf("%d-01-05", year+1))
	// Fees paid in the year (part 六, table 二's 行政事业性收费), each
	// request then answered 予以公开.
	for i, x := range []struct {
		col   string
		pages int
	}{{"natural_person", 31}, {"commercial_enterprise", 150}} {
		r := weekday(day(fmt.Sprintf("%d-04-0%d", year, 6+i)))
		id := apply(x.col, ds(r))
		amount := request.FeeForPages(x.pages)
		ev(id, fmt.Sprintf(`{"type":"fee_notified","on":%q,"fee_method":"per_page","units":%d,"amount":%d}`, ds(weekday(r.AddDate(0, 0, 1))), x.pages, amount))
		ev(id, fmt.Sprintf(`{"type":"fee_paid","on":%q}`, ds(weekday(r.AddDate(0, 0, 5)))))
		decide(id, weekday(r.AddDate(0, 0, 6)), "disclosed")
		fx.feeYuan += int64(amount)
		for _, row := range []string{"new", "disclosed", "total"} {
			add(fx.t3, row, x.col, 1)
		}
	}
	// The 总计 column: the sum of the six.
	for row, m := range fx.t3 {
		sum := 0
		for _, col := range cols {
			sum += m[col.Key]
		}
		fx.t3[row]["total"] = sum
	}

	// Table 四: per group, a count per result of its own; the reconsideration
	// decided only next year is 尚未审结; a case filed the year before does
	// not count.
	plan := []struct {
		group, result string
		n             int
	}{
		{"reconsideration", "upheld", 2}, {"reconsideration", "corrected", 1}, {"reconsideration", "other", 1}, {"reconsideration", "pending", 1},
		{"lawsuit_direct", "upheld", 1}, {"lawsuit_direct", "corrected", 2}, {"lawsuit_direct", "other", 1}, {"lawsuit_direct", "pending", 2},
		{"lawsuit_after", "upheld", 1}, {"lawsuit_after", "corrected", 1}, {"lawsuit_after", "other", 3}, {"lawsuit_after", "pending", 1},
	}
	next := 0
	for _, p := range plan {
		for n := 0; n < p.n; n++ {
			if next >= len(early) {
				t.Fatalf("only %d requests closed early enough for the remedies", len(early))
			}
			q := early[next]
			next++
			filed := ds(weekday(q.on.AddDate(0, 0, 10)))
			decided := ds(weekday(q.on.AddDate(0, 0, 40)))
			if p.group == "reconsideration" {
				ev(q.id, fmt.Sprintf(`{"type":"reconsideration_filed","on":%q}`, filed))
			} else {
				ev(q.id, fmt.Sprintf(`{"type":"lawsuit_filed","on":%q,"after_reconsideration":%v}`, filed, p.group == "lawsuit_after"))
			}
			typ := map[bool]string{true: "reconsideration_decided", false: "lawsuit_decided"}[p.group == "reconsideration"]
			switch {
			case p.result != "pending":
				ev(q.id, fmt.Sprintf(`{"type":%q,"on":%q,"result":%q}`, typ, decided, p.result))
			case n == 0:
				// Decided in the next year: still pending at this year's end.
				ev(q.id, fmt.Sprintf(`{"type":%q,"on":"%d-02-01","result":"upheld"}`, typ, year+1))
			}
			add(fx.t4, "cases", p.group+"."+p.result, 1)
			add(fx.t4, "cases", p.group+".total", 1)
		}
	}
	ev(old, fmt.Sprintf(`{"type":"reconsideration_filed","on":%q}`, ds(weekday(oldOn.AddDate(0, 0, 10)))))
	ev(old, fmt.Sprintf(`{"type":"reconsideration_decided","on":"%d-01-20","result":"corrected"}`, year))

	// Enforcement decisions, imported as the list (table 二 第二十条第（五）（六）项).
	dec := func(no, category, outcome, penalty, amount, on string) []string {
		return []string{no, "临沂市司法局" + category + "决定书", category, "临沂市司法局", "法人", "临沂某某律师事务所", "91371300MA3C0123XY", "", "",
			"经查", "《中华人民共和国律师法》", outcome, penalty, amount, "依法作出决定", on, "", "", "", ""}
	}
	rows := [][]string{
		dec(fmt.Sprintf("临司许〔%d〕1号", year), "行政许可", "准予许可", "", "", fmt.Sprintf("%d-03-10", year)),
		dec(fmt.Sprintf("临司许〔%d〕2号", year), "行政许可", "准予许可", "", "", fmt.Sprintf("%d-05-10", year)),
		dec(fmt.Sprintf("临司许〔%d〕3号", year), "行政许可", "不予许可", "", "", fmt.Sprintf("%d-06-10", year)),
		dec(fmt.Sprintf("临司罚〔%d〕1号", year), "行政处罚", "给予行政处罚", "罚款", "5000.00", fmt.Sprintf("%d-04-01", year)),
		dec(fmt.Sprintf("临司罚〔%d〕2号", year), "行政处罚", "不予行政处罚", "", "", fmt.Sprintf("%d-07-01", year)),
		dec(fmt.Sprintf("临司罚〔%d〕3号", year), "行政处罚", "给予行政处罚", "警告", "", fmt.Sprintf("%d-08-02", year)),
		dec(fmt.Sprintf("临司强〔%d〕1号", year), "行政强制", "已作出决定", "", "", fmt.Sprintf("%d-08-01", year)),
		dec(fmt.Sprintf("临司检〔%d〕1号", year), "行政检查", "检查未发现问题", "", "", fmt.Sprintf("%d-09-01", year)),
		dec(fmt.Sprintf("临司罚〔%d〕9号", year-1), "行政处罚", "给予行政处罚", "警告", "", fmt.Sprintf("%d-06-01", year-1)),
	}
	var csv strings.Builder
	csv.WriteString(strings.Join(enforce.Decisions.Headers(), ",") + "\n")
	for i, r := range rows {
		csv.WriteString(fmt.Sprint(i+1) + "," + strings.Join(r, ",") + "\n")
	}
	if r := c.upload(t, enforce.Decisions.Code, "office", "decisions.csv", []byte(csv.String()), map[string]string{"note": "年度报告测试", "publish": "true"}); r.status != 201 {
		t.Fatalf("decisions import: %d %s", r.status, clipBody(r.body))
	}
	add(fx.t2, "licence", "decisions", 3)
	add(fx.t2, "penalty", "decisions", 3)
	add(fx.t2, "coercion", "decisions", 1)
	fx.granted = 2

	// Policy documents (table 二, 第二十条第（一）项): a 行政规范性文件 issued
	// and in force, a 规章 (genre 命令（令）) issued and in force, and an older
	// one of each that lapsed (有效期至) within the year.
	zcwj := e.mustTree(t).BySlug["zcwj"].ID
	policy := func(title, docNo, written, validity, genre string, fields map[string]string) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"column_id": zcwj, "doc_type": "policy", "department": "法制科", "title": title, "doc_no": docNo,
			"written_on": written, "validity": validity, "genre": genre, "fields": fields, "body": "<p>正文</p>", "disclosure": "proactive", "publish": true})
		if r := c.do(t, "POST", "/api/v1/items", "office", nil, string(body)); r.status != 201 {
			t.Fatalf("policy %s: %d %s", title, r.status, r.body)
		}
	}
	y := func(md string) string { return fmt.Sprintf("%d-%s", year, md) }
	policy("临沂市司法局关于规范公证执业活动的规定", fmt.Sprintf("临司发〔%d〕31号", year), y("05-10"), "in_force", "通知", map[string]string{"normative": "1", "reg_no": fmt.Sprintf("LYDR-%d-0150031", year), "effective_on": y("06-10")})
	policy("临沂市法律援助实施办法", "临沂市人民政府令第9号", y("06-01"), "in_force", annual.GenreRule, map[string]string{"normative": "0", "effective_on": y("07-01")})
	policy("临沂市司法局关于人民调解员补贴的暂行规定", "临司发〔2019〕5号", "2019-03-01", "expired", "通知", map[string]string{"normative": "1", "reg_no": "LYDR-2019-0150005", "effective_on": "2019-04-01", "expires_on": y("09-30")})
	policy("临沂市人民调解若干规定", "临沂市人民政府令第3号", "2018-05-02", "expired", annual.GenreRule, map[string]string{"normative": "0", "effective_on": "2018-06-01", "expires_on": y("08-31")})
	for _, row := range []string{"rules", "normative"} {
		add(fx.t2, row, "issued", 1)
		add(fx.t2, row, "repealed", 1)
		add(fx.t2, row, "in_force", 1)
	}
	return fx
}
