package catalog_test

import (
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
)

func TestCreateValidation(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		policy := f.published(f.input("policy", "政策"))
		news := f.published(f.input("news", "动态"))
		tests := []struct {
			name  string
			typ   string
			edit  func(*catalog.Input)
			field string
		}{
			{"unknown type", "general", func(in *catalog.Input) { in.DocType = "memo" }, "doc_type"},
			{"missing title", "general", func(in *catalog.Input) { in.Title = "  " }, "title"},
			{"title too long", "general", func(in *catalog.Input) { in.Title = strings.Repeat("长", 201) }, "title"},
			{"summary too long", "general", func(in *catalog.Input) { in.Summary = strings.Repeat("长", 501) }, "summary"},
			{"no column", "general", func(in *catalog.Input) { in.ColumnID = 0 }, "column_id"},
			{"unknown column", "general", func(in *catalog.Input) { in.ColumnID = 999999 }, "column_id"},
			{"group column", "general", func(in *catalog.Input) { in.ColumnID = f.col["xxgk"].ID }, "column_id"},
			{"link column", "general", func(in *catalog.Input) { in.ColumnID = f.col["guide"].ID }, "column_id"},
			{"column without the type", "policy", func(in *catalog.Input) { in.ColumnID = f.col["ybxx"].ID }, "column_id"},
			{"column of another site", "general", func(in *catalog.Input) {
				c := &catalog.Column{SiteID: f.otherSite.ID, Slug: "ybxx", Name: "一般", Kind: catalog.KindList, DocTypes: []string{"general"}}
				f.must(f.cat.SaveColumn(f.ctx, nil, c))
				in.ColumnID = c.ID
			}, "column_id"},
			{"no department", "general", func(in *catalog.Input) { in.DepartmentID = 0 }, "department_id"},
			{"unknown department", "general", func(in *catalog.Input) { in.DepartmentID = 999999 }, "department_id"},
			{"department of another site", "general", func(in *catalog.Input) {
				d := &catalog.Department{SiteID: f.otherSite.ID, Name: "别处", Abbr: "bc"}
				f.must(f.cat.CreateDepartment(f.ctx, nil, d))
				in.DepartmentID = d.ID
			}, "department_id"},
			{"policy without written_on", "policy", func(in *catalog.Input) { in.WrittenOn = "" }, "written_on"},
			{"policy without validity", "policy", func(in *catalog.Input) { in.Validity = "" }, "validity"},
			{"policy with unknown validity", "policy", func(in *catalog.Input) { in.Validity = "valid" }, "validity"},
			{"policy with bad normative flag", "policy", func(in *catalog.Input) { in.Fields = map[string]string{"normative": "yes"} }, "normative"},
			{"policy with bad effective date", "policy", func(in *catalog.Input) { in.Fields = map[string]string{"effective_on": "2021.5.1"} }, "effective_on"},
			{"interpretation without form", "interpretation", func(in *catalog.Input) { delete(in.Fields, "form") }, "form"},
			{"interpretation with unknown form", "interpretation", func(in *catalog.Input) { in.Fields["form"] = "口头解读" }, "form"},
			{"interpretation with bad video url", "interpretation", func(in *catalog.Input) { in.Fields["video_url"] = "javascript:alert(1)" }, "video_url"},
			// Issue 15's validation gaps.
			{"policy expiring before it takes effect", "policy", func(in *catalog.Input) {
				in.Fields = map[string]string{"effective_on": "2021-05-01", "expires_on": "2021-04-30"}
			}, "expires_on"},
			{"normative policy without 登记号", "policy", func(in *catalog.Input) { in.Fields = map[string]string{"normative": "1"} }, "reg_no"},
			{"interpretation of no document", "interpretation", func(in *catalog.Input) { in.Interprets = nil }, "interprets"},
			{"video interpretation without its video", "interpretation", func(in *catalog.Input) { in.Fields["form"] = "视频解读" }, "video_url"},
			{"video interpretation without captions", "interpretation", func(in *catalog.Input) { in.Fields["form"] = "视频解读" }, "captions"},
			{"video interpretation without transcript", "interpretation", func(in *catalog.Input) { in.Fields["form"] = "动漫解读" }, "transcript"},
			{"captions that are not WebVTT", "interpretation", func(in *catalog.Input) {
				in.Fields["form"], in.Fields["video_url"], in.Fields["captions"] = "视频解读", "https://sfj.example.cn/v.mp4", "1\n00:00:01,000 --> 00:00:02,000\nSRT 格式"
			}, "captions"},
			{"captions with a bad timing line", "interpretation", func(in *catalog.Input) {
				in.Fields["form"], in.Fields["video_url"], in.Fields["captions"] = "视频解读", "https://sfj.example.cn/v.mp4", "WEBVTT\n\n00:00:01 --> 00:00:02\n字幕"
			}, "captions"},
			{"图解 without its text", "interpretation", func(in *catalog.Input) { in.Fields["form"] = "图解" }, "text_alternative"},
			{"image without alt text", "general", func(in *catalog.Input) { in.Body = `<p>见下图</p><p><img src="/attachments/1"></p>` }, "body"},
			{"image with blank alt text", "general", func(in *catalog.Input) { in.Body = `<p><img src="/attachments/1" alt="  "></p>` }, "body"},
			{"statistics without period", "statistics", func(in *catalog.Input) { in.Fields = nil }, "period"},
			{"appointment without kind", "appointment", func(in *catalog.Input) { in.Fields = map[string]string{} }, "kind"},
			{"no disclosure", "general", func(in *catalog.Input) { in.Disclosure = "" }, "disclosure"},
			{"unknown disclosure", "general", func(in *catalog.Input) { in.Disclosure = "public" }, "disclosure"},
			{"on_request without reason", "general", func(in *catalog.Input) { in.Disclosure = "on_request" }, "disclosure_reason"},
			{"withheld without reason", "general", func(in *catalog.Input) { in.Disclosure, in.DisclosureReason = "withheld", "  " }, "disclosure_reason"},
			{"reason too long", "general", func(in *catalog.Input) { in.Disclosure, in.DisclosureReason = "withheld", strings.Repeat("理", 501) }, "disclosure_reason"},
			{"written_on with slashes", "policy", func(in *catalog.Input) { in.WrittenOn = "2021/03/01" }, "written_on"},
			{"written_on not a day", "policy", func(in *catalog.Input) { in.WrittenOn = "2021-02-30" }, "written_on"},
			{"written_on without zero padding", "policy", func(in *catalog.Input) { in.WrittenOn = "2021-3-1" }, "written_on"},
			{"published_on bad", "general", func(in *catalog.Input) { in.PublishedOn = "2021-13-01" }, "published_on"},
			{"published before written", "policy", func(in *catalog.Input) { in.WrittenOn, in.PublishedOn = "2021-03-02", "2021-03-01" }, "published_on"},
			{"bad index number", "general", func(in *catalog.Input) { in.IndexNo = "ORG/x/2021 0000001" }, "index_no"},
			{"unknown successor", "policy", func(in *catalog.Input) { in.SuccessorID = 999999 }, "successor_id"},
			{"successor not a number (the form's -1)", "policy", func(in *catalog.Input) { in.SuccessorID = -1 }, "successor_id"},
			{"interprets a non-policy", "interpretation", func(in *catalog.Input) { in.Interprets = []int64{news.ID} }, "interprets"},
			{"interprets an unknown item", "interpretation", func(in *catalog.Input) { in.Interprets = []int64{policy.ID, 999999} }, "interprets"},
			{"body too long", "general", func(in *catalog.Input) { in.Body = "<p>" + strings.Repeat("a", 2<<20+1) + "</p>" }, "body"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := f.with(t)
				in := f.input(tt.typ, "测试信息")
				tt.edit(&in)
				before := f.rowCounts()
				_, err := f.cat.Create(f.ctx, f.office, f.site.ID, in)
				wantField(t, err, errs.Invalid, tt.field)
				f.unchanged(t, before)
			})
		}
	})
}

