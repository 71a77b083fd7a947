package main

import (
	"os"
	"strings"

	"gongkai/internal/calendar"
)

// runWorkdays runs `gongkai workdays …` and returns its exit status. It
// accepts the common --data and --db flags like every subcommand; the
// calendar it uses is the embedded one (or --calendar FILE).
func runWorkdays(args []string) int {
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--data" || a == "-data" || a == "--db" || a == "-db":
			i++ // skip the value
		case strings.HasPrefix(a, "--data=") || strings.HasPrefix(a, "--db=") || strings.HasPrefix(a, "-data=") || strings.HasPrefix(a, "-db="):
		default:
			rest = append(rest, a)
		}
	}
	return calendar.CLI(rest, os.Stdout, os.Stderr)
}
