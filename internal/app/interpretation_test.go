package app

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestInterpretationSections (issue 15, seed task 8): an interpretation's
// 背景, 依据, 目的 and 举措 are headed sections of its page; a video
// interpretation is played by the page's own <video> with its WebVTT
// captions as a <track> (served from the site) and its transcript as text,
// and cannot be saved without them; one that leaves a section empty is in
// the self-inspection (both databases).
func TestInterpretationSections(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := newAPIClient(t, e)
		cols := c.columnIDs(t)
		policy := c.findOne(t, "q="+url.QueryEscape("临司发〔2021〕8号"), "")
		vtt := "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\n大家好，今天解读行政执法公示办法。\n\n00:00:04.000 --> 00:00:09.500\n办法明确了事前、事中、事后公开的内容。\n"
		base := map[string]any{"column_id": cols["zcjd"], "department": "法制科", "title": "视频解读：行政执法公示办法", "disclosure": "proactive",
			"interprets": []int64{policy.ID}, "publish": true}
		fields := map[string]string{"form": "视频解读", "video_url": "https://sfj.linyi.gov.cn/video/gsbf.mp4",
			"background": "执法信息公开的范围和时限不统一。", "basis": "《中华人民共和国行政处罚法》第三十九条。", "purpose": "保障公众的知情权和监督权。",
			"measures": "一是事前公开。\n二是事后公开。", "contact": "法制科 (0539)8314196"}
		with := func(extra map[string]string) string {
			m := map[string]any{}
			for k, v := range base {
				m[k] = v
			}
			f := map[string]string{}
			for k, v := range fields {
				f[k] = v
			}
			for k, v := range extra {
				f[k] = v
			}
			m["fields"] = f
			return apiJSON(m)
		}
		// Without captions and transcript: refused, naming both.
		r := c.exec(t, apiScenario{method: "POST", path: "/api/v1/items", token: "office", body: with(nil), wantStatus: 422})
		mustContain(t, r.body, `"captions"`, `"transcript"`)
		it := c.exec(t, apiScenario{method: "POST", path: "/api/v1/items", token: "office", body: with(map[string]string{"captions": vtt, "transcript": "大家好，今天解读行政执法公示办法。办法明确了事前、事中、事后公开的内容。"}), wantStatus: 201}).item(t)
		page := e.browser().get(fmt.Sprintf("/items/%d", it.ID))
		mustContain(t, page.body, "<h2>政策背景</h2><p>执法信息公开的范围和时限不统一。</p>", "<h2>决策依据</h2>", "<h2>出台目的</h2>",
			"<h2>主要内容和重要举措</h2><p>一是事前公开。</p><p>二是事后公开。</p>", "<h2>咨询方式</h2>",
			`<video controls preload="metadata" src="https://sfj.linyi.gov.cn/video/gsbf.mp4"`,
			fmt.Sprintf(`<track kind="captions" srclang="zh-CN" label="中文字幕" src="/items/%d/captions.vtt" default>`, it.ID),
			`<h2 id="transcript-h">文字实录</h2>`)
		mustNotContain(t, page.body, "<h2>名词解释</h2>")
		cap := e.browser().get(fmt.Sprintf("/items/%d/captions.vtt", it.ID))
		if cap.status != 200 || cap.header.Get("Content-Type") != "text/vtt; charset=utf-8" || cap.body != strings.TrimSpace(vtt)+"\n" {
			t.Errorf("captions: %d %q %q", cap.status, cap.header.Get("Content-Type"), cap.body)
		}
		if r := e.browser().get(fmt.Sprintf("/items/%d/captions.vtt", policy.ID)); r.status != http.StatusNotFound {
			t.Errorf("captions of a document without video: %d", r.status)
		}
		// An interpretation without its sections is in the self-inspection.
		c.exec(t, apiScenario{method: "POST", path: "/api/v1/items", token: "office", wantStatus: 201, body: apiJSON(map[string]any{
			"column_id": cols["zcjd"], "department": "法制科", "title": "简短解读：行政执法公示办法", "disclosure": "proactive",
			"interprets": []int64{policy.ID}, "publish": true, "fields": map[string]string{"form": "文字解读", "background": "背景。"}})})
		office := e.browser().login("office")
		if r := office.post("/admin/compliance/run", nil); r.status != http.StatusSeeOther {
			t.Fatalf("run: %d", r.status)
		}
		body := office.get("/admin/compliance").body
		mustContain(t, body, "“简短解读：行政执法公示办法”缺少决策依据、出台目的、主要内容和重要举措")
		if strings.Contains(body, "“视频解读：行政执法公示办法”缺少") {
			t.Error("a complete interpretation is reported")
		}
	})
}