// TestCreateEveryType creates an item of each declared document type with
// its required fields filled generically, so new types are covered too.
func TestCreateEveryType(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		for _, typ := range catalog.DocTypes() {
			t.Run(typ.Code, func(t *testing.T) {
				f := f.with(t)
				col := &catalog.Column{SiteID: f.site.ID, Slug: "t-" + strings.ReplaceAll(typ.Code, "_", "-"), Name: typ.Name, Kind: catalog.KindList, DocTypes: []string{typ.Code}}
				f.must(f.cat.SaveColumn(f.ctx, f.admin, col))
				in := catalog.Input{ColumnID: col.ID, DocType: typ.Code, DepartmentID: f.fzk.ID, Title: typ.Name + "示例", Disclosure: "proactive",
					Fields: map[string]string{}}
				core := map[string]*string{"doc_no": &in.DocNo, "author": &in.Author, "written_on": &in.WrittenOn, "validity": &in.Validity,
					"topic": &in.Topic, "genre": &in.Genre, "keywords": &in.Keywords}
				day := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
				for _, fd := range typ.Fields {
					if !fd.Required {
						continue
					}
					var v string
					switch fd.Kind {
					case catalog.Date:
						v = day.Format("2006-01-02") // later fields get later dates (periods end after they start)
						day = day.AddDate(0, 2, 0)
					case catalog.Select:
						v = fd.Options[0].Value
					case catalog.Bool:
						v = "1"
					case catalog.Number:
						v = "2021"
					case catalog.URL:
						v = "https://example.cn/a"
					default:
						v = "示例"
					}
					if p, ok := core[fd.Name]; ok {
						*p = v
					} else {
						in.Fields[fd.Name] = v
					}
				}
				if len(typ.InterpretTargets) > 0 {
					in.Interprets = []int64{f.explainedID()}
				}
				it := f.create(f.fzkEditor, in)
				if it.Status != catalog.StatusDraft || it.DocType != typ.Code || it.Version != 1 || it.Revision != 0 || it.IndexNo != "" ||
					it.CreatedBy != f.fzkEditor.ID || it.Department != "法制科" || it.SiteID != f.site.ID {
					t.Errorf("item = %+v", it)
				}
				for _, fd := range typ.Fields {
					if fd.Required && it.Value(fd.Name) == "" {
						t.Errorf("required field %s is empty", fd.Name)
					}
				}
			})
		}
	})
}

