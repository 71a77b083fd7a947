package letter_test

import (
	"fmt"

	"gongkai/internal/calendar"
	"gongkai/internal/letter"
)

// The request desk fills in a Letter from the request and renders it.
func Example() {
	kind, _ := letter.KindFor("withheld", "3")
	l := letter.Letter{
		Kind:          kind,
		Number:        letter.FormatNumber("临司依申", 2025, 12),
		Applicant:     "张三",
		ReceivedOn:    calendar.Day("2025-03-03"),
		Summary:       "某项目的维稳工作方案",
		Investigation: "经检索，本机关保存有该方案。",
		Answer:        "该方案涉及重点场所的安保部署。",
		IssuedOn:      calendar.Day("2025-03-24"),
		Agency:        letter.Agency{Name: "临沂市司法局"},
		Remedies: letter.Remedies{ReconsiderationBody: "临沂市人民政府", Court: "有管辖权的人民法院",
			ReconsiderationPeriod: "六十日", LawsuitPeriod: "六个月"},
	}
	d, err := letter.Compose(l)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Title)
	fmt.Println(d.LegalBasis)
	pdf, err := letter.PDF(l) // or letter.RenderHTML(w, l) for the review page
	fmt.Println(len(pdf) > 0, err)

	l.Applicant = ""
	_, err = letter.PDF(l)
	fmt.Println(err)
	// Output:
	// 政府信息不予公开告知书
	// 《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项
	// true <nil>
	// invalid: 提交的内容有误，请按提示修改
}
