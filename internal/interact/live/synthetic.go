package live

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gongkai/internal/calendar"
	"gongkai/internal/demo/synthetic"
	"gongkai/internal/errs"
	"gongkai/internal/store"
)

// The synthetic interviews (`gongkai seed --synthetic N`): N/500 archived
// interviews over the ten years before the build's day, each with 10–60
// questions (1 in 20 with 600–1,500: a popular one whose transcript pages),
// mostly approved and answered, some rejected with a reason, and the
// latest one still announced; open days twice a year. The askers are
// nicknames with no contact, so nothing needs sealing. Multi-row batches.

func init() { synthetic.Register("interviews", genInterviews) }

var synthTopics = []struct{ title, topic, guests string }{
	{"法律援助惠民生在线访谈", "法律援助的范围、申请条件和办理流程。", "王建国，临沂市司法局副局长\n李红梅，临沂市法律援助中心主任"},
	{"人民调解化解矛盾纠纷在线访谈", "人民调解的受理范围、调解协议的效力和申请途径。", "赵志强，临沂市司法局人民参与和促进法治科科长"},
	{"公证服务便民举措在线访谈", "公证“最多跑一次”、上门办证和线上预约。", "孙丽，临沂市公证处主任"},
	{"“八五”普法工作在线访谈", "普法责任制落实、法治文化阵地建设和以案释法。", "周明，临沂市司法局普法与依法治理科科长"},
	{"行政执法“三项制度”在线访谈", "行政执法公示、执法全过程记录和重大执法决定法制审核。", "钱伟，临沂市司法局行政执法协调监督科科长"},
}

var synthAskers = []string{"网友", "兰山区居民", "沂河边的老张", "在外务工人员", "费县网友", "罗庄区居民", "退休教师", "个体工商户", "大学生", "社区工作者"}

var synthQuestions = []string{
	"申请法律援助需要准备哪些材料？多长时间能有结果？",
	"村里能不能就近申请？跑一趟县城不方便。",
	"调解协议达成后对方不履行怎么办？",
	"公证处周末能办理业务吗？需要提前预约吗？",
	"企业遇到行政执法不规范的情况，可以向哪里反映？",
	"社区普法讲座在哪里可以查到安排？",
	"老年人办理遗嘱公证可以上门吗？",
	"农民工被拖欠工资，申请法律援助要核查经济困难吗？",
}

var synthAnswers = []string{
	"您好！一般需要身份证明、经济困难状况说明和与所申请事项有关的材料，法律援助机构会在法定期限内作出决定，材料不齐的会一次性告知。",
	"可以。我市已在乡镇（街道）设立公共法律服务工作站，可就近提出申请，由工作站代为转交。",
	"经人民调解委员会调解达成的调解协议具有法律约束力；一方不履行的，另一方可以向人民法院申请司法确认后申请强制执行。",
	"市公证处周六上午提供预约服务，可通过“山东公证”小程序预约，也可拨打 12348 咨询。",
	"可以向市司法局行政执法协调监督科反映，也可拨打 12345 政务服务便民热线。",
	"各县区普法讲座安排在本网站“普法宣传”栏目发布，也可关注“临沂司法”微信公众号。",
	"行动不便的老年人可以申请上门办理，请提前电话预约。",
	"农民工请求支付劳动报酬的，免予核查经济困难状况。",
}

const synthQBatch = 150 // questions per INSERT (14 parameters each)

