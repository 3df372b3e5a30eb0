package cypher_test

import (
	"math"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/graph/cypher"
	"github.com/sanctiongraph/sanctiongraph/graph/cypher/cyphertest"
	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

var env *cyphertest.Env

func TestMain(m *testing.M) { cyphertest.Main(m, &env) }

// story is a small graph in the shape of the curated dataset: enough to
// exercise every read and write path without depending on the dataset.
func story() model.Batch {
	ent := func(id string, k schema.Kind, name string, st schema.Status, props model.Properties, aliases ...string) model.Entity {
		if props == nil {
			props = model.Properties{}
		}
		return model.Entity{ID: id, Kind: k, Name: name, Aliases: aliases, Properties: props,
			Provenance: model.Provenance{Status: st, Dataset: "test", RecordID: id}}
	}
	rel := func(t schema.RelType, from, to string, st schema.Status, validFrom string, props model.Properties) model.Relationship {
		if props == nil {
			props = model.Properties{}
		}
		return model.Relationship{ID: string(t) + "|" + from + "|" + to, Type: t, FromID: from, ToID: to, Properties: props,
			Provenance: model.Provenance{Status: st, Dataset: "test", ValidFrom: validFrom}}
	}
	ev := func(fact, src string, st schema.Status, quote string) model.Evidence {
		return model.Evidence{ID: "ev:" + fact + ":" + src, FactID: fact, SourceID: src, Status: st, Quote: quote, StatedOn: "2024-02-20"}
	}
	b := model.Batch{
		Entities: []model.Entity{
			ent("source:tass", schema.Source, "Kremlin confirms the gift", schema.Confirmed, model.Properties{"publisher": {"TASS"}, "url": {"https://tass.com/politics/1749135"}, "publishedOn": {"2024-02-20"}}),
			ent("source:kcna", schema.Source, "KCNA on the gift", schema.Confirmed, model.Properties{"publisher": {"KCNA"}, "publishedOn": {"2024-02-20"}}),
			ent("state:RU", schema.State, "Russia", schema.Confirmed, model.Properties{"isoCode": {"RU"}}, "Russian Federation", "Россия"),
			ent("state:KP", schema.State, "North Korea", schema.Confirmed, model.Properties{"isoCode": {"KP"}}, "DPRK", "Democratic People's Republic of Korea"),
			ent("org:aurus", schema.Organization, "Aurus", schema.Confirmed, model.Properties{"roles": {"manufacturer"}, "country": {"RU"}}, "LIMITED LIABILITY COMPANY AURUS", "Аурус"),
			ent("product:aurus-senat", schema.Product, "Aurus Senat", schema.Confirmed, model.Properties{"make": {"Aurus"}, "hsCode": {"8703"}, "category": {"luxury_vehicle", "motor_vehicle"}, "armoured": {"true"}, "price": {"18000000"}}),
			ent("person:kim-jong-un", schema.Person, "Kim Jong Un", schema.Confirmed, model.Properties{"birthDate": {"1984-01-08"}}, "Kim Jong-un", "Ким Чен Ын", "김정은"),
			ent("person:putin", schema.Person, "Vladimir Putin", schema.Confirmed, nil, "Владимир Путин"),
			ent("transfer:gift", schema.Transfer, "Aurus gift to Kim Jong Un", schema.Confirmed, model.Properties{"transferKind": {"gift"}, "date": {"2024-02-18"}, "quantity": {"1"}}),
		},
		Relationships: []model.Relationship{
			rel(schema.BasedIn, "org:aurus", "state:RU", schema.Confirmed, "2018", nil),
			rel(schema.Manufactures, "org:aurus", "product:aurus-senat", schema.Confirmed, "2018", nil),
			rel(schema.Uses, "person:kim-jong-un", "product:aurus-senat", schema.Confirmed, "2024-02-18", model.Properties{"context": {"for his personal use"}}),
			rel(schema.Leads, "person:putin", "state:RU", schema.Confirmed, "2000-05-07", nil),
			rel(schema.Leads, "person:kim-jong-un", "state:KP", schema.Confirmed, "2011-12", nil),
			rel(schema.Sent, "person:putin", "transfer:gift", schema.Confirmed, "2024-02-18", nil),
			rel(schema.Received, "person:kim-jong-un", "transfer:gift", schema.Reported, "2024-02-18", nil),
		},
	}
	for _, e := range b.Entities {
		if e.Kind != schema.Source {
			b.Evidence = append(b.Evidence, ev(e.ID, "source:tass", schema.Confirmed, ""))
		}
	}
	for _, r := range b.Relationships {
		b.Evidence = append(b.Evidence, ev(r.ID, "source:tass", r.Status, "Putin showed it to him personally"))
	}
	b.Evidence = append(b.Evidence, model.Evidence{ID: "ev:variant:sedan", FactID: "product:aurus-senat", SourceID: "source:kcna",
		Status: schema.Disputed, Property: "variant", Value: "sedan"})
	return b
}

func TestWriteAndRead(t *testing.T) {
	ctx := env.Reset(t)
	st := env.Store
	sum, err := st.Write(ctx, story())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Entities.Created != 9 || sum.Relationships.Created != 7 || sum.Evidence.Created != 15 {
		t.Fatalf("first write: %+v", sum)
	}

	t.Run("Entity", func(t *testing.T) {
		e, err := st.Entity(ctx, "person:kim-jong-un")
		if err != nil {
			t.Fatal(err)
		}
		if e.Kind != schema.Person || e.Name != "Kim Jong Un" || len(e.Aliases) != 3 || e.Properties.First("birthDate") != "1984-01-08" {
			t.Errorf("entity = %+v", e)
		}
		p, _ := st.Entity(ctx, "product:aurus-senat")
		if p.Properties.First("price") != "18000000" || p.Properties.First("armoured") != "true" || len(p.Properties["category"]) != 2 {
			t.Errorf("typed properties round trip: %v", p.Properties)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := st.Entity(ctx, "person:nobody")
		if model.ErrorCode(err) != model.NotFound {
			t.Fatalf("code = %q (%v)", model.ErrorCode(err), err)
		}
		_, err = st.Relationship(ctx, "USES|a|b")
		if model.ErrorCode(err) != model.NotFound {
			t.Fatalf("relationship code = %q (%v)", model.ErrorCode(err), err)
		}
	})
	t.Run("Relationship", func(t *testing.T) {
		r, err := st.Relationship(ctx, "USES|person:kim-jong-un|product:aurus-senat")
		if err != nil {
			t.Fatal(err)
		}
		if r.FromID != "person:kim-jong-un" || r.ToID != "product:aurus-senat" || r.ValidFrom != "2024-02-18" || r.Properties.First("context") == "" {
			t.Errorf("relationship = %+v", r)
		}
	})
	t.Run("Evidence", func(t *testing.T) {
		m, err := st.EvidenceByFact(ctx, []string{"product:aurus-senat", "USES|person:kim-jong-un|product:aurus-senat"})
		if err != nil {
			t.Fatal(err)
		}
		if len(m["product:aurus-senat"]) != 2 || m["product:aurus-senat"][0].Status != schema.Confirmed {
			t.Errorf("product evidence = %+v", m["product:aurus-senat"])
		}
		if len(m["USES|person:kim-jong-un|product:aurus-senat"]) != 1 {
			t.Errorf("relationship evidence = %+v", m)
		}
	})
	t.Run("ReloadChangesNothing", func(t *testing.T) {
		sum, err := st.Write(ctx, story())
		if err != nil {
			t.Fatal(err)
		}
		if sum.Entities.Unchanged != 9 || sum.Relationships.Unchanged != 7 || sum.Evidence.Unchanged != 15 ||
			sum.Entities.Created+sum.Entities.Updated+sum.Relationships.Created+sum.Relationships.Updated+sum.Evidence.Created+sum.Evidence.Updated != 0 {
			t.Fatalf("reload: %+v", sum)
		}
	})
	t.Run("Update", func(t *testing.T) {
		b := story()
		b.Entities[6].Properties["birthDate"] = []string{"1983"}
		sum, err := st.Write(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Entities.Updated != 1 {
			t.Fatalf("update: %+v", sum)
		}
		e, _ := st.Entity(ctx, "person:kim-jong-un")
		if e.Properties.First("birthDate") != "1983" {
			t.Errorf("birthDate = %v", e.Properties)
		}
	})
	t.Run("StateAndResolution", func(t *testing.T) {
		s, err := st.State(ctx, "ru")
		if err != nil || s.ID != "state:RU" {
			t.Fatalf("State(ru) = %v, %v", s, err)
		}
		if _, err := st.Resolution(ctx, 1718); model.ErrorCode(err) != model.NotFound {
			t.Fatalf("Resolution(1718) code = %q", model.ErrorCode(err))
		}
	})
}

func TestWriteRejectsBadBatchesWhole(t *testing.T) {
	ctx := env.Reset(t)
	tests := []struct {
		name string
		edit func(b *model.Batch)
		code string
	}{
		{"ErrUnknownKind", func(b *model.Batch) { b.Entities[2].Kind = "Planet" }, model.BadUserInput},
		{"ErrUndeclaredProperty", func(b *model.Batch) { b.Entities[2].Properties["colour"] = []string{"red"} }, model.BadUserInput},
		{"ErrBadDate", func(b *model.Batch) { b.Entities[6].Properties["birthDate"] = []string{"1984-13-01"} }, model.BadUserInput},
		{"ErrBadInt", func(b *model.Batch) { b.Entities[8].Properties["quantity"] = []string{"one"} }, model.BadUserInput},
		{"ErrMissingRequired", func(b *model.Batch) { delete(b.Entities[8].Properties, "transferKind") }, model.BadUserInput},
		{"ErrBadStatus", func(b *model.Batch) { b.Relationships[0].Status = "rumoured" }, model.BadUserInput},
		{"ErrDanglingEndpoint", func(b *model.Batch) {
			b.Relationships[0].ToID = "state:XX"
			b.Relationships[0].ID = "BASED_IN|org:aurus|state:XX"
		}, model.BadUserInput},
		{"ErrWrongEndpointKind", func(b *model.Batch) {
			r := &b.Relationships[1] // MANUFACTURES must end at a Product
			r.ToID, r.ID = "state:KP", "MANUFACTURES|org:aurus|state:KP"
		}, model.BadUserInput},
		{"ErrMissingSource", func(b *model.Batch) { b.Evidence[0].SourceID = "source:nowhere" }, model.BadUserInput},
		{"ErrIDWithoutType", func(b *model.Batch) { b.Relationships[0].ID = "org:aurus->state:RU" }, model.BadUserInput},
		// Value rules (schema.Prop.Check), the same for every writer.
		{"ErrNumberNaN", func(b *model.Batch) { b.Entities[5].Properties["price"] = []string{"NaN"} }, model.BadUserInput},
		{"ErrNumberInf", func(b *model.Batch) { b.Entities[5].Properties["price"] = []string{"Inf"} }, model.BadUserInput},
		{"ErrNumberMinusInf", func(b *model.Batch) { b.Entities[5].Properties["price"] = []string{"-Inf"} }, model.BadUserInput},
		{"ErrCountryZZ", func(b *model.Batch) { b.Entities[4].Properties["country"] = []string{"ZZ"} }, model.BadUserInput},
		{"ErrHSCodeOdd", func(b *model.Batch) { b.Entities[5].Properties["hsCode"] = []string{"870"} }, model.BadUserInput},
		{"ErrHSRangeReversed", func(b *model.Batch) { b.Entities[5].Properties["hsCode"] = []string{"89-86"} }, model.BadUserInput},
		{"ErrURLWithSpace", func(b *model.Batch) { b.Entities[0].Properties["url"] = []string{"https://tass.com/politics 1749135"} }, model.BadUserInput},
		{"ErrStringTwoLines", func(b *model.Batch) { b.Entities[5].Properties["make"] = []string{"Aurus\nSenat"} }, model.BadUserInput},
		{"ErrEvidenceBasis", func(b *model.Batch) { b.Evidence[0].Basis = "rumour" }, model.BadUserInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := story()
			tt.edit(&b)
			_, err := env.Store.Write(ctx, b)
			if got := model.ErrorCode(err); got != tt.code {
				t.Fatalf("code = %q, want %q (%v)", got, tt.code, err)
			}
			c, err := env.Store.Counts(ctx, model.CountQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if c.Entities != 0 || c.Relationships != 0 {
				t.Fatalf("a refused batch left %d entities and %d relationships", c.Entities, c.Relationships)
			}
		})
	}
	t.Run("ErrConflictingKind", func(t *testing.T) {
		if _, err := env.Store.Write(ctx, story()); err != nil {
			t.Fatal(err)
		}
		b := story()
		b.Entities[2].Kind = schema.Organization // state:RU stored as a State
		b.Entities[2].Properties = model.Properties{}
		_, err := env.Store.Write(ctx, b)
		if got := model.ErrorCode(err); got != model.Conflict {
			t.Fatalf("code = %q, want CONFLICT (%v)", got, err)
		}
	})
}

// TestWriteRefusesNaNOverStoredRecord writes a record, then the same record
// with a number JSON cannot encode. Before, such a record hashed like every
// other unencodable one and a later change could be reported UNCHANGED;
// now the write is refused whole and the stored record stays as it was.
func TestWriteRefusesNaNOverStoredRecord(t *testing.T) {
	ctx := env.Reset(t)
	if _, err := env.Store.Write(ctx, story()); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"NaN", "Inf", "-Inf", "+Infinity", "1e999"} {
		t.Run(v, func(t *testing.T) {
			b := story()
			b.Entities[5].Properties["price"] = []string{v}
			b.Entities[5].Properties["make"] = []string{"changed"}
			_, err := env.Store.Write(ctx, b)
			if got := model.ErrorCode(err); got != model.BadUserInput {
				t.Fatalf("code = %q, want BAD_USER_INPUT (%v)", got, err)
			}
			p, err := env.Store.Entity(ctx, "product:aurus-senat")
			if err != nil {
				t.Fatal(err)
			}
			if p.Properties.First("price") != "18000000" || p.Properties.First("make") != "Aurus" {
				t.Fatalf("a refused write changed the product: %v", p.Properties)
			}
		})
	}
	sum, err := env.Store.Write(ctx, story())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Entities.Unchanged != 9 {
		t.Fatalf("after refused writes the stored records should be the story's: %+v", sum)
	}
}

func TestHashPropsFailsLoudly(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if h, err := cypher.HashProps(map[string]any{"price": v}); err == nil {
			t.Errorf("hash of %v = %q, want an error", v, h)
		}
	}
	a, errA := cypher.HashProps(map[string]any{"price": 1.5})
	b, errB := cypher.HashProps(map[string]any{"price": 2.5})
	if errA != nil || errB != nil || a == b {
		t.Errorf("hashes of different records: %q %v, %q %v", a, errA, b, errB)
	}
}

func TestLuceneQueryEscapesEverything(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Kim Jong-un", "+kim +jong +(un OR un*)"},
		{`kim" OR 1=1 //`, "+kim +or +1 +(1 OR 1*)"},
		{"Ким Чен Ын", "+ким +чен +(ын OR ын*)"},
		{"name:*) AND (x", "+name +and +(x OR x*)"},
	}
	for _, tt := range tests {
		got, _, err := cypher.LuceneQuery(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("LuceneQuery(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, _, err := cypher.LuceneQuery(" -- !! "); err == nil {
		t.Error("LuceneQuery of punctuation only: want error")
	}
}