func TestCreateNormalisesInput(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		in := f.input("policy", "  关于印发某办法的通知  ")
		in.Body = `<p onclick="x()">第一条　为了规范……</p><script>alert("x")</script><p>第二条</p>`
		in.Author = "不属于政策文件的作者" // policy declares no author
		in.DocNo = " 临司发〔2021〕8号 "
		fields := map[string]string{"normative": "1", "reg_no": " LYDR-2021-0010001 ", "expires_on": "", "unknown": "dropped", "form": "视频解读"}
		in.Fields = fields
		original := maps.Clone(fields)
		it := f.create(f.fzkEditor, in)

		if it.Title != "关于印发某办法的通知" || it.DocNo != "临司发〔2021〕8号" {
			t.Errorf("not trimmed: title %q, doc_no %q", it.Title, it.DocNo)
		}
		if it.Author != "" {
			t.Errorf("undeclared core field kept: author %q", it.Author)
		}
		if want := map[string]string{"normative": "1", "reg_no": "LYDR-2021-0010001"}; !maps.Equal(it.Fields, want) {
			t.Errorf("fields = %v, want %v", it.Fields, want)
		}
		if strings.Contains(it.Body, "<script") || strings.Contains(it.Body, "alert") || strings.Contains(it.Body, "onclick") {
			t.Errorf("body not sanitised: %q", it.Body)
		}
		if !strings.Contains(it.Body, "第一条") || !strings.Contains(it.Body, "第二条") {
			t.Errorf("body lost its text: %q", it.Body)
		}
		if !strings.HasPrefix(it.Summary, "第一条") || strings.Contains(it.Summary, "<") || strings.Contains(it.Summary, "alert") {
			t.Errorf("summary = %q, want the body's text", it.Summary)
		}
		// Only declared facets are written: normative, not reg_no.
		if n := f.count(`SELECT COUNT(*) FROM item_facets WHERE item_id = $1 AND name = 'normative' AND value = '1'`, it.ID); n != 1 {
			t.Errorf("normative facets = %d, want 1", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM item_facets WHERE item_id = $1`, it.ID); n != 1 {
			t.Errorf("facets = %d, want 1", n)
		}
		if !maps.Equal(fields, original) {
			t.Errorf("Create changed the caller's Fields map: %v, was %v", fields, original)
		}
		// A false bool is not stored: "0" means absent.
		in = f.input("policy", "非规范性文件")
		in.Fields = map[string]string{"normative": "0"}
		if it := f.create(f.fzkEditor, in); len(it.Fields) != 0 {
			t.Errorf("fields = %v, want none", it.Fields)
		}
		// A long body gives a clipped summary; an explicit summary wins.
		in = f.input("general", "长文")
		in.Body = "<p>" + strings.Repeat("字", 300) + "</p>"
		if it := f.create(f.fzkEditor, in); len([]rune(it.Summary)) != 121 || !strings.HasSuffix(it.Summary, "…") {
			t.Errorf("summary of a long body = %q (%d characters)", it.Summary, len([]rune(it.Summary)))
		}
		in.Summary = "自己写的摘要"
		if it := f.create(f.fzkEditor, in); it.Summary != "自己写的摘要" {
			t.Errorf("summary = %q", it.Summary)
		}
		// A non-public disclosure keeps its reason; proactive drops a stray one.
		in = f.input("general", "依申请公开的信息")
		in.Disclosure, in.DisclosureReason = "on_request", "涉及第三方权益，依申请公开"
		if it := f.create(f.fzkEditor, in); it.Disclosure != "on_request" || it.DisclosureReason != "涉及第三方权益，依申请公开" {
			t.Errorf("disclosure = %q, reason %q", it.Disclosure, it.DisclosureReason)
		}
		in.Disclosure = "proactive"
		if it := f.create(f.fzkEditor, in); it.DisclosureReason != "" {
			t.Errorf("proactive item keeps reason %q", it.DisclosureReason)
		}
		// Creating is recorded in the ledger and the audit log.
		if n := f.count(`SELECT COUNT(*) FROM item_events WHERE action = 'create'`); n != 6 {
			t.Errorf("create events = %d, want 6", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'item.create'`); n != 6 {
			t.Errorf("item.create audit entries = %d, want 6", n)
		}
	})
}

