package calendar

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"slices"
	"strconv"

	"gongkai/internal/errs"
)

// holidayFile is the JSON format of data/holidays-cn.json:
//
//	{"about": "…", "years": {"2021": {"notices": ["国办发明电〔2020〕27号"],
//	  "off": ["2021-01-01", …], "work": ["2021-02-07", …]}, …}}
type holidayFile struct {
	About string              `json:"about"`
	Years map[string]yearFile `json:"years"`
}

type yearFile struct {
	Notices []string `json:"notices"`
	Off     []Date   `json:"off"`
	Work    []Date   `json:"work"`
}

// ParseYears reads holiday data in the format of data/holidays-cn.json, so an
// administrator can import a new year's notice. Unknown fields are rejected to
// catch typos. It checks only the format; New validates the contents.
func ParseYears(data []byte) ([]Year, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f holidayFile
	if err := dec.Decode(&f); err != nil {
		return nil, invalidFile(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errs.E(errs.Invalid, "节假日数据文件格式错误：JSON 之后还有多余内容")
	}
	if len(f.Years) == 0 {
		return nil, errs.E(errs.Invalid, "节假日数据文件中没有任何年度（缺少 \"years\"）")
	}
	years := make([]Year, 0, len(f.Years))
	for _, key := range slices.Sorted(maps.Keys(f.Years)) {
		n, err := strconv.Atoi(key)
		if err != nil || len(key) != 4 || strconv.Itoa(n) != key {
			return nil, errs.E(errs.Invalid, "节假日数据文件格式错误：年度 %q 应为四位数字", key)
		}
		y := f.Years[key]
		years = append(years, Year{Year: n, Notices: y.Notices, Off: y.Off, Work: y.Work})
	}
	return years, nil
}

// invalidFile turns a decoding error into an errs.Invalid, keeping a date
// error's own message.
func invalidFile(err error) error {
	var e *errs.Error
	if errors.As(err, &e) {
		return &errs.Error{Code: errs.Invalid, Message: "节假日数据文件格式错误：" + e.Message, Err: err}
	}
	return &errs.Error{Code: errs.Invalid, Message: "节假日数据文件格式错误：" + err.Error(), Err: err}
}

// MarshalYears writes years in the format ParseYears reads.
func MarshalYears(years []Year, about string) ([]byte, error) {
	f := holidayFile{About: about, Years: map[string]yearFile{}}
	for _, y := range years {
		f.Years[strconv.Itoa(y.Year)] = yearFile{Notices: y.Notices, Off: y.Off, Work: y.Work}
	}
	return json.MarshalIndent(f, "", " ")
}
