package breach

import (
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

const ruleEvidence = "7. Evidence: every fact used is returned with its role, and the finding's status is the weakest of them " +
	"(a fact whose sources conflict is DISPUTED). With a minimum status, only facts at least that well established are used."

// factSet collects the facts of a finding once each, by role and id.
type factSet struct {
	list []*model.Fact
	seen map[string]bool
}

func (fs *factSet) add(f *model.Fact) {
	id := ""
	if f.Entity != nil {
		id = f.Entity.ID
	} else if f.Relationship != nil {
		id = f.Relationship.ID
	}
	key := string(f.Role) + "\x00" + id
	if fs.seen == nil {
		fs.seen = map[string]bool{}
	}
	if fs.seen[key] {
		return
	}
	fs.seen[key] = true
	fs.list = append(fs.list, f)
}

func (fs *factSet) entity(role model.FactRole, e *model.Entity) {
	fs.add(&model.Fact{Role: role, Entity: e, Status: e.Status})
}

func (fs *factSet) rel(role model.FactRole, r *model.Relationship) {
	fs.add(&model.Fact{Role: role, Relationship: r, Status: r.Status})
}

// weakest is the lowest-ranked status of the facts.
func (fs *factSet) weakest() schema.Status {
	w := schema.Confirmed
	for _, f := range fs.list {
		if f.Status.Rank() < w.Rank() {
			w = f.Status
		}
	}
	return w
}
