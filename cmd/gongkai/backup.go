package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"gongkai/internal/backup"
	"gongkai/internal/store"
)

func runBackup(args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	var c common
	c.register(fs)
	out := fs.String("out", "", "backup file to write (.tar.gz)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("请用 --out FILE 指定备份文件")
	}
	ctx := context.Background()
	db, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	tmp := *out + ".partial"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	m, err := backup.Write(ctx, db, c.db, c.data, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, *out); err != nil {
		return err
	}
	fmt.Printf("备份完成：%s（%s 数据库，%d 个附件）\n", *out, m.Dialect, m.Files)
	return nil
}

func runRestore(args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	var c common
	c.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("用法：gongkai restore [--data DIR] [--db DSN] FILE")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	if err := os.MkdirAll(c.data, 0o750); err != nil {
		return err
	}
	m, err := backup.Restore(context.Background(), f, c.data, c.db)
	if err != nil {
		return err
	}
	// Bring the restored database up to this binary's schema.
	db, err := store.Open(context.Background(), c.dsn())
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(context.Background()); err != nil {
		return err
	}
	fmt.Printf("已从 %s 恢复（%s 数据库，%d 个附件，备份时间 %s）到 %s\n", fs.Arg(0), m.Dialect, m.Files, m.CreatedAt, filepath.Clean(c.data))
	return nil
}
