package catalog

import (
	"regexp"
	"strconv"
	"strings"
)

// vttTiming is a WebVTT cue timing line: [hh:]mm:ss.ttt --> [hh:]mm:ss.ttt,
// optionally followed by cue settings.
var vttTiming = regexp.MustCompile(`^(\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3} +--> +(\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}( .*)?$`)

// CheckWebVTT checks captions as the page's <track> will read them (the
// W3C WebVTT format: a "WEBVTT" signature line, then cues whose timing
// lines are well formed) and returns a Chinese message, or "" when they
// are usable. It checks the structure a player needs, not every setting.
func CheckWebVTT(s string) string {
	s = strings.TrimPrefix(strings.ReplaceAll(s, "\r\n", "\n"), "\ufeff")
	first, rest, _ := strings.Cut(s, "\n")
	if first != "WEBVTT" && !strings.HasPrefix(first, "WEBVTT ") && !strings.HasPrefix(first, "WEBVTT\t") {
		return "字幕须为 WebVTT 格式：第一行应为 WEBVTT"
	}
	cues := 0
	for i, line := range strings.Split(rest, "\n") {
		line = strings.TrimSpace(line)
		if !strings.Contains(line, "-->") {
			continue
		}
		if !vttTiming.MatchString(line) {
			return "字幕第 " + strconv.Itoa(i+2) + " 行的时间格式有误，应如 00:00:01.000 --> 00:00:04.000"
		}
		cues++
	}
	if cues == 0 {
		return "字幕中没有任何带时间的字幕条目（如 00:00:01.000 --> 00:00:04.000）"
	}
	return ""
}
