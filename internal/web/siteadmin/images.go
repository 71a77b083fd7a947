package siteadmin

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"gongkai/internal/catalog"
	"gongkai/internal/errs"
	"gongkai/internal/web"
)

// siteImage is one of the site's uploaded images: the emblem of the
// masthead and the two badges of the footer (issue 15).
type siteImage struct {
	Name  string // the form field and the public path segment
	Label string
	key   func(st *catalog.Settings) *string
}

var siteImages = []siteImage{
	{"emblem", "标志（页头单位名称左侧）", func(st *catalog.Settings) *string { return &st.Emblem }},
	{"conac", "党政机关网站标识", func(st *catalog.Settings) *string { return &st.ConacBadge }},
	{"psb", "公安备案图标", func(st *catalog.Settings) *string { return &st.PSBBadge }},
}

// imageField is one image of the settings form.
type imageField struct{ Name, Label, Key string }

// Images are the settings form's image fields with their current files.
func (p *settingsPage) Images() []imageField {
	st := p.Site.Settings
	out := make([]imageField, len(siteImages))
	for i, img := range siteImages {
		out[i] = imageField{img.Name, img.Label, *img.key(&st)}
	}
	return out
}

// maxSiteImage bounds an uploaded image: a badge is a few kilobytes, an
// emblem rarely 100.
const maxSiteImage = 512 << 10

// imageTypes are the formats accepted, by sniffed content type: raster
// images only (an SVG can carry script).
var imageTypes = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"}

// saveImages replaces or removes the site's images
// (POST /admin/settings/images, multipart: a file per image name, and
// remove_<name> to remove one). Every file is checked before anything is
// stored; the settings change is one audited update, and the replaced
// files are deleted after it.
func (s *Feature) saveImages(w http.ResponseWriter, r *http.Request) {
	p := &settingsPage{AdminPage: s.AdminPage(r, "站点设置")}
	st := p.Site.Settings
	p.Settings = &st
	fail := func(field, msg string) {
		p.Fail(&errs.Error{Code: errs.Invalid, Message: msg, Fields: map[string]string{field: msg}})
		s.Render(w, r, http.StatusUnprocessableEntity, "admin/settings", p)
	}
	// A form without files (only removals) may come url-encoded.
	if err := r.ParseMultipartForm(4 * maxSiteImage); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		fail("emblem", "上传失败：请选择不超过 512 KB 的图片")
		return
	}
	type upload struct {
		img  siteImage
		data []byte
		ext  string
	}
	var ups []upload
	for _, img := range siteImages {
		f, hdr, err := r.FormFile(img.Name)
		if err != nil {
			continue // no file for this image
		}
		data, err := io.ReadAll(io.LimitReader(f, maxSiteImage+1))
		f.Close()
		if err != nil {
			fail(img.Name, "上传失败，请重试")
			return
		}
		if len(data) == 0 && hdr.Filename == "" {
			continue
		}
		if len(data) > maxSiteImage {
			fail(img.Name, img.Label+"不能超过 512 KB")
			return
		}
		ext := imageTypes[http.DetectContentType(data)]
		if ext == "" {
			fail(img.Name, img.Label+"须为 PNG、JPEG、GIF 或 WebP 图片")
			return
		}
		ups = append(ups, upload{img, data, ext})
	}
	var old, added []string
	for _, u := range ups {
		b, err := s.Blobs.Put(r.Context(), bytes.NewReader(u.data), u.img.Name+u.ext, maxSiteImage)
		if err != nil {
			for _, k := range added {
				s.Blobs.Delete(k)
			}
			s.LogErr(r, err)
			fail(u.img.Name, errs.MessageOf(err))
			return
		}
		added = append(added, b.Key)
		k := u.img.key(&st)
		if *k != "" {
			old = append(old, *k)
		}
		*k = b.Key
	}
	for _, img := range siteImages {
		if r.PostFormValue("remove_"+img.Name) != "" {
			if k := img.key(&st); *k != "" && !contains(added, *k) {
				old = append(old, *k)
				*k = ""
			}
		}
	}
	if err := s.Catalog.UpdateSettings(r.Context(), p.User, p.Site.ID, p.Site.Name, st); err != nil {
		for _, k := range added {
			s.Blobs.Delete(k)
		}
		s.LogErr(r, err)
		p.Fail(err)
		s.Render(w, r, web.StatusOf(err), "admin/settings", p)
		return
	}
	for _, k := range old {
		if err := s.Blobs.Delete(k); err != nil {
			s.LogErr(r, err)
		}
	}
	http.Redirect(w, r, "/admin/settings?done=saved", http.StatusSeeOther)
}

func contains(ks []string, k string) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// image serves one of the site's images (GET /site-images/{name}). The
// pages link it with ?v=<key>, so it may be cached for a long time.
func (s *Feature) image(w http.ResponseWriter, r *http.Request) {
	st := web.SiteOf(r).Site.Settings
	for _, img := range siteImages {
		if img.Name != r.PathValue("name") {
			continue
		}
		key := *img.key(&st)
		if key == "" {
			break
		}
		f, err := s.Blobs.Open(key)
		if err != nil {
			s.LogErr(r, err)
			break
		}
		defer f.Close()
		head := make([]byte, 512)
		n, _ := io.ReadFull(f, head)
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			s.LogErr(r, err)
			break
		}
		w.Header().Set("Content-Type", http.DetectContentType(head[:n]))
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if strings.TrimPrefix(r.URL.RawQuery, "v=") == key {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=300")
		}
		w.Header().Set("ETag", `"`+key+`"`)
		http.ServeContent(w, r, "", time.Time{}, f)
		return
	}
	s.ErrorPage(w, r, errs.E(errs.NotFound, "没有这个图片"))
}
