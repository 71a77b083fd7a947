package lists

import (
	"bytes"
	"io"
	"net/http"
	"time"

	"gongkai/internal/errs"
	"gongkai/internal/lists"
	"gongkai/internal/web"
)

// Uploaded images of a kind's image fields (issue 15: a leader's photo is
// an uploaded file with its text alternative, not an address).

// maxListImage bounds an uploaded photo.
const maxListImage = 1 << 20

// imageExts are the raster formats accepted, by sniffed content type (an
// SVG can carry script); the stored name's extension follows the content.
var imageExts = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"}

// uploadImages stores the image files of the row form (multipart, a file
// input per image field) and sets their keys in raw; a field without a
// file keeps the value it had (prev), or none when remove_<field> is
// ticked. The keys of the files it stored are returned so that a refused
// save can delete them.
func (s *Feature) uploadImages(r *http.Request, k *lists.Kind, prev map[string]string, raw map[string]string) (added []string, err error) {
	for name := range k.Images {
		raw[name] = prev[name]
		if r.PostFormValue("remove_"+name) != "" {
			raw[name] = ""
		}
		if r.MultipartForm == nil {
			continue
		}
		f, hdr, ferr := r.FormFile(name)
		if ferr != nil {
			continue // no file chosen
		}
		data, rerr := io.ReadAll(io.LimitReader(f, maxListImage+1))
		f.Close()
		fld, _ := k.Field(name)
		bad := func(msg string) error {
			return &errs.Error{Code: errs.Invalid, Message: "提交的内容有误，请按提示修改", Fields: map[string]string{name: msg}}
		}
		switch {
		case rerr != nil:
			return added, bad(fld.Label + "上传失败，请重试")
		case len(data) == 0 && hdr.Filename == "":
			continue
		case len(data) == 0:
			return added, bad(fld.Label + "是空文件")
		case len(data) > maxListImage:
			return added, bad(fld.Label + "不能超过 1 MB")
		}
		ext := imageExts[http.DetectContentType(data)]
		if ext == "" {
			return added, bad(fld.Label + "须为 PNG、JPEG、GIF 或 WebP 图片")
		}
		b, perr := s.Blobs.Put(r.Context(), bytes.NewReader(data), name+ext, maxListImage)
		if perr != nil {
			if errs.CodeOf(perr) == errs.Invalid {
				return added, bad(fld.Label + "：" + errs.MessageOf(perr))
			}
			return added, perr
		}
		added = append(added, b.Key)
		raw[name] = b.Key
	}
	return added, nil
}

// image serves an uploaded image of a published edition
// (GET /lists/{kind}/images/{key}).
func (s *Feature) image(w http.ResponseWriter, r *http.Request) { s.serveImage(w, r, false) }

// adminImage serves an uploaded image of any edition, drafts included,
// for the back office's previews (GET /admin/lists/{kind}/images/{key}).
func (s *Feature) adminImage(w http.ResponseWriter, r *http.Request) { s.serveImage(w, r, true) }

func (s *Feature) serveImage(w http.ResponseWriter, r *http.Request, drafts bool) {
	notFound := func() {
		if drafts {
			s.AdminError(w, r, errs.E(errs.NotFound, "没有这个图片"))
		} else {
			s.ErrorPage(w, r, errs.E(errs.NotFound, "没有这个图片"))
		}
	}
	k, err := s.kindOf(r)
	if err != nil || s.Blobs == nil {
		notFound()
		return
	}
	key := r.PathValue("key")
	ok, err := s.Lists.ImageUsed(r.Context(), web.SiteOf(r).Site.ID, k, key, drafts)
	if err != nil {
		s.LogErr(r, err)
	}
	if !ok {
		notFound()
		return
	}
	f, err := s.Blobs.Open(key)
	if err != nil {
		s.LogErr(r, err)
		notFound()
		return
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	ct := http.DetectContentType(head[:n])
	if _, ok := imageExts[ct]; !ok {
		notFound() // never serve a non-image under an image's name
		return
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		s.LogErr(r, err)
		notFound()
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	// A key names one file for ever: a new photo is a new key.
	if drafts {
		w.Header().Set("Cache-Control", "private, max-age=300")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	w.Header().Set("ETag", `"`+key+`"`)
	http.ServeContent(w, r, "", time.Time{}, f)
}
