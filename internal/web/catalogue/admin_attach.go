package catalogue

import (
	"errors"
	"gongkai/internal/blob"
	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/web"
	"net/http"
	"strconv"
	"strings"
)

func (s *Feature) uploadAttachment(w http.ResponseWriter, r *http.Request) {
	p := &itemAdminPage{AdminPage: s.AdminPage(r, "上传附件")}
	// Check the item and the permission before storing anything.
	it := s.loadItem(w, r)
	if it == nil {
		return
	}
	id := it.ID
	if err := catalog.Allow(p.User, it, catalog.ActAttach); err != nil {
		s.AdminError(w, r, err)
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		p.Error = "请选择要上传的文件"
		s.showItemWith(w, r, p, http.StatusUnprocessableEntity)
		return
	}
	defer file.Close()
	b, err := s.Blobs.Put(r.Context(), file, hdr.Filename, s.Opts.MaxUpload)
	if err != nil {
		p.Error = uploadMessage(err, s.Opts.MaxUpload)
		s.showItemWith(w, r, p, http.StatusUnprocessableEntity)
		return
	}
	a := &catalog.Attachment{BlobKey: b.Key, Name: cleanFileName(hdr.Filename), Size: b.Size, MIME: b.MIME, SHA256: b.SHA256}
	// The text for the search is read now, before the transaction that
	// records the file (and stores the text with it).
	catalog.ExtractText(r.Context(), s.Blobs, a, s.Log)
	if err := s.Catalog.Attach(r.Context(), p.User, p.Site.ID, id, a); err != nil {
		s.Blobs.Delete(b.Key)
		p.Error = errs.MessageOf(err)
		s.LogErr(r, err)
		s.showItemWith(w, r, p, web.StatusOf(err))
		return
	}
	http.Redirect(w, r, "/admin/items/"+strconv.FormatInt(id, 10)+"?done=attached", http.StatusSeeOther)
}

func uploadMessage(err error, max int64) string {
	if errors.Is(err, blob.ErrTooLarge) {
		return "文件过大：单个附件不能超过 " + web.HumanSize(max)
	}
	return errs.MessageOf(err)
}

// cleanFileName keeps the base name a person gave the file, without paths
// or control characters.
func cleanFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 120 {
		name = string(r[len(r)-120:])
	}
	if name == "" {
		name = "附件"
	}
	return name
}

func (s *Feature) deleteAttachment(w http.ResponseWriter, r *http.Request) {
	p := s.AdminPage(r, "删除附件")
	// An item the user may not see is not there (404), as on the item page.
	it := s.loadItem(w, r)
	if it == nil {
		return
	}
	id := it.ID
	aid, err := web.PathID(r, "aid")
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	key, err := s.Catalog.Detach(r.Context(), p.User, p.Site.ID, id, aid)
	if err != nil {
		s.AdminError(w, r, err)
		return
	}
	if err := s.Blobs.Delete(key); err != nil {
		s.Log.Warn("delete blob", "key", key, "err", err)
	}
	http.Redirect(w, r, "/admin/items/"+strconv.FormatInt(id, 10)+"?done=detached", http.StatusSeeOther)
}
