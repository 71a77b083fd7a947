package app

import (
	"net/url"
	"strconv"
	"testing"
)

// TestPagePastTheEnd: a page number past a list's last page (an old link,
// a list that shrank) redirects to the last page — with the other
// parameters kept — instead of an empty table under "第 3 页 / 共 2 页":
// the catalogue, a column, the staff item list and the self-inspection.
func TestPagePastTheEnd(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		anon := e.browser()
		office := e.browser().login("office")
		zcwj := e.count(t, `SELECT COUNT(*) FROM items i JOIN columns c ON c.id = i.column_id
			WHERE c.site_id = $1 AND c.slug = 'zcwj' AND i.status = 'published'`, e.site.ID)
		all := e.count(t, `SELECT COUNT(*) FROM items WHERE site_id = $1`, e.site.ID)
		published := e.count(t, `SELECT COUNT(*) FROM items WHERE site_id = $1 AND status = 'published'`, e.site.ID)
		pages := func(n, per int) int { return max(1, (n+per-1)/per) }
		last := func(path string, n int) string {
			if n <= 1 {
				return path
			}
			// The query is encoded in key order (url.Values.Encode).
			u, err := url.Parse(path)
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			q.Set("page", strconv.Itoa(n))
			return u.Path + "?" + q.Encode()
		}
		cases := []struct {
			b          *browser
			path, want string
		}{
			{anon, "/columns/zcwj?page=99", last("/columns/zcwj", pages(zcwj, 20))},
			{anon, "/xxgk/catalogue?column=zcwj&page=99", last("/xxgk/catalogue?column=zcwj", pages(zcwj, 50))},
			{office, "/admin/items?page=99&status=published", last("/admin/items?status=published", pages(published, 30))},
			{office, "/admin/items?page=99", last("/admin/items", pages(all, 30))},
			{office, "/admin/compliance?page=99", "/admin/compliance"},
		}
		for _, c := range cases {
			r := c.b.get(c.path)
			if r.status != 302 || r.location != c.want {
				t.Errorf("%s: %d to %q, want 302 to %q", c.path, r.status, r.location, c.want)
			}
			if r := c.b.get(c.want); r.status != 200 {
				t.Errorf("%s: %d", c.want, r.status)
			}
		}
		// A page in range is served as before.
		if r := anon.get("/columns/zcwj"); r.status != 200 {
			t.Errorf("page 1: %d", r.status)
		}
	})
}
