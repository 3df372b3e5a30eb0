package model

import (
	"errors"
	"fmt"
)

// Error codes that reach clients in extensions.code. They are part of the
// API: never rename or remove one.
const (
	// BadUserInput: an argument or input record is wrong; the message names it.
	BadUserInput = "BAD_USER_INPUT"
	// NotFound: no entity, relationship or record with that id.
	NotFound = "NOT_FOUND"
	// Conflict: the write contradicts what is stored (e.g. an id of another kind).
	Conflict = "CONFLICT"
	// Unauthenticated: a credential is required or was not accepted.
	Unauthenticated = "UNAUTHENTICATED"
	// Forbidden: the credential's role does not allow this.
	Forbidden = "FORBIDDEN"
	// RateLimited: too many requests from this client.
	RateLimited = "RATE_LIMITED"
	// Timeout: the request took longer than its limit and was cancelled.
	Timeout = "TIMEOUT"
	// Unavailable: Neo4j cannot be reached; retry later.
	Unavailable = "UNAVAILABLE"
	// Internal: anything else; details are logged, never shown.
	Internal = "INTERNAL"
)

// Error is an error with a code and a message safe to show to clients. Op
// names the operation ("cypher.Store.Entity"); Err is the cause, logged but
// never shown.
type Error struct {
	Code    string
	Message string
	Op      string
	Err     error
	// Details are extra, client-safe facts for extensions (e.g. candidates
	// for an ambiguous name).
	Details map[string]any
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Op != "" {
		msg = e.Op + ": " + msg
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a formatted, client-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, Internal for
// any other error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// ErrorMessage returns the client-safe message of err: the *Error's message,
// or "internal error" for anything else.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
