package request

// Processing fees (信息处理费), REFERENCE §3: 《政府信息公开信息处理费管理办法》
// (国办函〔2020〕109号) on the basis of 条例第四十二条. Answers are free by
// default; a fee applies only above the free thresholds, progressively by
// excess (超额累进). The agency picks one method per request, never both
// (办法第三条).

// Fee methods.
const (
	FeePerRequest = "per_request" // 按件计收 (办法第四条)
	FeePerPage    = "per_page"    // 按量计收 (办法第五条)
)

// FeeForRequest returns the fee in yuan for the n-th request (n ≥ 1) of the
// same applicant in one calendar month, counting per request (按件计收,
// 办法第四条): requests 1–10 are free, 11–30 cost 100 yuan each, and from the
// 31st, each band of 10 costs 100 yuan more per request than the one before
// (31–40 at 200, 41–50 at 300, …; REFERENCE §3 notes the band figures are a
// reading of the rule).
func FeeForRequest(n int) int {
	switch {
	case n <= 10:
		return 0
	case n <= 30:
		return 100
	}
	return 100 * (2 + (n-31)/10)
}

// FeeForPages returns the fee in yuan for one request of pages pages,
// counting per page (按量计收, 办法第五条): 30 pages or fewer are free,
// pages 31–100 cost 10 yuan each, 101–200 cost 20 yuan each, and from page
// 201, 40 yuan each (REFERENCE §3, [S16][S17]).
func FeeForPages(pages int) int {
	fee := 0
	band := func(from, to, price int) {
		if pages < from {
			return
		}
		n := min(pages, to) - from + 1
		fee += n * price
	}
	band(31, 100, 10)
	band(101, 200, 20)
	band(201, int(^uint(0)>>1), 40)
	return fee
}

// FeePayWorkdays is how long the applicant has to pay: 20 working days from
// the day after receiving the fee notice (REFERENCE §3, the Sichuan notice
// applying 109号 [S18]); unpaid, the request closes as （六）其他处理 2.
const FeePayWorkdays = 20
