package endpoint

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/sanctiongraph/sanctiongraph/graph"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
)

// MaxMessageBytes caps the message of a parse, validation or transport
// error: those quote the request (gqlgen's POST transport quotes a body it
// cannot decode whole, up to the 1 MiB body limit), and an error should
// point at the problem, not send the input back.
const MaxMessageBytes = 300

// Excerpt is s cut to at most max bytes at a character boundary, with "…
// (N bytes cut)" when anything was cut.
func Excerpt(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes cut)", s[:cut], len(s)-cut)
}

// ErrorPresenter turns resolver errors into GraphQL errors: a *model.Error
// keeps its safe message and sets extensions.code; anything else is logged
// with the request id and shown as "internal error", code INTERNAL. Errors
// are logged here, once, and never carry Cypher or driver text to clients.
func ErrorPresenter(log *slog.Logger, reqID graph.RequestIDFunc) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) && gqlErr.Err == nil {
			// Parse and validation errors from gqlgen itself.
			if gqlErr.Extensions == nil {
				gqlErr.Extensions = map[string]any{}
			}
			if _, ok := gqlErr.Extensions["code"]; !ok {
				gqlErr.Extensions["code"] = "GRAPHQL_VALIDATION_FAILED"
			}
			gqlErr.Message = Excerpt(gqlErr.Message, MaxMessageBytes)
			return gqlErr
		}
		pres := graphql.DefaultErrorPresenter(ctx, err)
		code := model.ErrorCode(err)
		var me *model.Error
		if errors.As(err, &me) && code != model.Internal {
			pres.Message = me.Message
			if me.Err != nil && (code == model.Unavailable || code == model.Timeout) {
				log.WarnContext(ctx, "request failed", "code", code, "op", me.Op, "err", me.Err, "request_id", reqID(ctx))
			}
		} else {
			log.ErrorContext(ctx, "internal error", "err", err, "path", pres.Path.String(), "request_id", reqID(ctx))
			pres.Message = "internal error"
			code = model.Internal
		}
		if pres.Extensions == nil {
			pres.Extensions = map[string]any{}
		}
		pres.Extensions["code"] = code
		if me != nil && code != model.Internal {
			for k, v := range me.Details {
				if k != "code" {
					pres.Extensions[k] = v
				}
			}
		}
		return pres
	}
}

// Recover turns a panic in a resolver into an INTERNAL error, logged with
// its value; the client sees only "internal error".
func Recover(log *slog.Logger, reqID graph.RequestIDFunc) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "request_id", reqID(ctx))
		return &model.Error{Code: model.Internal, Message: "internal error"}
	}
}
