package ftm

import (
	"context"
)

// linksPass reports whether a schema's lines are emitted in the links pass:
// they point at other entities, which the nodes pass emits first.
func linksPass(schemaName string) bool {
	_, isLink := links[schemaName]
	return isLink || schemaName == "Sanction"
}

// line maps one decoded line in pass p. Each line is counted and accounted
// for in one pass only: passAll, or its home pass (nodes or links).
func (l *loader) line(ctx context.Context, n int, e *entity, p passKind) error {
	if p != passLinks {
		l.sum.Lines++
		l.sum.BySchema[e.Schema]++
		if e.LastChange > l.latest {
			l.latest = e.LastChange
		}
	}
	home := p == passAll || (p == passLinks) == linksPass(e.Schema)
	switch {
	case e.ID == "":
		if p != passLinks {
			return l.skip(ctx, n, "", "no id")
		}
		return nil
	case e.Schema == "":
		if p != passLinks {
			return l.skip(ctx, n, e.ID, "no schema")
		}
		return nil
	}

	if kind, ok := nodeKinds[e.Schema]; ok {
		switch p {
		case passLinks:
			if e.Schema == "Vehicle" || e.Schema == "Vessel" || e.Schema == "Airplane" {
				b := l.newBuilder(e, n, ID(e.ID)+" links")
				b.vehicleLinks()
				_, err := b.flush(ctx)
				return err
			}
			return nil
		default:
			b := l.newBuilder(e, n, ID(e.ID))
			b.thing(kind, p == passAll)
			return l.emitted(b.flush(ctx))
		}
	}
	if !home {
		return nil
	}
	if m, ok := links[e.Schema]; ok {
		b := l.newBuilder(e, n, ID(e.ID))
		if reason := b.linkLine(m); reason != "" {
			return l.skip(ctx, n, e.ID, reason)
		}
		return l.emitted(b.flush(ctx))
	}
	switch e.Schema {
	case "Sanction":
		b := l.newBuilder(e, n, ID(e.ID))
		if reason := b.sanction(); reason != "" {
			return l.skip(ctx, n, e.ID, reason)
		}
		return l.emitted(b.flush(ctx))
	case "Address":
		switch {
		case l.idx == nil:
			return l.skip(ctx, n, e.ID, "Address: needs the index pass to reach its entities")
		default:
			if _, ok := l.idx.address(e.ID); !ok {
				return l.skip(ctx, n, e.ID, "Address: not in the index (built from another file?)")
			}
			l.addrLines = append(l.addrLines, addrLine{line: n, id: e.ID})
			return nil
		}
	case "Passport", "Identification":
		return l.document(ctx, n, e)
	}
	return l.skip(ctx, n, e.ID, "schema "+e.Schema+" not mapped")
}

// emitted counts a line whose record was emitted.
func (l *loader) emitted(ok bool, err error) error {
	if ok && err == nil {
		l.sum.Emitted++
	}
	return err
}

// document accounts for a Passport or Identification line: folded into
// its holder's description when the holder is a node of this file,
// skipped otherwise.
func (l *loader) document(ctx context.Context, n int, e *entity) error {
	holders, doc := document(e)
	switch {
	case len(holders) == 0:
		return l.skip(ctx, n, e.ID, e.Schema+": no holder")
	case doc == "":
		return l.skip(ctx, n, e.ID, e.Schema+": no document number")
	case l.idx == nil:
		return l.skip(ctx, n, e.ID, e.Schema+": needs the index pass to reach its holder")
	}
	for _, h := range holders {
		if sch, ok := l.idx.Schema(h); ok {
			if _, mapped := nodeKinds[sch]; mapped {
				l.sum.Folded[e.Schema+": folded into the holder's description"]++
				return nil
			}
		}
	}
	return l.skip(ctx, n, e.ID, e.Schema+": holder not a mapped entity of the file")
}
