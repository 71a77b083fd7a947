package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"

	"gongkai/internal/letter"
)

// runLetter writes a sample notice letter (internal/letter, with example
// data) to standard output, to look at the wording and the layout:
//
//	gongkai letter --kind withheld.3 > /tmp/x.pdf
//	gongkai letter --kind fee --format html > /tmp/x.html
//	gongkai letter --list
func runLetter(args []string) error {
	w := bufio.NewWriter(os.Stdout)
	if err := letterCLI(args, w); err != nil {
		return err
	}
	return w.Flush()
}

func letterCLI(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("letter", flag.ContinueOnError)
	kind := fs.String("kind", "disclosed", "告知书类型（--list 列出）")
	format := fs.String("format", "pdf", "pdf 或 html")
	list := fs.Bool("list", false, "列出全部告知书类型")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *list {
		for _, t := range letter.Templates() {
			fmt.Fprintf(w, "%-28s %s\n", t.Kind, t.Title)
		}
		return nil
	}
	l := letter.Sample(letter.Kind(*kind))
	switch *format {
	case "pdf":
		return letter.RenderPDF(w, l)
	case "html":
		fmt.Fprintf(w, "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>%s</title><style>%s</style><body>", *kind, letter.CSS)
		return letter.RenderHTML(w, l)
	default:
		return fmt.Errorf("未知格式 %q（应为 pdf 或 html）", *format)
	}
}
