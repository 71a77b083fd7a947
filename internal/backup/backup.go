// Package backup writes and restores a consistent backup of the database
// and the attachments while the server keeps running.
//
// A backup is a gzipped tar holding MANIFEST.json, the database (gongkai.db
// for SQLite, taken with VACUUM INTO; postgres.dump for PostgreSQL, taken
// with pg_dump in custom format) and attachments/… . The database snapshot is
// taken first; attachments are write-once files under random names, so every
// file the snapshot references is still there when they are copied (a file
// detached in between is the one exception, and is simply absent).
package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"gongkai/internal/store"
)

// Manifest describes a backup.
type Manifest struct {
	Format    int    `json:"format"`
	Dialect   string `json:"dialect"`
	CreatedAt string `json:"created_at"`
	Files     int    `json:"attachments"`
}

// Write writes a backup of db and dataDir/attachments to out.
func Write(ctx context.Context, db *store.DB, dsn, dataDir string, out io.Writer) (*Manifest, error) {
	tmp, err := os.MkdirTemp("", "gongkai-backup-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	m := &Manifest{Format: 1, Dialect: string(db.Dialect), CreatedAt: time.Now().UTC().Format(time.RFC3339)}
	var dbFile, dbName string
	switch db.Dialect {
	case store.SQLite:
		dbFile, dbName = filepath.Join(tmp, "gongkai.db"), "gongkai.db"
		if _, err := db.W.ExecContext(ctx, `VACUUM INTO $1`, dbFile); err != nil {
			return nil, fmt.Errorf("snapshot sqlite: %w", err)
		}
	case store.Postgres:
		dbFile, dbName = filepath.Join(tmp, "postgres.dump"), "postgres.dump"
		cmd := exec.CommandContext(ctx, "pg_dump", "--format=custom", "--no-owner", "--file="+dbFile, dsn)
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("pg_dump (install the PostgreSQL client tools): %v: %s", err, out)
		}
	}
	gz := gzip.NewWriter(out)
	tw := tar.NewWriter(gz)
	attDir := filepath.Join(dataDir, "attachments")
	var files []string
	filepath.WalkDir(attDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && !strings.HasPrefix(d.Name(), ".") {
			files = append(files, path)
		}
		return nil
	})
	m.Files = len(files)
	mb, _ := json.MarshalIndent(m, "", "  ")
	if err := writeBytes(tw, "MANIFEST.json", mb); err != nil {
		return nil, err
	}
	if err := writeFile(tw, dbName, dbFile); err != nil {
		return nil, err
	}
	for _, f := range files {
		rel, _ := filepath.Rel(dataDir, f)
		if err := writeFile(tw, filepath.ToSlash(rel), f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return m, gz.Close()
}

func writeBytes(tw *tar.Writer, name string, b []byte) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: time.Now()}); err != nil {
		return err
	}
	_, err := tw.Write(b)
	return err
}

func writeFile(tw *tar.Writer, name, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: st.ModTime()}); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}

// Restore unpacks a backup into dataDir (SQLite) or into the PostgreSQL
// database dsn. The server must be stopped. An existing SQLite database is
// kept beside the restored one as gongkai.db.before-restore.
func Restore(ctx context.Context, in io.Reader, dataDir, dsn string) (*Manifest, error) {
	gz, err := gzip.NewReader(in)
	if err != nil {
		return nil, fmt.Errorf("not a gongkai backup (gzip): %w", err)
	}
	tr := tar.NewReader(gz)
	stage, err := os.MkdirTemp(dataDir, ".restore-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(stage)
	var m *Manifest
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read backup: %w", err)
		}
		name := filepath.Clean(filepath.FromSlash(h.Name))
		if h.Typeflag != tar.TypeReg || filepath.IsAbs(name) || strings.HasPrefix(name, "..") {
			return nil, fmt.Errorf("backup contains an unsafe entry %q", h.Name)
		}
		if name == "MANIFEST.json" {
			m = &Manifest{}
			if err := json.NewDecoder(io.LimitReader(tr, 1<<20)).Decode(m); err != nil {
				return nil, fmt.Errorf("manifest: %w", err)
			}
			continue
		}
		dst := filepath.Join(stage, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, err
		}
		if _, err := io.Copy(f, tr); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
	}
	if m == nil || m.Format != 1 {
		return nil, errors.New("not a gongkai backup (no MANIFEST.json)")
	}
	switch m.Dialect {
	case string(store.SQLite):
		if dsn != "" && strings.HasPrefix(dsn, "postgres") {
			return nil, errors.New("this is a SQLite backup; restore it without --db")
		}
		target := filepath.Join(dataDir, "gongkai.db")
		if _, err := os.Stat(target); err == nil {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Rename(target+suffix, target+".before-restore"+suffix)
			}
		}
		if err := os.Rename(filepath.Join(stage, "gongkai.db"), target); err != nil {
			return nil, fmt.Errorf("restore database: %w", err)
		}
	case string(store.Postgres):
		if !strings.HasPrefix(dsn, "postgres") {
			return nil, errors.New("this is a PostgreSQL backup; pass --db postgres://… of an empty database")
		}
		cmd := exec.CommandContext(ctx, "pg_restore", "--no-owner", "--clean", "--if-exists", "--dbname="+dsn, filepath.Join(stage, "postgres.dump"))
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("pg_restore: %v: %s", err, out)
		}
	default:
		return nil, fmt.Errorf("unknown database kind %q in backup", m.Dialect)
	}
	// Attachments: add the files the backup has; existing ones stay.
	src := filepath.Join(stage, "attachments")
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(src, path)
		dst := filepath.Join(dataDir, "attachments", rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			return err
		}
		return os.Rename(path, dst)
	})
	return m, err
}
