package web

import (
	"context"
	"net/http"

	"gongkai/internal/store"
)

// Read replicas (store/replica.go): which requests may read from one.

// wroteCookie marks a browser that has just changed something (any POST):
// for a short while its reads go to the primary, on every node, so it sees
// its own change even before a replica has replayed it.
const wroteCookie = "gk_wrote"

// wroteFor is how long after a write a client reads from the primary.
const wroteFor = 10 // seconds; ReplicaGrace and more

// replicaRead lets an anonymous public GET (a page or a public API read)
// read from a replica. Staff (a session or a bearer token) and a client
// that has just written always read from the primary, as does everything
// after the first write of the request (store.ReadReplica).
func (s *Server) replicaRead(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && s.Catalog != nil && s.Catalog.DB.HasReplicas() &&
			r.Header.Get("Authorization") == "" && !hasCookie(r, sessionCookie) && !hasCookie(r, wroteCookie) {
			r = r.WithContext(store.ReadReplica(r.Context()))
		}
		next.ServeHTTP(w, r)
	})
}

func hasCookie(r *http.Request, name string) bool {
	_, err := r.Cookie(name)
	return err == nil
}

// wrote gives the client of a state-changing request wroteCookie (with
// replicas configured).
func (s *Server) wrote(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: wroteCookie, Value: "1", Path: "/", MaxAge: wroteFor, HttpOnly: true, Secure: s.Opts.Secure, SameSite: http.SameSiteLaxMode})
}

// markWrite runs when a state-changing request is done: this node's
// replicas must replay past where the primary now is before serving again,
// so a write that announces no change event (a request intake) is read
// back from the primary too.
func (s *Server) markWrite(r *http.Request, db *store.DB) {
	if err := db.MarkChange(context.WithoutCancel(r.Context())); err != nil {
		s.Log.Warn("read replicas: primary WAL position", "err", err)
	}
}
