package lists

import (
	"bytes"
	"context"
	"html/template"
	"strings"

	"gongkai/internal/lists"
)

// placeBlock shows the current rows of the kinds declared Inline on their
// column's page, and the units' contacts on the contact page (issue 15:
// 领导信息 and 机构设置 as records, changed in one place).
func (s *Feature) placeBlock(ctx context.Context, siteID int64, place string) (template.HTML, error) {
	if s.Lists == nil {
		return "", nil
	}
	var b bytes.Buffer
	if place == "contact" {
		ed, rows, err := s.Lists.Contacts(ctx, siteID)
		if err != nil || ed == nil || len(rows) == 0 {
			return "", err
		}
		if err := contactTmpl.Execute(&b, inlineData{Kind: lists.Units, Edition: ed, Rows: rows}); err != nil {
			return "", err
		}
		return template.HTML(b.String()), nil
	}
	slug, ok := strings.CutPrefix(place, "column:")
	if !ok {
		return "", nil
	}
	for _, k := range lists.Kinds() {
		if !k.Inline || k.Column != slug {
			continue
		}
		ed, err := s.Lists.Current(ctx, siteID, k)
		if err != nil {
			return "", err
		}
		if ed == nil {
			continue
		}
		rows, err := s.Lists.Rows(ctx, ed.ID)
		if err != nil {
			return "", err
		}
		if err := inlineTmpl.Execute(&b, inlineData{Kind: k, Edition: ed, Rows: k.Public(rows, s.Today())}); err != nil {
			return "", err
		}
	}
	return template.HTML(b.String()), nil
}

type inlineData struct {
	Kind    *lists.Kind
	Edition *lists.Edition
	Rows    []lists.Row
}

// V is a row's value as the public reads it.
func (d inlineData) V(r lists.Row, name string) string { return d.Kind.Display(r.Values, name) }

var inlineTmpl = template.Must(template.New("inline").Parse(`<section class="inline-list" aria-labelledby="il-{{.Kind.Code}}">
<h2 id="il-{{.Kind.Code}}">{{or .Kind.InlineTitle .Kind.Name}}</h2>
<p class="meta-note">更新日期：<time datetime="{{.Edition.EffectiveOn}}">{{.Edition.EffectiveOn}}</time>（第 {{.Edition.Number}} 版）　<a href="/lists/{{.Kind.Code}}">查看全部字段、历史版本和下载</a></p>
{{$d := .}}{{if eq .Kind.Code "leaders"}}<ul class="leaders">{{range .Rows}}{{$r := .}}<li class="leader{{if $d.V . "photo"}} with-photo{{end}}">
{{with $d.V . "photo"}}<img src="{{.}}" alt="{{$d.V $r "photo_alt"}}" width="120" height="160" loading="lazy">{{end}}
<h3><a href="/lists/{{$d.Kind.Code}}/rows/{{.Key}}">{{$d.V . "name"}}</a></h3>
<p class="leader-post">{{$d.V . "post"}}</p>
<p>{{$d.V . "duties"}}</p>
</li>{{end}}</ul>
{{else}}<table class="items"><caption class="vh">{{.Kind.Name}}</caption>
<thead><tr><th scope="col">{{$d.Label .Kind.Title}}</th>{{range .Kind.ListCols}}<th scope="col">{{$d.Label .}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}{{$r := .}}<tr><td><a href="/lists/{{$d.Kind.Code}}/rows/{{.Key}}">{{$d.V . $d.Kind.Title}}</a></td>{{range $d.Kind.ListCols}}<td>{{$d.V $r .}}</td>{{end}}</tr>{{end}}</tbody>
</table>{{end}}
</section>
`))

var contactTmpl = template.Must(template.New("contact").Parse(`<section class="inline-list" aria-labelledby="il-contacts">
<h2 id="il-contacts">各科室和直属单位</h2>
<p class="meta-note">来自<a href="/lists/{{.Kind.Code}}">{{.Kind.Name}}</a>，更新日期：<time datetime="{{.Edition.EffectiveOn}}">{{.Edition.EffectiveOn}}</time></p>
{{$d := .}}<table class="items"><caption class="vh">各科室和直属单位的联系方式</caption>
<thead><tr><th scope="col">机构</th><th scope="col">联系电话</th><th scope="col">办公地址</th><th scope="col">办公时间</th></tr></thead>
<tbody>{{range .Rows}}<tr><td>{{$d.V . "name"}}</td><td>{{$d.V . "phone"}}</td><td>{{$d.V . "address"}}</td><td>{{$d.V . "hours"}}</td></tr>{{end}}</tbody>
</table>
</section>
`))

// Label is a field's label by name.
func (d inlineData) Label(name string) string {
	if f, ok := d.Kind.Field(name); ok {
		return f.Label
	}
	return name
}
