// Package blob stores attachments (the files published with an item or sent
// with a request) on the local file system (OpenFS, the default) or in an
// S3-compatible object store (OpenS3).
//
// Files are accepted by their content, never by their name: PDF, the common
// image formats, Word, Excel and PowerPoint (binary and OOXML, including the
// WPS Office extensions) and OFD. The extension of the uploaded name must agree
// with the content, so a PDF named .docx or an HTML page named .pdf is refused.
// Each file is stored under a random key; the original name, MIME type and
// hash are the caller's to keep in the database.
package blob

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"gongkai/internal/errs"
)

// Blob describes a stored file.
type Blob struct {
	// Key names the file in the store: 32 lower-case hex digits.
	Key string
	// Size is the length in bytes.
	Size int64
	// SHA256 is the hex SHA-256 of the content, for integrity checks and
	// for spotting duplicates.
	SHA256 string
	// MIME is the media type of the detected content.
	MIME string
	// Ext is the extension of the original name, lower case with its dot
	// (".pdf"); it agrees with MIME.
	Ext string
}

// Errors returned by Store. All are *errs.Error values with a message users
// can read; test for them with errors.Is.
var (
	ErrNotFound = errs.E(errs.NotFound, "附件不存在或已被删除")
	ErrEmpty    = errs.E(errs.Invalid, "文件为空，请重新选择文件")
	ErrTooLarge = errs.E(errs.Invalid, "文件过大")
	ErrType     = errs.E(errs.Invalid, "不支持的文件类型：仅允许 PDF、Word、Excel、PowerPoint、WPS、OFD 和图片")
	ErrMismatch = errs.E(errs.Invalid, "文件扩展名与文件内容不符")
	ErrMacro    = errs.E(errs.Invalid, "不接受含宏的 Office 文档，请另存为不含宏的格式后再上传")
	ErrScript   = errs.E(errs.Invalid, "不接受含脚本（JavaScript）或启动程序动作的 PDF 文件，请重新导出或打印为普通 PDF 后再上传")
)

const (
	// tmpDir holds uploads in progress, inside the root so that the final
	// rename never crosses a file system.
	tmpDir = ".tmp"
	// staleTmp is how old an upload in progress must be before OpenFS
	// treats it as left behind by a crash.
	staleTmp = 24 * time.Hour
	dirPerm  = 0o750
	filePerm = 0o640
)

// Store keeps files under one directory, or in one bucket of an
// S3-compatible object store. Every local access goes through an os.Root, so
// no key or name can reach outside it. Uploads are checked on a local
// temporary file in both cases, so the content rules are the same whatever
// the back end. A Store is safe for concurrent use.
type Store struct {
	// root is the local directory: the files themselves, or (with s3) only
	// the uploads in progress and downloads being read.
	root *os.Root
	s3   *s3Client
}

// File is a stored file opened for reading: *os.File for the local
// directory, a reader of ranged GETs for object storage. Stat gives the
// size and modification time that http.ServeContent and the text
// extractor need.
type File interface {
	io.Reader
	io.ReaderAt
	io.Seeker
	io.Closer
	Stat() (fs.FileInfo, error)
}

// OpenFS opens (creating if needed) a store in dir and removes uploads left
// unfinished for more than a day.
func OpenFS(dir string) (*Store, error) {
	return openLocal(dir)
}

// openLocal opens dir as the local root with its temporary directory.
func openLocal(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		return nil, fmt.Errorf("blob: create %s: %w", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("blob: open %s: %w", dir, err)
	}
	if err := root.MkdirAll(tmpDir, dirPerm); err != nil {
		root.Close()
		return nil, fmt.Errorf("blob: create %s/%s: %w", dir, tmpDir, err)
	}
	s := &Store{root: root}
	s.removeStale(time.Now().Add(-staleTmp))
	return s, nil
}

// Close releases the store's directory handle. Files already opened with
// Open stay readable.
func (s *Store) Close() error {
	if s.s3 != nil {
		s.s3.http.CloseIdleConnections()
	}
	return s.root.Close()
}

// removeStale deletes temporary files last written before cutoff. Errors are
// ignored: a leftover file costs only disk space and is retried next start.
func (s *Store) removeStale(cutoff time.Time) {
	d, err := s.root.Open(tmpDir)
	if err != nil {
		return
	}
	defer d.Close()
	entries, err := d.ReadDir(-1)
	if err != nil {
		return
	}
	for _, e := range entries {
		info, err := e.Info()
		if err == nil && info.Mode().IsRegular() && info.ModTime().Before(cutoff) {
			s.root.Remove(path.Join(tmpDir, e.Name()))
		}
	}
}

