package search

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"gongkai/internal/web"
)

// maxSuggestRunes bounds the prefix a suggestion is asked for.
const maxSuggestRunes = 50

// suggest serves GET /search/suggest?q=: up to 8 completions of what is
// being typed, as JSON for search.js (the progressive enhancement of the
// search boxes). Anything unusable answers an empty list, never an error.
func (s *Feature) suggest(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	out := []string{}
	if q != "" && utf8.RuneCountInString(q) <= maxSuggestRunes && hasText(q) {
		if e, err := s.engine(); err == nil {
			got, err := e.Suggest(r.Context(), web.SiteOf(r).Site.ID, q, 8)
			if err != nil {
				s.LogErr(r, err)
			} else if got != nil {
				out = got
			}
		}
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	web.WriteJSON(w, http.StatusOK, map[string]any{"q": q, "suggestions": out})
}
