package demo

import (
	"bytes"
	"fmt"
	"strings"

	"gongkai/internal/catalog"
	"gongkai/internal/extract/docgen"
)

// demoFile is an attachment of a demo item, generated (internal/extract/docgen)
// rather than shipped: real PDF, DOCX and XLSX files whose text, found only
// inside them, the site search finds (issue 8).
type demoFile struct {
	name string
	data func() []byte
}

// files are the demo's attachments by the title of their item.
var files = map[string][]demoFile{
	"法律援助申请办事指南":         {{"法律援助申请表.docx", legalAidForm}},
	"临沂市司法局行政执法公示办法":     {{"临沂市司法局行政执法公示办法（全文）.pdf", disclosureMeasures}},
	"2021年上半年全市司法行政业务数据": {{"2021年上半年全市司法行政业务数据.xlsx", halfYearFigures}},
}

// AttachmentWords are phrases that appear only inside the demo's attachments,
// never in an item's title or body: the search finds them through the
// extracted text.
var AttachmentWords = []string{"经济困难状况说明表", "执法人员身份信息", "社区矫正对象"}

// legalAidForm is the application form for legal aid (法律援助申请表) as a
// Word document, with the table a legal-aid centre hands out.
func legalAidForm() []byte {
	return docgen.DOCX{
		Header: "临沂市法律援助中心",
		Footer: "本表由法律援助机构免费提供（演示文件）",
		Body: []docgen.Block{
			{Text: "法律援助申请表", Heading: true},
			{Text: "编号：__________　　申请日期：____年__月__日"},
			{Table: [][]string{
				{"申请人姓名", "", "性别", ""},
				{"身份证号码", "", "民族", ""},
				{"户籍所在地", "", "联系电话", ""},
				{"经常居住地", "", "工作单位", ""},
				{"代理人姓名", "", "代理人类型", "法定代理人／委托代理人"},
				{"申请事项", "请求支付劳动报酬／请求给付赡养费、抚养费、扶养费／请求工伤事故人身损害赔偿／其他", "案件所处阶段", "诉讼／仲裁／调解"},
				{"对方当事人", "", "对方联系方式", ""},
				{"家庭经济状况", "家庭人口____人，家庭月人均收入____元。属于城乡最低生活保障对象、特困供养人员的，免予核查经济困难状况。", "", ""},
			}},
			{Text: "案情及申请理由概述："},
			{Text: "申请人承诺：本人承诺以上所填内容和提交的证件、证明材料均真实，如有虚假，愿意承担相应的法律责任，法律援助机构可以终止法律援助。"},
			{Text: "申请人（签名或按指印）：__________　　____年__月__日"},
			{Text: "提交材料：1. 身份证或者其他有效身份证明，代理申请人还应当提交有代理权的证明；2. 经济困难状况说明表；3. 与所申请法律援助事项有关的案件材料。"},
		},
	}.Bytes()
}

// disclosureMeasures is the full text of the 2021 measures on publishing
// administrative enforcement information, as a PDF.
func disclosureMeasures() []byte {
	lines := []string{
		"临沂市司法局行政执法公示办法",
		"（临司发〔2021〕8号　演示文件）",
		"",
		"第一条　为全面推行行政执法公示制度，保障公民、法人和其他组织的知情权、参与权、表达权、监督权，根据《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》，制定本办法。",
		"第二条　本局及所属单位在行政执法事前、事中、事后环节公开行政执法信息，适用本办法。",
		"第三条　事前公开的内容包括执法主体、执法人员身份信息、执法职责、执法依据、执法程序、随机抽查事项清单和救济渠道。",
		"第四条　执法人员在执法过程中应当主动出示执法证件，佩戴或者出示能够证明执法资格的标志，出具行政执法文书，主动告知当事人执法事由、执法依据和权利义务。",
		"第五条　行政执法决定信息自作出执法决定之日起7个工作日内公开，行政许可、行政处罚的执法决定信息自作出决定之日起7个工作日内公开。",
		"第六条　公开的行政执法决定被依法撤销、确认违法或者要求重新作出的，应当在3个工作日内撤下原信息并作出说明，即公示信息的撤销和更正。",
		"第七条　涉及国家秘密、商业秘密、个人隐私的执法信息，不予公开；公开时对当事人的身份证号码、住址、联系方式等个人信息作去标识化处理。",
		"第八条　法制科负责行政执法公示工作的组织协调和监督检查，每年开展一次公示情况评议。",
		"第九条　本办法自2021年6月15日起施行，有效期至2026年6月14日。《临沂市司法局行政执法公示办法（试行）》（临司发〔2019〕12号）同时废止。",
	}
	return docgen.PDF{Title: "临沂市司法局行政执法公示办法", Lines: lines, Font: docgen.CJKUCS2}.Bytes()
}

// halfYearFigures is the spreadsheet behind the half-year statistics.
func halfYearFigures() []byte {
	rows := [][]string{{"县区", "法律援助案件（件）", "人民调解案件（件）", "公证（件）", "社区矫正对象（人）"}}
	counties := []string{"兰山区", "罗庄区", "河东区", "沂南县", "郯城县", "沂水县", "兰陵县", "费县", "平邑县", "莒南县", "蒙阴县", "临沭县"}
	for i, c := range counties {
		rows = append(rows, []string{c, fmt.Sprint(420 - 23*i), fmt.Sprint(1880 - 97*i), fmt.Sprint(960 - 51*i), fmt.Sprint(310 - 14*i)})
	}
	rows = append(rows, []string{"说明", "数据来源：市司法局各业务科室（演示数据）", "", "", ""})
	return docgen.XLSX{Rows: rows}.Bytes()
}

// attachFiles stores and attaches the demo files of an item, extracting their
// text as an upload does.
func (l *loader) attachFiles(it *catalog.Item) error {
	if l.blobs == nil {
		return nil
	}
	for _, f := range files[it.Title] {
		data := f.data()
		b, err := l.blobs.Put(l.ctx, bytes.NewReader(data), f.name, int64(len(data)))
		if err != nil {
			return fmt.Errorf("demo file %s: %w", f.name, err)
		}
		a := &catalog.Attachment{BlobKey: b.Key, Name: f.name, Size: b.Size, MIME: b.MIME, SHA256: b.SHA256}
		catalog.ExtractText(l.ctx, l.blobs, a, nil)
		if a.TextStatus != catalog.TextDone || !strings.ContainsFunc(a.Text, func(r rune) bool { return r > 0x4e00 }) {
			return fmt.Errorf("demo file %s: no text extracted (%s)", f.name, a.TextStatus)
		}
		if err := l.cat.Attach(l.ctx, l.admin, l.site.ID, it.ID, a); err != nil {
			return fmt.Errorf("demo file %s: %w", f.name, err)
		}
	}
	return nil
}
