package cypher

import "context"

// Access modes passed to an Observer.
const (
	ModeRead  = "read"
	ModeWrite = "write"
)

// Observer watches the store's managed transactions, for metrics and
// tracing; the package itself imports neither. A nil Observer in Config
// costs nothing.
//
// StartQuery is called as a transaction's session opens, with the store
// operation's name ("cypher.Store.Search") and ModeRead or ModeWrite. The
// context it returns carries on into the session and the transaction (a
// tracer puts its span there); the function it returns is called once,
// after the session has closed, with the error the store returns (a
// *model.Error, or nil). Observers see neither Cypher text nor parameters.
type Observer interface {
	StartQuery(ctx context.Context, op, mode string) (context.Context, func(err error))
}

// VerifyObserver is an Observer that also wants the result of every Verify
// (readiness checks, the wait for Neo4j at start).
type VerifyObserver interface {
	ObserveVerify(err error)
}

// Observers combines observers into one, called in order; nil entries are
// dropped, and none at all gives nil.
func Observers(obs ...Observer) Observer {
	var list multiObserver
	for _, o := range obs {
		if o != nil {
			list = append(list, o)
		}
	}
	switch len(list) {
	case 0:
		return nil
	case 1:
		return list[0]
	}
	return list
}

type multiObserver []Observer

func (m multiObserver) StartQuery(ctx context.Context, op, mode string) (context.Context, func(error)) {
	dones := make([]func(error), len(m))
	for i, o := range m {
		ctx, dones[i] = o.StartQuery(ctx, op, mode)
	}
	return ctx, func(err error) {
		for i := len(dones) - 1; i >= 0; i-- {
			dones[i](err)
		}
	}
}

func (m multiObserver) ObserveVerify(err error) {
	for _, o := range m {
		if v, ok := o.(VerifyObserver); ok {
			v.ObserveVerify(err)
		}
	}
}

func noDone(error) {}

// observe starts watching one transaction; the result's function must be
// called once it ends.
func (s *Store) observe(ctx context.Context, op, mode string) (context.Context, func(error)) {
	if s.cfg.Observer == nil {
		return ctx, noDone
	}
	return s.cfg.Observer.StartQuery(ctx, op, mode)
}

func (s *Store) observeVerify(err error) {
	if v, ok := s.cfg.Observer.(VerifyObserver); ok {
		v.ObserveVerify(err)
	}
}

// MaxPoolSize is the configured cap on open Neo4j connections (the v5
// driver reports no pool statistics; metrics export this beside the
// sessions in flight that an Observer counts).
func (s *Store) MaxPoolSize() int { return s.cfg.MaxPoolSize }
