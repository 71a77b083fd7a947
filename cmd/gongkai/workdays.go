package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calver"
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
		cal, err := (&calver.Versions{DB: db}).Import(ctx, nil, data, *note)
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
		if base, err = (&calver.Versions{DB: db}).Current(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "错误：", errs.MessageOrText(err))
			return 1
		}
	}
	return workdaysCLI(base, rest, os.Stdout, os.Stderr)
}

const cliUsage = `用法：gongkai workdays [--calendar 文件] <命令> [参数]

命令：
  add 日期 N        日期之后的第 N 个工作日（当日不计入；条例第三十三条）
  days 日期 N       日期加 N 个自然日，末日为休息日的顺延至其后第一个工作日（民法典第二百零三条）
  between 日期A 日期B  日期A（不含）至日期B（含）之间的工作日数
  is 日期           该日是工作日还是休息日；工作日退出码 0，休息日 1
  explain 日期 N    逐日说明 add 的计算过程
  version           节假日数据版本和已录入的年度

日期格式为 YYYY-MM-DD。--calendar 指定与内置数据同格式的 JSON 文件，代替内置数据。
退出码：0 成功，1 休息日（is），2 输入有误。
`

// workdaysCLI runs the workdays computations with args (after "workdays")
// over base, the calendar in force (the embedded one, or the newest imported
// into the database), and returns its exit status: 0 on success, 1 when
// `is` finds a day off, 2 on bad input.
func workdaysCLI(base *calendar.Calendar, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("workdays", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, cliUsage) }
	file := fs.String("calendar", "", "节假日数据 JSON 文件，代替内置数据")
	if err := fs.Parse(args); err != nil {
		return helpOr2(err)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	cmd := fs.Arg(0)
	// Accept the flag after the command name too: workdays add --calendar f.json …
	if err := fs.Parse(fs.Args()[1:]); err != nil {
		return helpOr2(err)
	}
	rest := fs.Args()
	if cmd == "help" {
		fmt.Fprint(stdout, cliUsage)
		return 0
	}

	cal := base
	if *file != "" {
		data, err := os.ReadFile(*file)
		if err != nil {
			fmt.Fprintf(stderr, "无法读取节假日数据文件：%v\n", err)
			return 2
		}
		if cal, err = calendar.Load(data); err != nil {
			fmt.Fprintf(stderr, "%s：%s\n", *file, errs.MessageOf(err))
			return 2
		}
	}

	fail := func(err error) int {
		fmt.Fprintln(stderr, errs.MessageOf(err))
		return 2
	}
	warn := func(a, b calendar.Date) {
		for _, w := range cal.Warnings(a, b) {
			fmt.Fprintln(stderr, "注意："+w)
		}
	}
	switch cmd {
	case "add", "days", "explain":
		d, n, err := dateAndCount(cmd, rest)
		if err != nil {
			return fail(err)
		}
		switch cmd {
		case "add":
			due := cal.AddWorkdays(d, n)
			warn(d, due)
			fmt.Fprintln(stdout, due)
		case "days":
			due := cal.AddDays(d, n)
			warn(d, due)
			fmt.Fprintln(stdout, due)
		case "explain":
			printExplanation(stdout, cal.ExplainAddWorkdays(d, n))
		}
		return 0
	case "between":
		if len(rest) != 2 {
			return fail(errs.E(errs.Invalid, "between 需要两个日期：between 日期A 日期B"))
		}
		a, err := calendar.Parse(rest[0])
		if err != nil {
			return fail(err)
		}
		b, err := calendar.Parse(rest[1])
		if err != nil {
			return fail(err)
		}
		warn(a, b)
		fmt.Fprintln(stdout, cal.WorkdaysBetween(a, b))
		return 0
	case "is":
		if len(rest) != 1 {
			return fail(errs.E(errs.Invalid, "is 需要一个日期：is 日期"))
		}
		d, err := calendar.Parse(rest[0])
		if err != nil {
			return fail(err)
		}
		warn(d, d)
		k := cal.Kind(d)
		what := k.String()
		if k == calendar.Workday || k == calendar.Weekend {
			what = calendar.WeekdayName(d)
		}
		if k.IsWorkday() {
			fmt.Fprintf(stdout, "%s %s，工作日\n", d, what)
			return 0
		}
		fmt.Fprintf(stdout, "%s %s，休息日\n", d, what)
		return 1
	case "version":
		if len(rest) != 0 {
			return fail(errs.E(errs.Invalid, "version 不需要参数"))
		}
		fmt.Fprintf(stdout, "节假日数据版本：%s\n", cal.Version())
		for _, y := range cal.Years() {
			fmt.Fprintf(stdout, "%d年度：放假%d天，调休上班%d天，依据%s\n", y.Year, len(y.Off), len(y.Work), strings.Join(y.Notices, "、"))
		}
		return 0
	}
	fmt.Fprintf(stderr, "未知命令 %q\n\n", cmd)
	fs.Usage()
	return 2
}

// dateAndCount reads the "日期 N" arguments of add, days and explain.
func dateAndCount(cmd string, args []string) (calendar.Date, int, error) {
	if len(args) != 2 {
		return calendar.Date{}, 0, errs.E(errs.Invalid, "%s 需要一个日期和一个天数：%s 日期 N", cmd, cmd)
	}
	d, err := calendar.Parse(args[0])
	if err != nil {
		return calendar.Date{}, 0, err
	}
	n, err := strconv.Atoi(args[1])
	if err != nil || n < 0 || n > calendar.MaxDays {
		return calendar.Date{}, 0, errs.E(errs.Invalid, "天数 %q 无效，应为 0 到 %d 之间的整数", args[1], calendar.MaxDays)
	}
	return d, n, nil
}

func printExplanation(w io.Writer, e calendar.Explanation) {
	fmt.Fprintln(w, e.Summary)
	for _, s := range e.Steps {
		fmt.Fprintf(w, "  %s %s  %s\n", s.Date, calendar.WeekdayName(s.Date), s.Note)
	}
	for _, warning := range e.Warnings {
		fmt.Fprintln(w, "注意："+warning)
	}
	fmt.Fprintln(w, "依据："+e.Basis)
	fmt.Fprintln(w, "节假日数据版本："+e.Version)
}

func helpOr2(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}
