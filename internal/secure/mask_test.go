package secure

import "testing"

func TestMask(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) string
		in   string
		want string
	}{
		{"phone", MaskPhone, "13812345678", "138****5678"},
		{"phone spaces", MaskPhone, " 13812345678 ", "138****5678"},
		{"phone landline", MaskPhone, "010-12345678", "010*****5678"},
		{"phone short", MaskPhone, "12345", "****5"},
		{"phone 7", MaskPhone, "1234567", "*****67"},
		{"phone 8", MaskPhone, "12345678", "123*5678"},
		{"phone one", MaskPhone, "1", "*"},
		{"phone two", MaskPhone, "12", "**"},
		{"phone empty", MaskPhone, "", ""},
		{"id 18", MaskIDCard, "370102199001011234", "370***********1234"},
		{"id 18 X", MaskIDCard, "37010219900101123X", "370***********123X"},
		{"id 15", MaskIDCard, "370102900101123", "370********1123"},
		{"id short", MaskIDCard, "370", "**0"},
		{"id empty", MaskIDCard, "", ""},
		{"name 3", MaskName, "张三丰", "张**"},
		{"name 2", MaskName, "张三", "张*"},
		{"name 1", MaskName, "张", "*"},
		{"name compound", MaskName, "欧阳娜娜", "欧***"},
		{"name minority", MaskName, "阿依古丽·买买提", "阿*******"},
		{"name latin", MaskName, "John", "J***"},
		{"name spaces", MaskName, "  张三  ", "张*"},
		{"name empty", MaskName, "", ""},
		{"email", MaskEmail, "zhangsan@example.com", "z*******@example.com"},
		{"email one", MaskEmail, "z@example.com", "*@example.com"},
		{"email chinese", MaskEmail, "张三@例子.中国", "张*@例子.中国"},
		{"email no local", MaskEmail, "@example.com", "@example.com"},
		{"email no at", MaskEmail, "zhangsan", "z*******"},
		{"email two at", MaskEmail, `"a@b"@example.com`, `"****@example.com`},
		{"email empty", MaskEmail, "", ""},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("%s: mask(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}
