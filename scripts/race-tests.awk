# The internal/app tests that start goroutines: their body says `go func`
# or `sync.WaitGroup`, or calls a helper of the test files whose body does.
# Run over the files twice (mode=helpers, then mode=tests helpers="a|b").
/^func / {
	line = $0
	sub(/^func (\([^)]*\) )?/, "", line)
	match(line, /^[A-Za-z0-9_]+/)
	name = substr(line, RSTART, RLENGTH)
	istest = ($0 ~ /^func Test[A-Za-z0-9_]*\(t \*testing\.T\)/)
	hit = 0
	next
}
name != "" && /go func|sync\.WaitGroup/ { hit = 1 }
name != "" && mode == "tests" && helpers != "" && $0 ~ ("(^|[^A-Za-z0-9_])(" helpers ")\\(") { hit = 1 }
/^}/ {
	if (name != "" && hit && (mode == "tests") == istest) print name
	name = ""
}