// Put stores the content of r, reading at most limit bytes, and returns its
// description. originalName is the name the uploader gave; only its extension
// is used, and it must agree with the content.
//
// The content is written to a temporary file and renamed into place only
// once it has been accepted, so a refused or failed upload leaves nothing
// behind. Refusals are ErrTooLarge, ErrEmpty, ErrType, ErrMismatch or
// ErrMacro (match with errors.Is; errs.MessageOf gives the message to show).
func (s *Store) Put(ctx context.Context, r io.Reader, originalName string, limit int64) (Blob, error) {
	if limit <= 0 {
		return Blob{}, fmt.Errorf("blob: put: limit %d is not positive", limit)
	}
	ext := extOf(originalName)
	if !allowedExt(ext) {
		return Blob{}, ErrType
	}

	tmp := path.Join(tmpDir, newKey()+".part")
	f, err := s.root.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, filePerm)
	if err != nil {
		return Blob{}, fmt.Errorf("blob: put: %w", err)
	}
	kept := false
	defer func() {
		if !kept {
			f.Close()
			s.root.Remove(tmp)
		}
	}()

	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(ctxReader{ctx, r}, limit+1))
	if err != nil {
		return Blob{}, fmt.Errorf("blob: put %q: %w", originalName, err)
	}
	if n > limit {
		return Blob{}, &errs.Error{
			Code:    errs.Invalid,
			Message: "文件大小超过 " + formatSize(limit) + " 的上限",
			Err:     ErrTooLarge,
		}
	}
	if n == 0 {
		return Blob{}, ErrEmpty
	}

	k, err := detect(f, n)
	switch {
	case errors.Is(err, errUnknown):
		return Blob{}, ErrType
	case errors.Is(err, errMacro):
		return Blob{}, ErrMacro
	case errors.Is(err, errScript):
		return Blob{}, ErrScript
	case err != nil:
		return Blob{}, fmt.Errorf("blob: put %q: detect: %w", originalName, err)
	}
	if !k.allows(ext) {
		return Blob{}, &errs.Error{
			Code:    errs.Invalid,
			Message: fmt.Sprintf("文件扩展名 %s 与文件内容（%s）不符", ext, k.label),
			Err:     ErrMismatch,
		}
	}

	if err := ctx.Err(); err != nil {
		return Blob{}, fmt.Errorf("blob: put %q: %w", originalName, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	key := newKey()
	if s.s3 != nil {
		// The object store gets only accepted content; the temporary file
		// is removed by the deferred cleanup either way.
		if err := s.s3.put(ctx, keyPath(key), f, n, sum, k.mime); err != nil {
			return Blob{}, fmt.Errorf("blob: put %q: %w", originalName, err)
		}
		return Blob{Key: key, Size: n, SHA256: sum, MIME: k.mime, Ext: ext}, nil
	}
	if err := f.Sync(); err != nil {
		return Blob{}, fmt.Errorf("blob: put: sync: %w", err)
	}
	if err := f.Close(); err != nil {
		return Blob{}, fmt.Errorf("blob: put: close: %w", err)
	}
	final := keyPath(key)
	if err := s.root.MkdirAll(path.Dir(final), dirPerm); err != nil {
		return Blob{}, fmt.Errorf("blob: put: %w", err)
	}
	// A rename within one directory tree is atomic: readers see either no
	// file or the whole file.
	if err := s.root.Rename(tmp, final); err != nil {
		return Blob{}, fmt.Errorf("blob: put: %w", err)
	}
	kept = true
	return Blob{
		Key:    key,
		Size:   n,
		SHA256: sum,
		MIME:   k.mime,
		Ext:    ext,
	}, nil
}

// Open opens the file stored under key for reading. The caller closes it.
// A key that is not 32 lower-case hex digits is reported as ErrNotFound.
func (s *Store) Open(key string) (File, error) {
	if !validKey(key) {
		return nil, fmt.Errorf("blob: open %q: %w", key, ErrNotFound)
	}
	if s.s3 != nil {
		f, err := s.s3.open(s, keyPath(key))
		if err != nil {
			return nil, fmt.Errorf("blob: open %s: %w", key, err)
		}
		return f, nil
	}
	f, err := s.root.Open(keyPath(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("blob: open %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("blob: open %s: %w", key, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("blob: open %s: %w", key, err)
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("blob: open %s: %w", key, ErrNotFound)
	}
	return f, nil
}

// Delete removes the file stored under key. It returns ErrNotFound when
// there is none.
func (s *Store) Delete(key string) error {
	if !validKey(key) {
		return fmt.Errorf("blob: delete %q: %w", key, ErrNotFound)
	}
	if s.s3 != nil {
		if err := s.s3.remove(keyPath(key)); err != nil {
			return fmt.Errorf("blob: delete %s: %w", key, err)
		}
		return nil
	}
	err := s.root.Remove(keyPath(key))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: delete %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("blob: delete %s: %w", key, err)
	}
	return nil
}

// newKey returns 128 random bits in hex.
func newKey() string {
	var b [16]byte
	rand.Read(b[:]) // never fails since Go 1.24
	return hex.EncodeToString(b[:])
}

// validKey accepts exactly what newKey produces.
func validKey(key string) bool {
	if len(key) != 32 {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// keyPath fans files out over two directory levels ("ab/cd/abcd…") so that
// no directory holds more than a few hundred entries per 10⁷ files.
func keyPath(key string) string {
	return key[0:2] + "/" + key[2:4] + "/" + key
}

// extOf returns the lower-case extension of an uploaded file name, which
// some browsers send with a Windows path.
func extOf(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	return strings.ToLower(path.Ext(strings.TrimSpace(name)))
}

// formatSize renders a byte count for messages: "20 MB", "1.5 MB", "300 KB".
func formatSize(n int64) string {
	const kb, mb = 1 << 10, 1 << 20
	switch {
	case n >= mb:
		return strconv.FormatFloat(float64(n*10/mb)/10, 'f', -1, 64) + " MB"
	case n >= kb:
		return strconv.FormatInt(n/kb, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " 字节"
}

// ctxReader stops a copy when the request that feeds it is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
