package server

import (
	"net/http"

	"github.com/sanctiongraph/sanctiongraph/graph/auth"
	"github.com/sanctiongraph/sanctiongraph/graph/bookmark"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// withBookmarks hands the bookmarks of a request's Sanctiongraph-Bookmarks
// header (graph/bookmark) to the store, so the request's transactions start
// once the database has applied the writes they name: a curator's read on
// this replica sees a write committed through another. Only API keys may
// send them: a forged bookmark makes a read wait for a transaction that may
// never come, and an anonymous client must not be able to hold database
// connections that way. A malformed header, or one from an anonymous
// client, is refused with 400 before anything runs.
func withBookmarks(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		vals := r.Header.Values(bookmark.Header)
		if len(vals) == 0 {
			next.ServeHTTP(w, r)
			return
		}
		bms, err := bookmark.Parse(vals)
		if err != nil {
			writeError(w, http.StatusBadRequest, model.BadUserInput, err.Error())
			return
		}
		if len(bms) == 0 {
			next.ServeHTTP(w, r)
			return
		}
		if auth.From(r.Context()).Role < auth.Reader {
			writeError(w, http.StatusUnauthorized, model.Unauthenticated, "the "+bookmark.Header+" header is honoured for API keys only: send the key as `Authorization: Bearer <key>`")
			return
		}
		next.ServeHTTP(w, r.WithContext(bookmark.With(r.Context(), bms)))
	})
}
