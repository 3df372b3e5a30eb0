// Package cypher is the one package that talks to Neo4j: it owns the driver,
// every Cypher statement and the translation between graph records and the
// domain types of graph/model. Public methods open a managed transaction and
// call small unexported functions; Cypher text is a constant beside the
// method that runs it; values are always $parameters, and labels and
// relationship types come only from schema constants.
//
// Errors returned are *model.Error with these codes: NOT_FOUND (no such id),
// BAD_USER_INPUT (a record or query that breaks the model), CONFLICT (a write
// that contradicts what is stored), UNAVAILABLE (Neo4j unreachable), TIMEOUT
// (the context or the transaction timeout ran out) and INTERNAL.
package cypher

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/sanctiongraph/sanctiongraph/graph/bookmark"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/graph/reqlimit"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// Config says how to reach Neo4j.
type Config struct {
	// URI is the Bolt URI, e.g. bolt://127.0.0.1:7687 or neo4j+s://host.
	URI string
	// User and Password authenticate; an empty User connects without auth
	// (the project's local Neo4j runs with auth disabled).
	User     string
	Password string
	// Database names the database; default "neo4j".
	Database string
	// QueryTimeout bounds every transaction on the server side; default 30s.
	QueryTimeout time.Duration
	// PathTimeout bounds one path search inside Neo4j, whatever the
	// request allows; default 10s.
	PathTimeout time.Duration
	// MaxPoolSize caps open connections; default 50.
	MaxPoolSize int
	// RetryTime bounds how long the driver retries a transaction that
	// failed transiently (connection lost or refused, deadlock, database
	// unavailable); default 1s. The driver first waits about 2s (1s
	// doubled, ±20%) before a retry, then about 4s, 8s…, so 1s allows one
	// retry and fails after about 2s while Neo4j is down. Dead pooled
	// connections are retried at once, without that wait.
	RetryTime time.Duration
	// AppName is sent as transaction metadata; default "sanctiongraph".
	AppName string
	// Observer, when set, watches every transaction (metrics, tracing).
	Observer Observer
}

// Validate checks the configuration and fills defaults.
func (c *Config) Validate() error {
	if c.URI == "" {
		return errors.New("NEO4J_URI is required")
	}
	u, err := url.Parse(c.URI)
	if err != nil || u.Host == "" {
		return fmt.Errorf("NEO4J_URI %q is not a URI like bolt://host:7687", c.URI)
	}
	switch u.Scheme {
	case "bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc":
	default:
		return fmt.Errorf("NEO4J_URI scheme %q is not bolt, neo4j or their +s/+ssc forms", u.Scheme)
	}
	if c.Database == "" {
		c.Database = "neo4j"
	}
	if c.QueryTimeout <= 0 {
		c.QueryTimeout = 30 * time.Second
	}
	if c.PathTimeout <= 0 {
		c.PathTimeout = 10 * time.Second
	}
	if c.MaxPoolSize <= 0 {
		c.MaxPoolSize = 50
	}
	if c.RetryTime <= 0 {
		c.RetryTime = time.Second
	}
	if c.AppName == "" {
		c.AppName = "sanctiongraph"
	}
	return nil
}

// Store reads and writes the sanctions graph.
type Store struct {
	driver neo4j.DriverWithContext
	cfg    Config
	model  *schema.Model
	// queries counts transactions run, for tests that check batching.
	queries atomic.Int64
	// counts and totals keep dashboard counts and list totals while the
	// database is unchanged.
	counts *stateCache[*model.Counts]
	// countFlights shares one count among the requests that ask for it at
	// the same state (Counts).
	countFlights flights
	totals       *stateCache[int]
	// measures keeps what potentialViolations reads of the measures and
	// their resolutions' rolls, which no date range changes.
	measures *stateCache[measureSet]
	// listPlan forces how a resolved list sorted by name is read (planWalk,
	// planSort; tests compare them); "" chooses per page.
	listPlan string
	// resolvedAll is the number of resolved entities last read (0: not
	// yet), which chooses a resolved list's plan (resolvedPage).
	resolvedAll atomic.Int64
}