func TestItemPermissions(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		fzkDraft := f.create(f.fzkEditor, f.input("general", "法制科草稿"))
		submitted := f.submitted(f.input("general", "法制科已提交"))
		reviewed := f.submitted(f.input("general", "法制科已审核"))
		reviewed, err := f.cat.Approve(f.ctx, f.fzkReviewer, f.site.ID, reviewed.ID, "")
		f.must(err)
		published := f.published(f.input("general", "法制科已发布"))

		pfkInput := f.input("general", "普法科草稿")
		pfkInput.DepartmentID = f.pfk.ID
		edit := func(it *catalog.Item) func(*auth.User) error {
			return func(u *auth.User) error {
				in, err := f.cat.InputOf(f.ctx, f.item(it.ID))
				f.must(err)
				in.Title += "（改）"
				in.ChangeNote = "改标题"
				_, err = f.cat.Update(f.ctx, u, f.site.ID, it.ID, in)
				return err
			}
		}
		tests := []struct {
			name  string
			actor *auth.User
			do    func(*auth.User) error
			code  errs.Code // "" = allowed
		}{
			{"editor creates in own department", f.fzkEditor, func(u *auth.User) error {
				_, err := f.cat.Create(f.ctx, u, f.site.ID, f.input("general", "本科室"))
				return err
			}, ""},
			{"editor's department is the default", f.pfkEditor, func(u *auth.User) error {
				in := f.input("general", "默认科室")
				in.DepartmentID = 0
				it, err := f.cat.Create(f.ctx, u, f.site.ID, in)
				if err == nil && it.DepartmentID != f.pfk.ID {
					return fmt.Errorf("department = %d, want 普法科", it.DepartmentID)
				}
				return err
			}, ""},
			{"editor creates in another department", f.fzkEditor, func(u *auth.User) error {
				_, err := f.cat.Create(f.ctx, u, f.site.ID, pfkInput)
				return err
			}, errs.Forbidden},
			{"reviewer cannot draft", f.fzkReviewer, func(u *auth.User) error {
				_, err := f.cat.Create(f.ctx, u, f.site.ID, f.input("general", "审核人起草"))
				return err
			}, errs.Forbidden},
			{"office drafts for any department", f.office, func(u *auth.User) error {
				_, err := f.cat.Create(f.ctx, u, f.site.ID, pfkInput)
				return err
			}, ""},
			{"staff of another site", f.otherSiteOffice, func(u *auth.User) error {
				_, err := f.cat.Create(f.ctx, u, f.site.ID, f.input("general", "别的站点"))
				return err
			}, errs.Forbidden},
			{"editor imports an index number", f.fzkEditor, func(u *auth.User) error {
				in := f.input("general", "导入")
				in.IndexNo = orgCode + "/fzk/2020-0000001"
				_, err := f.cat.Create(f.ctx, u, f.site.ID, in)
				return err
			}, errs.Forbidden},

			{"editor edits own draft", f.fzkEd2, edit(fzkDraft), ""},
			{"editor edits another department's draft", f.pfkEditor, edit(fzkDraft), errs.Forbidden},
			{"reviewer edits a draft", f.fzkReviewer, edit(fzkDraft), errs.Forbidden},
			{"editor edits a submitted item", f.fzkEditor, edit(submitted), errs.Forbidden},
			{"editor edits a published item", f.fzkEditor, edit(published), errs.Forbidden},
			{"office edits a submitted item", f.office, edit(submitted), ""},
			{"other site's office edits", f.otherSiteOffice, edit(fzkDraft), errs.Forbidden},
			{"editor moves own draft to another department", f.fzkEditor, func(u *auth.User) error {
				in, _ := f.cat.InputOf(f.ctx, f.item(fzkDraft.ID))
				in.DepartmentID = f.pfk.ID
				it, err := f.cat.Update(f.ctx, u, f.site.ID, fzkDraft.ID, in)
				if err == nil && it.DepartmentID != f.fzk.ID {
					return fmt.Errorf("department moved to %d", it.DepartmentID)
				}
				return err
			}, ""},
			{"editor sets an index number on a draft", f.fzkEditor, func(u *auth.User) error {
				in, _ := f.cat.InputOf(f.ctx, f.item(fzkDraft.ID))
				in.IndexNo = orgCode + "/fzk/2021-0000999"
				it, err := f.cat.Update(f.ctx, u, f.site.ID, fzkDraft.ID, in)
				if err == nil && it.IndexNo != "" {
					return fmt.Errorf("editor set index number %q", it.IndexNo)
				}
				return err
			}, errs.Forbidden},

			{"editor submits another department's draft", f.pfkEditor, func(u *auth.User) error {
				_, err := f.cat.Submit(f.ctx, u, f.site.ID, fzkDraft.ID)
				return err
			}, errs.Forbidden},
			{"reviewer of another department returns", f.pfkReviewer, func(u *auth.User) error {
				_, err := f.cat.Return(f.ctx, u, f.site.ID, submitted.ID, "请修改")
				return err
			}, errs.Forbidden},
			{"reviewer of another department approves", f.pfkReviewer, func(u *auth.User) error {
				_, err := f.cat.Approve(f.ctx, u, f.site.ID, submitted.ID, "")
				return err
			}, errs.Forbidden},
			{"editor approves", f.fzkEditor, func(u *auth.User) error {
				_, err := f.cat.Approve(f.ctx, u, f.site.ID, submitted.ID, "")
				return err
			}, errs.Forbidden},
			{"editor publishes", f.fzkEditor, func(u *auth.User) error {
				_, err := f.cat.Publish(f.ctx, u, f.site.ID, reviewed.ID, time.Time{})
				return err
			}, errs.Forbidden},
			{"reviewer publishes", f.reviewer, func(u *auth.User) error {
				_, err := f.cat.Publish(f.ctx, u, f.site.ID, reviewed.ID, time.Time{})
				return err
			}, errs.Forbidden},
			{"editor withdraws", f.fzkEditor, func(u *auth.User) error {
				_, err := f.cat.Withdraw(f.ctx, u, f.site.ID, published.ID, "有误")
				return err
			}, errs.Forbidden},
			{"reviewer withdraws", f.fzkReviewer, func(u *auth.User) error {
				_, err := f.cat.Withdraw(f.ctx, u, f.site.ID, published.ID, "有误")
				return err
			}, errs.Forbidden},
			{"reviewer of the department approves", f.fzkReviewer, func(u *auth.User) error {
				_, err := f.cat.Approve(f.ctx, u, f.site.ID, submitted.ID, "同意")
				return err
			}, ""},
			{"admin publishes", f.admin, func(u *auth.User) error {
				_, err := f.cat.Publish(f.ctx, u, f.site.ID, reviewed.ID, time.Time{})
				return err
			}, ""},
			{"office withdraws", f.office, func(u *auth.User) error {
				_, err := f.cat.Withdraw(f.ctx, u, f.site.ID, published.ID, "内容有误")
				return err
			}, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := f.with(t)
				before := f.rowCounts()
				err := tt.do(tt.actor)
				if tt.code == "" {
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					return
				}
				wantCode(t, err, tt.code)
				f.unchanged(t, before)
			})
		}
	})
}

