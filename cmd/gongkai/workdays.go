package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"gongkai/internal/calendar"
	"gongkai/internal/errs"
)

// runWorkdays runs `gongkai workdays …` and returns its exit status.
// `workdays import FILE` stores a new year's (or corrected) holiday notice in
// the database as a new calendar version; the other commands compute with
// the calendar in force there (the embedded one when nothing was imported).
func runWorkdays(args []string) int {
	fs := flag.NewFlagSet("workdays", flag.ContinueOnError)
	var c common
	c.register(fs)
	note := fs.String("note", "", "with import: what the import is (e.g. 国办发明电〔2026〕x号)")
	// Pull out our flags wherever they stand; the rest goes to the calendar CLI.
	var rest, ours []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; a {
		case "--data", "-data", "--db", "-db", "--note", "-note":
			if i+1 < len(args) {
				ours = append(ours, a, args[i+1])
				i++
			}
		default:
			rest = append(rest, a)
		}
	}
	if err := fs.Parse(ours); err != nil {
		return 2
	}
	_, statErr := os.Stat(filepath.Join(c.data, "gongkai.db"))
	useDB := c.db != "" || statErr == nil
	if len(rest) > 0 && rest[0] == "import" {
		if len(rest) != 2 {
			fmt.Fprintln(os.Stderr, "用法：gongkai workdays import [--data DIR] [--db DSN] [--note 说明] FILE")
			return 2
		}
		data, err := os.ReadFile(rest[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, "无法读取文件：", err)
			return 2
		}
		ctx := context.Background()
		db, err := c.open(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, "错误：", errs.MessageOrText(err))
			return 1
		}
		defer db.Close()
		cal, err := (&calendar.Versions{DB: db}).Import(ctx, nil, data, *note)
		if err != nil {
			fmt.Fprintln(os.Stderr, "错误：", errs.MessageOrText(err))
			return 1
		}
		fmt.Printf("已导入节假日安排，新版本 %s；此前计算的期限保持原版本，需要时在后台“重新计算”。\n", cal.Version())
		return 0
	}
	base := calendar.Default()
	if useDB {
		ctx := context.Background()
		db, err := c.open(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, "错误：", errs.MessageOrText(err))
			return 1
		}
		defer db.Close()
		if base, err = (&calendar.Versions{DB: db}).Current(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "错误：", errs.MessageOrText(err))
			return 1
		}
	}
	return calendar.CLIWith(base, rest, os.Stdout, os.Stderr)
}
