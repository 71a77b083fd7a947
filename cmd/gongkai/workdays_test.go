package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gongkai/internal/calendar"
)

// runCLI runs the workdays computations over the embedded calendar and returns its exit status, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := workdaysCLI(calendar.Default(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// writeFile writes content to a file in a fresh temp dir and returns its path.
func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "holidays.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCLI(t *testing.T) {
	// A calendar file in which 2021-09-29 is a day off and nothing else is listed.
	custom := writeFile(t, `{"years":{"2021":{"notices":["测试通知"],"off":["2021-09-29"],"work":[]}}}`)
	invalid := writeFile(t, `{"years":{"2021":{"notices":["测试通知"],"off":["2021-09-29"],"work":["2021-09-30"]}}}`)

	for _, tc := range []struct {
		name      string
		args      []string
		code      int
		stdout    string   // the whole of stdout, unless contains is set
		contains  []string // parts of stdout
		stderrHas string
	}{
		{name: "add", args: []string{"add", "2021-09-28", "20"}, code: 0, stdout: "2021-11-01\n"},
		{name: "add 40", args: []string{"add", "2021-09-28", "40"}, code: 0, stdout: "2021-11-29\n"},
		{name: "days", args: []string{"days", "2021-06-14", "7"}, code: 0, stdout: "2021-06-21\n"},
		{name: "days into 国庆", args: []string{"days", "2021-09-28", "5"}, code: 0, stdout: "2021-10-08\n"},
		{name: "between", args: []string{"between", "2021-09-28", "2021-11-01"}, code: 0, stdout: "20\n"},
		{name: "is make-up day", args: []string{"is", "2021-10-09"}, code: 0, stdout: "2021-10-09 调休上班（补班），工作日\n"},
		{name: "is holiday", args: []string{"is", "2021-10-01"}, code: 1, stdout: "2021-10-01 节假日（放假），休息日\n"},
		{name: "is weekend", args: []string{"is", "2021-10-16"}, code: 1, stdout: "2021-10-16 周六，休息日\n"},
		{name: "is weekday", args: []string{"is", "2021-10-11"}, code: 0, stdout: "2021-10-11 周一，工作日\n"},
		{name: "is unknown year", args: []string{"is", "2027-01-04"}, code: 0, stdout: "2027-01-04 周一，工作日\n", stderrHas: "2027年度放假通知尚未录入"},
		{name: "is a statutory day of an unknown year", args: []string{"is", "2027-01-01"}, code: 1, stdout: "2027-01-01 节假日（放假），休息日\n", stderrHas: "暂定"},
		{name: "explain", args: []string{"explain", "2021-09-28", "20"}, code: 0, contains: []string{
			"第20个工作日为2021-11-01（周一）",
			"  2021-10-01 周五  节假日（放假，依国办发明电〔2020〕27号），不计入\n",
			"  2021-10-09 周六  调休上班（补班，依国办发明电〔2020〕27号），计第4个工作日\n",
			"  2021-10-10 周日  周末，不计入\n",
			"依据：《政府信息公开条例》第三十三条",
			"节假日数据版本：" + calendar.Default().Version(),
		}},
		{name: "version", args: []string{"version"}, code: 0, contains: []string{calendar.Default().Version(), "2023年度：放假27天，调休上班7天"}},
		{name: "help", args: []string{"help"}, code: 0, contains: []string{"用法"}},
		{name: "-h", args: []string{"-h"}, code: 0, stderrHas: "用法"},

		{name: "custom calendar", args: []string{"--calendar", custom, "add", "2021-09-28", "1"}, code: 0, stdout: "2021-09-30\n"},
		{name: "custom calendar after command", args: []string{"is", "--calendar", custom, "2021-10-01"}, code: 0, stdout: "2021-10-01 周五，工作日\n"},
		{name: "custom calendar missing", args: []string{"--calendar", filepath.Join(t.TempDir(), "none.json"), "add", "2021-09-28", "1"}, code: 2, stderrHas: "无法读取节假日数据文件"},
		{name: "custom calendar invalid", args: []string{"--calendar", invalid, "add", "2021-09-28", "1"}, code: 2, stderrHas: "调休上班日 2021-09-30 是周四，不是周末"},

		{name: "no command", args: nil, code: 2, stderrHas: "用法"},
		{name: "unknown command", args: []string{"sub", "2021-09-28", "1"}, code: 2, stderrHas: `未知命令 "sub"`},
		{name: "unknown flag", args: []string{"--cal", "x", "add", "2021-09-28", "1"}, code: 2, stderrHas: "flag provided but not defined"},
		{name: "bad date", args: []string{"add", "2021-13-01", "5"}, code: 2, stderrHas: `日期 "2021-13-01" 无效`},
		{name: "bad count", args: []string{"add", "2021-09-28", "x"}, code: 2, stderrHas: `天数 "x" 无效`},
		{name: "negative count", args: []string{"days", "2021-09-28", "-1"}, code: 2, stderrHas: `天数 "-1" 无效`},
		{name: "huge count", args: []string{"add", "2021-09-28", "99999999"}, code: 2, stderrHas: "无效"},
		{name: "missing count", args: []string{"explain", "2021-09-28"}, code: 2, stderrHas: "explain 需要一个日期和一个天数"},
		{name: "between one date", args: []string{"between", "2021-09-28"}, code: 2, stderrHas: "between 需要两个日期"},
		{name: "between bad date", args: []string{"between", "2021-09-28", "2021-02-30"}, code: 2, stderrHas: "无效"},
		{name: "is impossible date", args: []string{"is", "2021-02-30"}, code: 2, stderrHas: "无效"},
		{name: "is two dates", args: []string{"is", "2021-10-01", "2021-10-02"}, code: 2, stderrHas: "is 需要一个日期"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr %q", code, tc.code, stderr)
			}
			if tc.contains != nil {
				for _, s := range tc.contains {
					if !strings.Contains(stdout, s) {
						t.Errorf("stdout lacks %q:\n%s", s, stdout)
					}
				}
			} else if stdout != tc.stdout {
				t.Errorf("stdout = %q, want %q", stdout, tc.stdout)
			}
			if tc.stderrHas == "" && stderr != "" {
				t.Errorf("unexpected stderr %q", stderr)
			}
			if !strings.Contains(stderr, tc.stderrHas) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tc.stderrHas)
			}
		})
	}
}
