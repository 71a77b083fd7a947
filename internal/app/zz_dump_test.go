package app

import (
	"os"
	"testing"

	"gongkai/internal/store"
)

func TestZZDump(t *testing.T) {
	e := newEnv(t, store.SQLite)
	b := e.browser()
	os.WriteFile("/tmp/ws/page.html", []byte(b.get("/search?q=%E7%A4%BE%E5%8C%BA%E5%A8%87%E6%AD%A3&year=2021").body), 0o644)
	os.WriteFile("/tmp/ws/api.json", []byte(b.get("/api/v1/search?q=%E7%A4%BE%E5%8C%BA").body), 0o644)
	os.WriteFile("/tmp/ws/feed.xml", []byte(b.get("/search/feed.xml?q=%E7%A4%BE%E5%8C%BA").body), 0o644)
	a := e.browser().login("admin")
	os.WriteFile("/tmp/ws/bb.html", []byte(a.get("/admin/search/bestbets").body), 0o644)
}