func TestOptimisticLocking(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		it := f.create(f.fzkEditor, f.input("general", "原标题"))
		first, err := f.cat.InputOf(f.ctx, it)
		f.must(err)
		second, err := f.cat.InputOf(f.ctx, it)
		f.must(err)
		if first.Version != it.Version || second.Version != it.Version {
			t.Fatalf("forms start from version %d/%d, item is at %d", first.Version, second.Version, it.Version)
		}
		first.Title = "甲改的标题"
		updated, err := f.cat.Update(f.ctx, f.fzkEditor, f.site.ID, it.ID, first)
		f.must(err)
		if updated.Version != it.Version+1 || updated.Title != "甲改的标题" {
			t.Errorf("after update: version %d, title %q", updated.Version, updated.Title)
		}
		second.Title = "乙改的标题"
		before := f.rowCounts()
		_, err = f.cat.Update(f.ctx, f.fzkEd2, f.site.ID, it.ID, second)
		wantCode(t, err, errs.Conflict)
		if msg := errs.MessageOf(err); !strings.Contains(msg, "已被他人修改") || !strings.Contains(msg, fmt.Sprint(updated.Version)) {
			t.Errorf("message = %q, want one naming the conflict and the current version", msg)
		}
		f.unchanged(t, before)
		if got := f.item(it.ID); got.Title != "甲改的标题" || got.Version != updated.Version {
			t.Errorf("item overwritten: title %q, version %d", got.Title, got.Version)
		}
		// A workflow step also moves the version on, so a form opened before it is stale.
		stale := first
		stale.Version = updated.Version
		_, err = f.cat.Submit(f.ctx, f.fzkEditor, f.site.ID, it.ID)
		f.must(err)
		_, err = f.cat.Update(f.ctx, f.office, f.site.ID, it.ID, stale)
		wantCode(t, err, errs.Conflict)
		// Unknown item.
		_, err = f.cat.Update(f.ctx, f.office, f.site.ID, 999999, stale)
		wantCode(t, err, errs.NotFound)
	})
}

