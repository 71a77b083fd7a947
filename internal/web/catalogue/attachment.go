package catalogue

import (
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/store"
	"gongkai/internal/web"
	"net/http"
	"net/url"
)

// attachment serves a file of a published item as a download, never inline.
func (s *Feature) attachment(w http.ResponseWriter, r *http.Request) {
	st := web.SiteOf(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	a, it, err := s.Catalog.Attachment(r.Context(), st.Site.ID, id)
	// Unpublished items' files are for the staff who may see the item.
	if err == nil && !catalog.CanView(s.SessionUser(r), it) {
		err = errs.E(errs.NotFound, "附件不存在")
	}
	if err != nil {
		s.ErrorPage(w, r, err)
		return
	}
	f, err := s.Blobs.Open(a.BlobKey)
	if err != nil {
		s.ErrorPage(w, r, errs.Wrap(err, "open blob"))
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", a.MIME)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(a.Name))
	if it.Public() {
		w.Header().Set("Cache-Control", "public, max-age=3600")
	} else {
		w.Header().Set("Cache-Control", "private, no-store")
	}
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(w, r, "", store.ParseTime(a.CreatedAt), f)
}