func genInterviews(ctx context.Context, s *synthetic.Site) error {
	if s.N <= 0 {
		return nil
	}
	db := s.Catalog.DB
	siteID := s.Site.ID
	rnd := s.Rand("interviews")
	today := s.Today
	if today.IsZero() {
		today = calendar.Today()
	}
	first := calendar.Date{Year: today.Year - 10, Month: 1, Day: 1}
	span := today.Sub(first)
	total := max(s.N/500, 2)
	days := make([]int, total)
	for i := range days {
		days[i] = rnd.IntN(span)
	}
	slices.Sort(days)
	var deptIDs []int64
	for _, id := range s.Departments {
		deptIDs = append(deptIDs, id)
	}
	slices.Sort(deptIDs)
	now := store.Now()
	for i, d := range days {
		day := first.AddDays(d)
		t := synthTopics[rnd.IntN(len(synthTopics))]
		status := Archived
		if i == total-1 {
			// The latest is announced, a week ahead.
			day, status = today.AddDays(7), Announced
		}
		nq := 10 + rnd.IntN(51)
		if rnd.IntN(20) == 0 {
			nq = 600 + rnd.IntN(901)
		}
		if status == Announced {
			nq = 3
		}
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			var id int64
			archived := ""
			if status == Archived {
				archived = day.String() + "T12:00:00Z"
			}
			err := tx.QueryRowContext(ctx, `INSERT INTO live_interviews (site_id, department_id, title, topic, guests, starts_at, ends_at, status, summary, seq, created_by, created_at, updated_at, archived_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
				siteID, deptIDs[rnd.IntN(len(deptIDs))], fmt.Sprintf("%d年%s", day.Year, t.title), t.topic, t.guests, day.String()+"T09:30", day.String()+"T11:00", status,
				fmt.Sprintf("%s，嘉宾做客在线访谈，围绕“%s”回答网友提问。本次访谈共收到网友提问 %d 个。", day.String(), strings.TrimSuffix(t.topic, "。"), nq),
				nq, "office", now, now, archived).Scan(&id)
			if err != nil {
				return errs.Wrap(err, "synthetic interview")
			}
			guest, _, _ := strings.Cut(t.guests, "，")
			var b strings.Builder
			args := make([]any, 0, synthQBatch*14)
			n := 0
			flush := func() error {
				if n == 0 {
					return nil
				}
				_, err := tx.ExecContext(ctx, `INSERT INTO live_questions (interview_id, asker, contact_sealed, contact_masked, body, status, reason, answer, answered_by, moderated_by, created_at, moderated_at, answered_at, seq) VALUES `+b.String(), args...)
				b.Reset()
				args, n = args[:0], 0
				return errs.Wrap(err, "synthetic interview questions")
			}
			for q := 1; q <= nq; q++ {
				k := rnd.IntN(len(synthQuestions))
				st, reason, answer, by, mod, answeredAt := Answered, "", synthAnswers[k], guest, "office", day.String()+"T10:30:00Z"
				switch {
				case status == Announced:
					st, answer, by, mod, answeredAt = Pending, "", "", "", ""
				case rnd.IntN(10) == 0:
					st, reason, answer, by, answeredAt = Rejected, "与访谈主题无关", "", "", ""
				}
				if n > 0 {
					b.WriteString(",")
				}
				b.WriteString("(")
				for c := range 14 {
					if c > 0 {
						b.WriteString(",")
					}
					b.WriteString("$" + strconv.Itoa(len(args)+c+1))
				}
				b.WriteString(")")
				args = append(args, id, synthAskers[rnd.IntN(len(synthAskers))], "", "", synthQuestions[k], st, reason, answer, by, mod,
					day.String()+"T09:40:00Z", day.String()+"T09:45:00Z", answeredAt, q)
				n++
				if n == synthQBatch {
					if err := flush(); err != nil {
						return err
					}
				}
			}
			return flush()
		})
		if err != nil {
			return err
		}
		if s.Progress != nil {
			s.Progress("interviews", i+1, total)
		}
	}
	// Open days: twice a year, held with a report; one ahead.
	for y := first.Year; y <= today.Year; y++ {
		for _, m := range []int{5, 10} {
			day := calendar.Date{Year: y, Month: 1, Day: 1}.AddDays((m-1)*30 + 15)
			st, report := EventReported, fmt.Sprintf("%d年%d月，市司法局举办政府开放日活动，%d 名市民代表参加。", y, m, 20+rnd.IntN(20))
			if day.After(today) {
				st, report = EventAnnounced, ""
			}
			_, err := db.W.ExecContext(ctx, `INSERT INTO live_events (site_id, department_id, kind, title, summary, place, starts_at, ends_at, signup_until, capacity, status, report, created_by, created_at, updated_at)
				VALUES ($1, $2, 'open_day', $3, $4, $5, $6, $7, $8, 40, $9, $10, 'office', $11, $11)`,
				siteID, deptIDs[0], fmt.Sprintf("%d年“走进司法行政”政府开放日（%d月）", y, m), "邀请市民代表走进市公共法律服务中心。", "临沂市公共法律服务中心",
				day.String()+"T09:00", day.String()+"T11:30", day.AddDays(-2).String(), st, report, now)
			if err != nil {
				return errs.Wrap(err, "synthetic open day")
			}
		}
	}
	return nil
}
