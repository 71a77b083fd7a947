package main

import (
	"os"

	"gongkai/internal/calendar"
)

// runWorkdays runs `gongkai workdays …` and returns its exit status.
func runWorkdays(args []string) int { return calendar.CLI(args, os.Stdout, os.Stderr) }