// Open creates a Store; it does not contact Neo4j (see Verify).
func Open(cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, &model.Error{Code: model.BadUserInput, Message: err.Error(), Op: "cypher.Open"}
	}
	auth := neo4j.NoAuth()
	if cfg.User != "" {
		auth = neo4j.BasicAuth(cfg.User, cfg.Password, "")
	}
	drv, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *config.Config) {
		c.MaxConnectionPoolSize = cfg.MaxPoolSize
		c.ConnectionAcquisitionTimeout = 5 * time.Second
		c.SocketConnectTimeout = 3 * time.Second
		// Retry transient failures briefly; while Neo4j is down requests
		// should fail fast with UNAVAILABLE rather than hang. (2s here let
		// the driver's back-off run two retries: errors came after ~6s and
		// a request straddling an outage took 11s; see Config.RetryTime.)
		c.MaxTransactionRetryTime = cfg.RetryTime
		c.UserAgent = cfg.AppName
		// Test pooled connections idle for a while before reuse, so a Neo4j
		// restart costs no failed request.
		c.ConnectionLivenessCheckTimeout = 10 * time.Second
	})
	if err != nil {
		return nil, &model.Error{Code: model.BadUserInput, Message: "cannot create Neo4j driver", Op: "cypher.Open", Err: err}
	}
	m, err := schema.LoadModel()
	if err != nil {
		return nil, err
	}
	return &Store{driver: drv, cfg: cfg, model: m, counts: newStateCache[*model.Counts](256), totals: newStateCache[int](1024),
		measures: newStateCache[measureSet](1)}, nil
}

// Close closes the driver and its connections.
func (s *Store) Close(ctx context.Context) error { return s.driver.Close(ctx) }

// Verify checks that Neo4j answers. Error code: UNAVAILABLE.
func (s *Store) Verify(ctx context.Context) error {
	err := translate("cypher.Store.Verify", s.driver.VerifyConnectivity(ctx))
	s.observeVerify(err)
	return err
}

const cypherReady = `MATCH (m:` + schema.MigrationLabel + `) RETURN count(m) AS n`

// Ready checks that Neo4j answers a real read of the graph, not only that
// it accepts connections: after a restart Neo4j accepts connections (and
// Verify succeeds) seconds before its database answers queries. Error
// codes: UNAVAILABLE, TIMEOUT.
func (s *Store) Ready(ctx context.Context) error {
	_, err := read(ctx, s, "cypher.Store.Ready", func(tx neo4j.ManagedTransaction) (int64, error) {
		return single[int64](ctx, tx, cypherReady, nil, "n")
	})
	s.observeVerify(err)
	return err
}

// QueryCount returns how many transactions the store has run; tests use it
// to check that nested GraphQL fields are batched.
func (s *Store) QueryCount() int64 { return s.queries.Load() }

// Database names the database the store uses.
func (s *Store) Database() string { return s.cfg.Database }

func (s *Store) txConfig(op string) func(*neo4j.TransactionConfig) {
	return func(c *neo4j.TransactionConfig) {
		c.Timeout = s.cfg.QueryTimeout
		c.Metadata = map[string]any{"app": s.cfg.AppName, "op": op}
	}
}

