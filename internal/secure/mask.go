package secure

import "strings"

// Masking shows enough of a personal datum for staff to recognise it while
// hiding the rest (GB/T 35273—2020 §7.2 个人信息的展示限制). All functions
// count characters, not bytes, trim surrounding spaces and return "" for "".

// mask keeps the first keepFirst and last keepLast runes of s and replaces
// each other rune with '*'. When s is too short to hide anything that way, it
// keeps only the last third, so at least two thirds are always hidden.
func mask(s string, keepFirst, keepLast int) string {
	r := []rune(s)
	n := len(r)
	if n == 0 {
		return ""
	}
	if n <= keepFirst+keepLast {
		keepFirst, keepLast = 0, n/3
	}
	return string(r[:keepFirst]) + strings.Repeat("*", n-keepFirst-keepLast) + string(r[n-keepLast:])
}

// MaskPhone keeps the first three and last four digits of a phone number:
// "13812345678" becomes "138****5678".
func MaskPhone(phone string) string {
	return mask(strings.TrimSpace(phone), 3, 4)
}

// MaskIDCard keeps the first three and last four characters of a resident
// identity card number: "370102199001011234" becomes "370***********1234".
func MaskIDCard(id string) string {
	return mask(strings.TrimSpace(id), 3, 4)
}

// MaskName keeps the first character of a name: "张三丰" becomes "张**" and
// "张三" becomes "张*". A one-character name is hidden entirely.
func MaskName(name string) string {
	return mask(strings.TrimSpace(name), 1, 0)
}

// MaskEmail keeps the first character of the local part and the domain:
// "zhangsan@example.com" becomes "z*******@example.com". A one-character
// local part is hidden entirely. Input without "@" is masked like a name.
func MaskEmail(email string) string {
	email = strings.TrimSpace(email)
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return MaskName(email)
	}
	return MaskName(email[:at]) + email[at:]
}