func TestRevisions(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		it := f.published(f.input("policy", "第一版标题"))
		if it.Revision != 1 {
			t.Fatalf("revision after first publish = %d, want 1", it.Revision)
		}
		revs, err := f.cat.Revisions(f.ctx, f.site.ID, it.ID)
		f.must(err)
		if len(revs) != 1 || revs[0].Revision != 1 || revs[0].Item.Title != "第一版标题" || revs[0].Item.Status != catalog.StatusPublished ||
			revs[0].Item.IndexNo != it.IndexNo || revs[0].ActorName != "office" {
			t.Fatalf("revisions after publish = %+v", revs)
		}

		in, err := f.cat.InputOf(f.ctx, it)
		f.must(err)
		in.Title = "第二版标题"
		before := f.rowCounts()
		_, err = f.cat.Update(f.ctx, f.office, f.site.ID, it.ID, in)
		wantField(t, err, errs.Invalid, "change_note")
		f.unchanged(t, before)

		in.ChangeNote = "  更正标题中的错字  "
		changes := f.changes.Load()
		updated, err := f.cat.Update(f.ctx, f.office, f.site.ID, it.ID, in)
		f.must(err)
		if updated.Revision != 2 || updated.Title != "第二版标题" || updated.Status != catalog.StatusPublished || updated.IndexNo != it.IndexNo {
			t.Errorf("after revising: %+v", updated)
		}
		if f.changes.Load() == changes {
			t.Error("revising a published item did not notify OnPublish")
		}
		revs, err = f.cat.Revisions(f.ctx, f.site.ID, it.ID)
		f.must(err)
		if len(revs) != 2 || revs[0].Revision != 2 || revs[1].Revision != 1 {
			t.Fatalf("revisions = %+v, want 2 then 1", revs)
		}
		if revs[0].Item.Title != "第二版标题" || revs[0].ChangeNote != "更正标题中的错字" || revs[1].Item.Title != "第一版标题" {
			t.Errorf("revision 2: title %q, note %q; revision 1: title %q", revs[0].Item.Title, revs[0].ChangeNote, revs[1].Item.Title)
		}
		events, err := f.cat.Events(f.ctx, f.site.ID, it.ID)
		f.must(err)
		if last := events[len(events)-1]; last.Action != "revise" || last.Comment != "更正标题中的错字" {
			t.Errorf("last event = %+v, want revise with the note", last)
		}
		// A published item cannot become non-public by editing.
		in, _ = f.cat.InputOf(f.ctx, updated)
		in.Disclosure, in.DisclosureReason, in.ChangeNote = "withheld", "涉密", "改为不公开"
		_, err = f.cat.Update(f.ctx, f.office, f.site.ID, it.ID, in)
		wantCode(t, err, errs.Invalid)
		// Editing a draft makes no revision.
		draft := f.create(f.fzkEditor, f.input("general", "草稿"))
		in, _ = f.cat.InputOf(f.ctx, draft)
		in.Title = "草稿改"
		draft, err = f.cat.Update(f.ctx, f.fzkEditor, f.site.ID, draft.ID, in)
		f.must(err)
		if revs, _ := f.cat.Revisions(f.ctx, f.site.ID, draft.ID); len(revs) != 0 || draft.Revision != 0 {
			t.Errorf("draft edit made revisions %+v", revs)
		}
	})
}