// sessionConfig is every session's: reads go out as read sessions (a
// cluster routes them to secondaries), and all sessions share the driver's
// bookmark manager, so a read waits for every write this process has
// committed (a curator's next read sees their write, on any member). The
// bookmarks a client sent back (graph/bookmark: another replica's writes)
// are added, so the transaction starts once the member has applied those
// too.
func (s *Store) sessionConfig(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionConfig {
	return neo4j.SessionConfig{
		DatabaseName:    s.cfg.Database,
		AccessMode:      mode,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager(),
		Bookmarks:       neo4j.BookmarksFromRawValues(bookmark.From(ctx)...),
	}
}

// Bookmarks are the bookmarks of the writes this store has committed (what
// a read waits for); for tests and diagnostics.
func (s *Store) Bookmarks(ctx context.Context) ([]string, error) {
	return s.driver.ExecuteQueryBookmarkManager().GetBookmarks(ctx)
}

// read runs work in a managed read transaction, within the request's
// budget of concurrent transactions (graph/reqlimit).
func read[T any](ctx context.Context, s *Store, op string, work func(tx neo4j.ManagedTransaction) (T, error)) (v T, err error) {
	v, _, err = readAt(ctx, s, op, work)
	return v, err
}

// readAt is read that also returns the state of the database the
// transaction read: the bookmark Neo4j gave it, which names the last
// transaction committed before it. Two reads with the same state saw the
// same data, so a result may be kept for as long as a trivial read
// (Store.state) answers that state.
func readAt[T any](ctx context.Context, s *Store, op string, work func(tx neo4j.ManagedTransaction) (T, error)) (v T, state string, err error) {
	s.queries.Add(1)
	release, err := reqlimit.Acquire(ctx)
	if err != nil {
		var zero T
		return zero, "", translate(op, err)
	}
	defer release()
	ctx, done := s.observe(ctx, op, ModeRead)
	defer func() { done(err) }()
	sess := s.driver.NewSession(ctx, s.sessionConfig(ctx, neo4j.AccessModeRead))
	defer sess.Close(ctx)
	v, err = neo4j.ExecuteRead(ctx, sess, work, s.txConfig(op))
	if err != nil {
		var zero T
		return zero, "", translate(op, withContext(ctx, err))
	}
	return v, strings.Join(sess.LastBookmarks(), ","), nil
}

// state is the database's current state (readAt): a read of nothing.
func (s *Store) state(ctx context.Context) (string, error) {
	_, st, err := readAt(ctx, s, "cypher.Store.state", func(tx neo4j.ManagedTransaction) (struct{}, error) {
		res, err := tx.Run(ctx, `RETURN 1`, nil)
		if err != nil {
			return struct{}{}, err
		}
		_, err = res.Consume(ctx)
		return struct{}{}, err
	})
	return st, err
}

// write runs work in a managed write transaction: all of it or nothing.
func write[T any](ctx context.Context, s *Store, op string, work func(tx neo4j.ManagedTransaction) (T, error)) (v T, err error) {
	s.queries.Add(1)
	release, err := reqlimit.Acquire(ctx)
	if err != nil {
		var zero T
		return zero, translate(op, err)
	}
	defer release()
	ctx, done := s.observe(ctx, op, ModeWrite)
	defer func() { done(err) }()
	sess := s.driver.NewSession(ctx, s.sessionConfig(ctx, neo4j.AccessModeWrite))
	defer sess.Close(ctx)
	v, err = neo4j.ExecuteWrite(ctx, sess, work, s.txConfig(op))
	if err != nil {
		var zero T
		return zero, translate(op, withContext(ctx, err))
	}
	return v, nil
}

// withContext attributes a driver failure to the caller's context when that
// context has ended: the driver reports a deadline that cut a query short as
// a connectivity error (it closes the connection to stop the query), which
// is the request's TIMEOUT, not Neo4j being unavailable.
func withContext(ctx context.Context, err error) error {
	var me *model.Error
	if ctx.Err() == nil || errors.As(err, &me) || errors.Is(err, ctx.Err()) {
		return err
	}
	return fmt.Errorf("%w (%w)", ctx.Err(), err)
}

// translate maps driver errors to coded model errors. Messages never carry
// Cypher or driver text; the cause stays in Err for the logs.
func translate(op string, err error) error {
	if err == nil {
		return nil
	}
	var me *model.Error
	if errors.As(err, &me) {
		if me.Op == "" {
			me.Op = op
		}
		return me
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return &model.Error{Code: model.Timeout, Message: "the query took too long and was cancelled", Op: op, Err: err}
	case errors.Is(err, context.Canceled):
		return &model.Error{Code: model.Timeout, Message: "the request was cancelled", Op: op, Err: err}
	}
	// The managed transactions give up with a TransactionExecutionLimit that
	// does not unwrap; what matters is the last attempt's error.
	var limit *neo4j.TransactionExecutionLimit
	if errors.As(err, &limit) && len(limit.Errors) > 0 {
		inner := translate(op, limit.Errors[len(limit.Errors)-1])
		var me *model.Error
		if errors.As(inner, &me) {
			me.Err = err
		}
		return inner
	}
	var ne *neo4j.Neo4jError
	if errors.As(err, &ne) {
		switch {
		case strings.HasPrefix(ne.Code, "Neo.ClientError.Transaction.InvalidBookmark"):
			return &model.Error{Code: model.BadUserInput, Message: "a bookmark in the " + bookmark.Header + " header was not issued by this graph database; send the values of a mutation's extensions.bookmarks", Op: op, Err: err}
		case ne.Code == "Neo.TransientError.Transaction.BookmarkTimeout":
			return &model.Error{Code: model.Unavailable, Message: "the graph database has not yet caught up with the writes the " + bookmark.Header + " header names; retry later", Op: op, Err: err}
		case strings.HasPrefix(ne.Code, "Neo.ClientError.Schema.ConstraintValidationFailed"):
			return &model.Error{Code: model.Conflict, Message: "the write conflicts with a stored record", Op: op, Err: err}
		case strings.Contains(ne.Code, "TransactionTimedOut"):
			return &model.Error{Code: model.Timeout, Message: "the query took too long and was cancelled", Op: op, Err: err}
		case ne.Code == "Neo.TransientError.General.DatabaseUnavailable": // stopping or starting, not busy
			return &model.Error{Code: model.Unavailable, Message: "the graph database is unavailable; retry later", Op: op, Err: err}
		case strings.HasPrefix(ne.Code, "Neo.TransientError"), strings.HasPrefix(ne.Code, "Neo.ClientError.Cluster"):
			return &model.Error{Code: model.Unavailable, Message: "the graph database is busy; retry later", Op: op, Err: err}
		case strings.HasPrefix(ne.Code, "Neo.ClientError.Security"):
			return &model.Error{Code: model.Unavailable, Message: "the service cannot sign in to the graph database", Op: op, Err: err}
		}
		return &model.Error{Code: model.Internal, Message: "internal error", Op: op, Err: err}
	}
	// A Bolt handshake cut short (an overloaded server, a cancelled dial)
	// fails on the versions read, and the driver reports a plain error.
	if neo4j.IsConnectivityError(err) || neo4j.IsRetryable(err) || strings.Contains(err.Error(), "Bolt versions") {
		return &model.Error{Code: model.Unavailable, Message: "the graph database is unavailable; retry later", Op: op, Err: err}
	}
	var pe *neo4j.TokenExpiredError
	if errors.As(err, &pe) {
		return &model.Error{Code: model.Unavailable, Message: "the service cannot sign in to the graph database", Op: op, Err: err}
	}
	var pool *neo4j.ConnectivityError
	if errors.As(err, &pool) {
		return &model.Error{Code: model.Unavailable, Message: "the graph database is unavailable; retry later", Op: op, Err: err}
	}
	return &model.Error{Code: model.Internal, Message: "internal error", Op: op, Err: err}
}

const cypherResetChainHead = `MERGE (h:` + schema.ChangeLogLabel + ` {id: 'head'}) SET h.seq = 0, h.hash = ''`

const cypherPurge = `MATCH (n) WHERE NOT n:` + schema.MigrationLabel + `
WITH n LIMIT 10000
DETACH DELETE n
RETURN count(*) AS n`

// Purge deletes every entity, relationship and evidence record, keeping the
// schema and the record of applied migrations. Tests use it to start clean.
func (s *Store) Purge(ctx context.Context) error {
	for {
		n, err := write(ctx, s, "cypher.Store.Purge", func(tx neo4j.ManagedTransaction) (int64, error) {
			res, err := tx.Run(ctx, cypherPurge, nil)
			if err != nil {
				return 0, err
			}
			rec, err := res.Single(ctx)
			if err != nil {
				return 0, err
			}
			n, _, err := neo4j.GetRecordValue[int64](rec, "n")
			return n, err
		})
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	// The graph is now as the migrations left a new one: with the change
	// log's head at its start (0008_change_chain).
	_, err := write(ctx, s, "cypher.Store.Purge", func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := tx.Run(ctx, cypherResetChainHead, nil)
		return struct{}{}, err
	})
	return err
}
