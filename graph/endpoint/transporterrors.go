package endpoint

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// codeTransportErrors gives an extensions.code to the errors gqlgen's
// handler writes without the error presenter: "transport not supported"
// (400: a POST that is not application/json) and "GET requests only allow
// query operations" (406). They get GRAPHQL_VALIDATION_FAILED, the code the
// presenter gives gqlgen's own request errors, so every error a client sees
// has a code. Only answers of status 400 and above are held back and
// rewritten; they are small.
func codeTransportErrors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &codingWriter{ResponseWriter: w}
		next.ServeHTTP(cw, r)
		cw.finish()
	})
}

// codingWriter buffers error answers for codeTransportErrors.
type codingWriter struct {
	http.ResponseWriter
	status int
	buf    *bytes.Buffer // set while holding back an error answer
}

func (w *codingWriter) WriteHeader(code int) {
	if w.status != 0 {
		return
	}
	w.status = code
	if code >= http.StatusBadRequest {
		w.buf = &bytes.Buffer{}
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *codingWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.buf != nil {
		return w.buf.Write(p)
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *codingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *codingWriter) finish() {
	if w.buf == nil {
		return
	}
	body := w.buf.Bytes()
	var resp map[string]json.RawMessage
	var errs []map[string]any
	if json.Unmarshal(body, &resp) == nil && json.Unmarshal(resp["errors"], &errs) == nil {
		changed := false
		for _, e := range errs {
			ext, _ := e["extensions"].(map[string]any)
			if _, ok := ext["code"]; ok {
				continue
			}
			if ext == nil {
				ext = map[string]any{}
				e["extensions"] = ext
			}
			ext["code"] = "GRAPHQL_VALIDATION_FAILED"
			changed = true
		}
		if changed {
			if b, err := json.Marshal(errs); err == nil {
				resp["errors"] = b
				if b, err := json.Marshal(resp); err == nil {
					body = b
				}
			}
		}
	}
	if w.Header().Get("Content-Length") != "" {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.ResponseWriter.WriteHeader(w.status)
	_, _ = w.ResponseWriter.Write(body)
}
