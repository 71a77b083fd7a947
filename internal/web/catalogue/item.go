package catalogue

import (
	"fmt"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/search"
	"gongkai/internal/web"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// seeAlso is how many related records an item page lists.
const seeAlso = 6

func (s *Feature) item(w http.ResponseWriter, r *http.Request) {
	s.Cached(w, r, func() (string, web.Cacheable, error) {
		p := &itemPage{Page: s.Page(r, "")}
		id, err := web.PathID(r, "id")
		if err != nil {
			return "", nil, err
		}
		it, err := s.Catalog.Item(r.Context(), p.Site.ID, id)
		if err != nil {
			return "", nil, err
		}
		p.Item, p.Title, p.Column, p.Counted = it, it.Title, p.Tree.ByID[it.ColumnID], it
		if it.Status == catalog.StatusWithdrawn {
			p.Status = http.StatusGone
			return "public/withdrawn", p, nil
		}
		if !it.Public() {
			return "", nil, catalog.ErrNoItem
		}
		ctx := r.Context()
		if p.Attach, err = s.Catalog.Attachments(ctx, p.Site.ID, it.ID); err != nil {
			return "", nil, err
		}
		if p.Related, err = s.Catalog.Related(ctx, it, true); err != nil {
			return "", nil, err
		}
		for _, f := range it.Type().Fields {
			if tb := it.Table(f.Name, true); tb != nil && len(tb.Cells) > 0 {
				p.Tables = append(p.Tables, tb)
			}
		}
		if d := it.Type().Data; d != nil && it.Value(d.Table) != "" {
			if t, msg := catalog.ParseDataTable(it.Value(d.Table)); msg == "" {
				t.Unit = it.Value(d.Unit)
				p.Data, p.Chart = t, barChart("chart-"+strconv.FormatInt(it.ID, 10), it.Title, t)
			}
		}
		if p.Linked, err = s.Catalog.Linked(ctx, it, true); err != nil {
			return "", nil, err
		}
		if s.Searcher != nil {
			if p.SeeAlso, err = s.Searcher.Related(ctx, p.Site.ID, search.Ref{Kind: it.DocType, ID: it.ID}, seeAlso); err != nil {
				return "", nil, err
			}
		}
		if p.Prev, p.Next, err = s.Catalog.Neighbours(ctx, it); err != nil {
			return "", nil, err
		}
		if it.SuccessorID != 0 {
			if succ, err := s.Catalog.Item(ctx, p.Site.ID, it.SuccessorID); err == nil && succ.Public() {
				p.Successor = succ
			}
		}
		if it.Revision > 1 {
			if p.Revisions, err = s.Catalog.Revisions(ctx, p.Site.ID, it.ID); err != nil {
				return "", nil, err
			}
		}
		return "public/item", p, nil
	})
}

func (s *Feature) itemRevision(w http.ResponseWriter, r *http.Request) {
	s.Cached(w, r, func() (string, web.Cacheable, error) {
		p := &itemPage{Page: s.Page(r, "")}
		id, err := web.PathID(r, "id")
		if err != nil {
			return "", nil, err
		}
		n, err := strconv.Atoi(r.PathValue("rev"))
		if err != nil {
			return "", nil, errs.E(errs.NotFound, "该历史版本不存在")
		}
		it, err := s.Catalog.Item(r.Context(), p.Site.ID, id)
		if err != nil || !it.Public() {
			return "", nil, catalog.ErrNoItem
		}
		revs, err := s.Catalog.Revisions(r.Context(), p.Site.ID, id)
		if err != nil {
			return "", nil, err
		}
		for i := range revs {
			if revs[i].Revision == n {
				p.Revision, p.Item, p.Revisions = &revs[i], revs[i].Item, revs
				p.Title = fmt.Sprintf("%s（第 %d 版）", it.Title, n)
				p.Column = p.Tree.ByID[it.ColumnID]
				return "public/revision", p, nil
			}
		}
		return "", nil, errs.E(errs.NotFound, "该历史版本不存在")
	})
}

// captions serves a published item's video captions (WebVTT) for the
// page's <track>: same origin, so the browser loads them under the CSP.
func (s *Feature) captions(w http.ResponseWriter, r *http.Request) {
	st := web.SiteOf(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	it, err := s.Catalog.Item(r.Context(), st.Site.ID, id)
	vtt := ""
	if err == nil && it.Public() && it.Type() != nil && it.Type().Video != nil {
		vtt = it.Value(it.Type().Video.Captions)
	}
	if err == nil && vtt == "" {
		err = errs.E(errs.NotFound, "该信息没有字幕")
	}
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/vtt; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	io.WriteString(w, vtt+"\n")
}

// dataCSV serves a statistics item's table as CSV (with a BOM, so a
// spreadsheet opens the Chinese text right).
func (s *Feature) dataCSV(w http.ResponseWriter, r *http.Request) {
	st := web.SiteOf(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	it, err := s.Catalog.Item(r.Context(), st.Site.ID, id)
	data := ""
	if err == nil && it.Public() && it.Type() != nil && it.Type().Data != nil {
		data = it.Value(it.Type().Data.Table)
	}
	if err == nil && data == "" {
		err = errs.E(errs.NotFound, "该信息没有统计表")
	}
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(it.Title+".csv"))
	w.Header().Set("Cache-Control", "public, max-age=300")
	io.WriteString(w, "\ufeff"+strings.TrimSpace(data)+"\n")
}
