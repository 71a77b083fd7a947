package request

import (
	"strconv"

	"gongkai/internal/store"
)

func itoa(n int) string { return strconv.Itoa(n) }

var parseTime = store.ParseTime
