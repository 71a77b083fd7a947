package letter

import (
	"errors"
	"fmt"
	"slices"

	"gongkai/internal/calendar"
)

// FeeMethod is one of the two ways of charging the 信息处理费; the agency
// picks one per request and never applies both (109号 Art. 3, REFERENCE §3).
type FeeMethod string

const (
	FeePerRequest FeeMethod = "per_request" // 按件计收 (109号 Art. 4)
	FeePerPage    FeeMethod = "per_page"    // 按量计收 (109号 Art. 5)
)

// FeeBand is one band of the progressive scale (超额累进) and how many units
// of this notice fall in it. To is 0 for the open top band.
type FeeBand struct {
	From, To int
	Rate     int // yuan per unit; 0 in the free band
	Units    int // units of this notice in the band
	Amount   int // Rate × Units, yuan
}

// Fee is a computed 信息处理费, as a 收费通知书 states it: the method, which
// units are charged, each band's share and the total. Build it with
// ComputeFeePerRequest or ComputeFeePerPage, then set PayBy and HowToPay.
type Fee struct {
	Method FeeMethod
	// First is the first unit charged: for FeePerRequest the request's
	// ordinal among the applicant's requests in the calendar month (1 = the
	// first); for FeePerPage always 1.
	First int
	Units int       // requests or pages
	Bands []FeeBand // every band the units touch, in order
	Total int       // yuan

	// PayBy is the last day to pay, if the caller computed it: 20 working
	// days from the day after the notice is received (REFERENCE §3, [S18]).
	PayBy calendar.Date
	// HowToPay says where and how to pay (account, counter, online).
	HowToPay string
}

// MaxFeeUnits bounds the units of one notice (a month's requests or one
// request's pages).
const MaxFeeUnits = 100000

type band struct{ from, to, rate int }

// perRequestBands: the same applicant's requests in one calendar month,
// cumulative: 1–10 free, 11–30 at 100 yuan, then bands of 10 each 100 yuan
// dearer (31–40 at 200, 41–50 at 300, …). 109号 Art. 4 [S14][S16][S17];
// the bands past 40 are REFERENCE's reading of "each band 100 more".
func perRequestBands(upTo int) []band {
	bs := []band{{1, 10, 0}, {11, 30, 100}}
	for from, rate := 31, 200; from <= upTo; from, rate = from+10, rate+100 {
		bs = append(bs, band{from, from + 9, rate})
	}
	return bs
}

// perPageBands: pages of one request: 1–30 free, 31–100 at 10 yuan,
// 101–200 at 20 yuan, from 201 at 40 yuan. 109号 Art. 5 [S16][S17].
var perPageBands = []band{{1, 30, 0}, {31, 100, 10}, {101, 200, 20}, {201, 0, 40}}

// ComputeFeePerRequest charges count requests (count ≥ 1) whose ordinals in
// the applicant's calendar month start at ordinal (≥ 1): one request is
// count 1; a multi-item application split by 一事一申请 is several.
func ComputeFeePerRequest(ordinal, count int) (Fee, error) {
	if ordinal < 1 || count < 1 || ordinal+count-1 > MaxFeeUnits {
		return Fee{}, fmt.Errorf("申请件数应在 1 至 %d 之间", MaxFeeUnits)
	}
	return compute(FeePerRequest, ordinal, count, perRequestBands(ordinal+count-1)), nil
}

// ComputeFeePerPage charges the pages of one request.
func ComputeFeePerPage(pages int) (Fee, error) {
	if pages < 1 || pages > MaxFeeUnits {
		return Fee{}, fmt.Errorf("页数应在 1 至 %d 之间", MaxFeeUnits)
	}
	return compute(FeePerPage, 1, pages, perPageBands), nil
}

func compute(m FeeMethod, first, units int, bands []band) Fee {
	f := Fee{Method: m, First: first, Units: units}
	last := first + units - 1
	for _, b := range bands {
		top := b.to
		if top == 0 || top > last {
			top = last
		}
		lo := max(b.from, first)
		if lo > top {
			continue
		}
		n := top - lo + 1
		f.Bands = append(f.Bands, FeeBand{From: b.from, To: b.to, Rate: b.rate, Units: n, Amount: n * b.rate})
		f.Total += n * b.rate
	}
	return f
}

// check verifies that a Fee is what the scale gives for its method and units
// (a caller may build one by hand) and that it charges something.
func (f *Fee) check() error {
	var want Fee
	var err error
	switch f.Method {
	case FeePerRequest:
		want, err = ComputeFeePerRequest(f.First, f.Units)
	case FeePerPage:
		if f.First != 1 {
			return errors.New("按量计收从第 1 页起计算")
		}
		want, err = ComputeFeePerPage(f.Units)
	default:
		return errors.New("请选择计收方式：按件计收或按量计收")
	}
	if err != nil {
		return err
	}
	if want.Total != f.Total || !slices.Equal(want.Bands, f.Bands) {
		return errors.New("信息处理费的金额与收费标准不符，请重新计算")
	}
	if f.Total == 0 {
		return errors.New("按收费标准本申请不收费，无需发出收费通知")
	}
	return nil
}

// yuan formats an amount in yuan with thousands separators.
func yuan(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
