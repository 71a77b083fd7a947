package calendar

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"gongkai/internal/errs"
)

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

// CLI runs the workdays subcommand with args (after "workdays") and returns
// its exit status: 0 on success, 1 when `is` finds a day off, 2 on bad input.
func CLI(args []string, stdout, stderr io.Writer) int {
	return CLIWith(Default(), args, stdout, stderr)
}

// CLIWith is CLI over base, the calendar in force (the embedded one, or the
// newest imported into the database).
func CLIWith(base *Calendar, args []string, stdout, stderr io.Writer) int {
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
		if cal, err = Load(data); err != nil {
			fmt.Fprintf(stderr, "%s：%s\n", *file, errs.MessageOf(err))
			return 2
		}
	}

	fail := func(err error) int {
		fmt.Fprintln(stderr, errs.MessageOf(err))
		return 2
	}
	warn := func(a, b Date) {
		for _, w := range cal.warnings(a, b) {
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
		a, err := Parse(rest[0])
		if err != nil {
			return fail(err)
		}
		b, err := Parse(rest[1])
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
		d, err := Parse(rest[0])
		if err != nil {
			return fail(err)
		}
		warn(d, d)
		k := cal.Kind(d)
		what := k.String()
		if k == Workday || k == Weekend {
			what = weekdayName(d)
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
func dateAndCount(cmd string, args []string) (Date, int, error) {
	if len(args) != 2 {
		return Date{}, 0, errs.E(errs.Invalid, "%s 需要一个日期和一个天数：%s 日期 N", cmd, cmd)
	}
	d, err := Parse(args[0])
	if err != nil {
		return Date{}, 0, err
	}
	n, err := strconv.Atoi(args[1])
	if err != nil || n < 0 || n > MaxDays {
		return Date{}, 0, errs.E(errs.Invalid, "天数 %q 无效，应为 0 到 %d 之间的整数", args[1], MaxDays)
	}
	return d, n, nil
}

func printExplanation(w io.Writer, e Explanation) {
	fmt.Fprintln(w, e.Summary)
	for _, s := range e.Steps {
		fmt.Fprintf(w, "  %s %s  %s\n", s.Date, weekdayName(s.Date), s.Note)
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