func TestUpdateValidation(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		it := f.create(f.fzkEditor, f.input("policy", "原标题"))
		tests := []struct {
			name  string
			edit  func(*catalog.Input)
			field string
		}{
			{"empty title", func(in *catalog.Input) { in.Title = "" }, "title"},
			{"missing validity", func(in *catalog.Input) { in.Validity = "" }, "validity"},
			{"column without the type", func(in *catalog.Input) { in.ColumnID = f.col["gzdt"].ID }, "column_id"},
			{"withheld without reason", func(in *catalog.Input) { in.Disclosure = "withheld" }, "disclosure_reason"},
			{"bad date", func(in *catalog.Input) { in.WrittenOn = "2021-02-29" }, "written_on"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				f := f.with(t)
				in, err := f.cat.InputOf(f.ctx, f.item(it.ID))
				f.must(err)
				in.Body = "<p>新正文</p>"
				tt.edit(&in)
				before := f.rowCounts()
				_, err = f.cat.Update(f.ctx, f.fzkEditor, f.site.ID, it.ID, in)
				wantField(t, err, errs.Invalid, tt.field)
				f.unchanged(t, before)
				if got := f.item(it.ID); got.Version != it.Version || got.Title != "原标题" || strings.Contains(got.Body, "新正文") {
					t.Errorf("item changed by a refused update: version %d, title %q", got.Version, got.Title)
				}
			})
		}
	})
}
