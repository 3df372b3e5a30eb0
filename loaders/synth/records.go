package synth

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/sanctiongraph/sanctiongraph/graph/model"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// This file turns the compact plan into model records. Every record is a
// function of the seed and its index alone (its own random stream), so the
// batch size and the order of writing never change the graph.

var (
	firstNames = []string{"Ivan", "Sergei", "Dmitri", "Olga", "Anna", "Maria", "Alexei", "Nikolai", "Yuri", "Elena",
		"Ahmad", "Ali", "Hassan", "Fatima", "Omar", "Reza", "Mehdi", "Wei", "Jun", "Hyun", "Min", "Carlos", "Luis",
		"Jorge", "Marco", "Stefan", "Viktor", "Boris", "Igor", "Pavel", "Anton", "Arkady", "Gennady", "Leonid",
		"Roman", "Tatiana", "Svetlana", "Natalia", "Irina", "Mikhail", "Andrei", "Vladimir", "Kirill", "Oleg",
		"Rustam", "Timur", "Farid", "Karim", "Samir", "Nadia", "Layla", "Yusuf", "Ibrahim"}
	lastNames = []string{"Petrov", "Ivanov", "Sidorov", "Volkov", "Sokolov", "Morozov", "Novikov", "Kuznetsov",
		"Popov", "Lebedev", "Kozlov", "Orlov", "Pavlov", "Semenov", "Egorov", "Fedorov", "Zaitsev", "Belov",
		"Medvedev", "Karimov", "Aliyev", "Hashemi", "Rahimi", "Tehrani", "Kazemi", "Mousavi", "Chen", "Wang",
		"Zhang", "Liu", "Kim", "Pak", "Ri", "Choe", "Jang", "Ryu", "Mendez", "Herrera", "Castillo", "Rojas",
		"Moreno", "Haddad", "Khoury", "Nasser", "Saleh", "Mansour", "Darwish", "Gromov", "Sorokin", "Vinogradov",
		"Bogdanov", "Vorobyov", "Tarasov", "Belyaev", "Komarov", "Kiselev", "Makarov", "Zakharov", "Frolov"}
	orgWords1 = []string{"Northern", "Eastern", "Global", "Golden", "Silver", "Baltic", "Caspian", "Pacific",
		"Arctic", "Crimson", "Blue", "United", "Grand", "Royal", "Imperial", "Prime", "Delta", "Orion", "Falcon",
		"Eagle", "Phoenix", "Aurora", "Polar", "Iron", "Steel", "Ocean", "Desert", "Jade", "Amber", "Granite"}
	orgWords2 = []string{"Star", "Bridge", "Gate", "Horizon", "Line", "Wave", "Peak", "River", "Harbor", "Crest",
		"Way", "Link", "Route", "Shield", "Anchor", "Sun", "Moon", "Stone", "Forest", "Valley"}
	orgSuffixes = []string{"Trading LLC", "Shipping Co", "Holdings Ltd", "Logistics JSC", "Industries",
		"Import-Export", "Engineering", "Investment Fund", "Bank", "Marine Services", "Group", "Technologies",
		"Commerce FZE", "Partners"}
	makes        = []string{"Volkar", "Orlan", "Taiga", "Kestrel", "Borealis", "Sarmat", "Tundra", "Kaskad", "Vityaz", "Mirage", "Corsair", "Senator"}
	statePrefix  = []string{"Val", "Mor", "Kar", "Ost", "Bel", "Nor", "Sar", "Tav", "Ard", "Esk", "Lum", "Zar", "Dra", "Vel", "Cor", "Mar", "Tor", "Sil", "Rav", "Kes"}
	stateSuffix  = []string{"doria", "avia", "istan", "land", "onia", "ea", "mark", "ovia", "aria", "enia"}
	publishers   = []string{"Global Monitor", "Sanctions Watch", "Baltic Herald", "Far East Review", "Open Ledger", "Maritime Intelligence", "Trade Tracker", "Panel of Experts", "State Gazette", "Financial Courier"}
	authorities  = []string{"UN Security Council", "OFAC", "Council of the EU", "OFSI"}
	programs     = []string{"DPRK", "IRAN", "RUSSIA", "SYRIA", "TERRORISM", "CYBER"}
	goods        = []string{"machine parts", "luxury vehicles", "crude oil", "refined petroleum", "ball bearings", "microelectronics", "drones", "artillery shells", "coal", "iron ore", "spirits", "watches"}
	roles        = []string{"director", "chairman", "deputy minister", "adviser", "spokesperson", "treasurer", "agent", "founder"}
	familyWords  = []string{"brother", "sister", "spouse", "son", "daughter", "cousin"}
	positions    = []string{"Minister of Defence", "Ambassador", "General", "Chief Executive", "Deputy Prime Minister", "Governor", "Party Secretary", "Trade Representative"}
	productKinds = []struct{ category, noun, hs string }{
		{"luxury_vehicle", "limousine", "8703"}, {"motor_vehicle", "truck", "8704"}, {"armoured_vehicle", "armoured car", "8710"},
		{"vessel", "tanker", "8901"}, {"aircraft", "jet", "8802"}, {"missile", "missile", "9306"}, {"weapon", "rifle", "9301"},
		{"luxury_goods", "watch", "9101"}, {"machinery", "lathe", "8458"}, {"parts", "bearing", "8482"},
	}
)

// Values of model.yaml enums the generator uses.
var (
	transferKinds = []string{"gift", "sale", "shipment", "smuggling", "arms_transfer"}
	measureKinds  = []string{"luxury_goods", "transport_vehicles", "arms_embargo", "industrial_machinery", "metals", "vessels", "designation", "monitoring", "other"}
	eventKinds    = []string{"summit", "inauguration", "visit", "launch", "vote", "statement", "test", "sighting", "other"}
	orgRoles      = []string{"manufacturer", "government_body", "trading_company", "shipping_company", "bank", "investment_fund", "dealer", "other"}
	sourceKinds   = []string{"news", "official_record", "party_statement", "research_report", "sanctions_list", "reference", "article"}
	votes         = []string{"for", "for", "for", "against", "abstain", "absent"}
	stances       = []string{"condemned", "criticised", "rejected", "defended", "confirmed", "denied", "noted"}
)

var (
	firstDay = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	lastDay  = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
)

func recRand(seed, stream uint64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(seed^stream*0x9e3779b97f4a7c15, uint64(i)))
}

// mix is SplitMix64's finaliser: a well-spread hash of x.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// chance reports, without a random stream, whether record i of a stream
// falls in the given share; cheap enough to count evidence up front.
func (g *Graph) chance(stream uint64, i int, share float64) bool {
	return float64(mix(g.cfg.Seed^mix(stream<<40|uint64(i)))>>11)/(1<<53) < share
}

func (g *Graph) entityEvidence(i int) bool {
	return g.kind(i) != schema.Source && g.chance(streamEntityEvidence, i, g.cfg.EvidenceRatio)
}

func (g *Graph) relEvidence(j int) bool { return g.chance(streamRelEvidence, j, g.cfg.EvidenceRatio) }

func one[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func status(r *rand.Rand) schema.Status {
	switch x := r.IntN(100); {
	case x < 70:
		return schema.Confirmed
	case x < 85:
		return schema.Reported
	case x < 95:
		return schema.Alleged
	}
	return schema.Disputed
}

func day(r *rand.Rand, from, to time.Time) time.Time {
	days := int(to.Sub(from).Hours() / 24)
	return from.AddDate(0, 0, r.IntN(days+1))
}

// date formats t, as a year or a month for a tenth of the dates.
func date(r *rand.Rand, t time.Time) string {
	switch x := r.IntN(20); {
	case x == 0:
		return t.Format("2006")
	case x == 1:
		return t.Format("2006-01")
	}
	return t.Format(time.DateOnly)
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// stateName and isoCode are unique per state index (there are at most 200).
func stateName(k int) string {
	return statePrefix[k%len(statePrefix)] + stateSuffix[k/len(statePrefix)%len(stateSuffix)]
}

func isoCode(k int) string { return isoCodes[k%len(isoCodes)] }

// isoCodes are the assigned ISO 3166-1 alpha-2 codes (schema.ValidCountry),
// in order: more than the 200 states a graph may have, so every state gets
// a code of its own that the store accepts.
var isoCodes = func() []string {
	var out []string
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			if c := string(a) + string(b); schema.ValidCountry(c) {
				out = append(out, c)
			}
		}
	}
	return out
}()

// name draws the name of node i from r, the node's own stream, and returns
// a value the name depends on (a kind of transfer, event or product) for
// the entity to keep.
func (g *Graph) drawName(i int, r *rand.Rand) (name, facet string) {
	k := g.kind(i)
	local := i - g.byKind[k].start
	switch k {
	case schema.State:
		return stateName(local), ""
	case schema.Person:
		return one(r, firstNames) + " " + one(r, lastNames), ""
	case schema.Organization:
		if g.inTail[i] {
			return fmt.Sprintf("%s %s Shell Company %d", one(r, orgWords1), one(r, orgWords2), local), ""
		}
		return one(r, orgWords1) + " " + one(r, orgWords2) + " " + one(r, orgSuffixes), ""
	case schema.Product:
		pk := r.IntN(len(productKinds))
		return fmt.Sprintf("%s %s-%d %s", one(r, makes), string(rune('A'+r.IntN(26))), 10+r.IntN(990), productKinds[pk].noun), strconv.Itoa(pk)
	case schema.Transfer:
		tk := one(r, transferKinds)
		return fmt.Sprintf("%s of %s #%d", strings.ReplaceAll(upperFirst(tk), "_", " "), one(r, goods), local), tk
	case schema.Event:
		ek := one(r, eventKinds)
		return fmt.Sprintf("%s in %s #%d", upperFirst(ek), stateName(r.IntN(g.byKind[schema.State].n)), local), ek
	case schema.Sanction:
		a := one(r, authorities)
		return fmt.Sprintf("%s designation %s-%05d", a, one(r, programs), local), a
	case schema.Resolution:
		return fmt.Sprintf("Resolution %d", 1000+local), ""
	case schema.Measure:
		mk := one(r, measureKinds)
		return fmt.Sprintf("Measure %d: %s", local, strings.ReplaceAll(mk, "_", " ")), mk
	case schema.Source:
		p := one(r, publishers)
		return fmt.Sprintf("%s report %d", p, local), p
	}
	return string(k) + " " + strconv.Itoa(local), ""
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// name is the name of node i.
func (g *Graph) name(i int) string {
	n, _ := g.drawName(i, recRand(g.cfg.Seed, streamEntity, i))
	return n
}

// entity materialises node i.
func (g *Graph) entity(i int) model.Entity {
	r := recRand(g.cfg.Seed, streamEntity, i)
	name, facet := g.drawName(i, r)
	k := g.kind(i)
	local := i - g.byKind[k].start
	e := model.Entity{
		ID: g.id(i), Kind: k, Name: name, Properties: model.Properties{},
		Provenance: model.Provenance{Status: status(r), Dataset: g.cfg.Dataset, RecordID: strconv.Itoa(i)},
	}
	if k == schema.State || k == schema.Source || k == schema.Resolution || g.inTail[i] {
		e.Status = schema.Confirmed
	}
	p := e.Properties
	states := g.byKind[schema.State].n
	switch k {
	case schema.State:
		p.Set("isoCode", isoCode(local))
		e.Aliases = []string{"Republic of " + name}
	case schema.Person:
		first, last, _ := strings.Cut(name, " ")
		if r.IntN(10) < 3 {
			e.Aliases = []string{strings.ToUpper(last) + ", " + first}
		}
		if r.IntN(10) < 6 {
			p.Set("birthDate", date(r, day(r, time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2000, 12, 31, 0, 0, 0, 0, time.UTC))))
		}
		if r.IntN(2) == 0 {
			p.Set("nationality", isoCode(r.IntN(states)))
		}
		if r.IntN(10) < 3 {
			p.Set("position", one(r, positions))
		}
		if r.IntN(2) == 0 {
			p.Set("gender", one(r, []string{"male", "female"}))
		}
	case schema.Organization:
		p.Set("roles", one(r, orgRoles))
		if r.IntN(10) < 7 {
			p.Set("country", isoCode(r.IntN(states)))
		}
		if r.IntN(10) < 4 {
			p.Set("registrationNumber", strconv.Itoa(1_000_000+r.IntN(9_000_000)))
		}
		if r.IntN(2) == 0 {
			p.Set("incorporationDate", date(r, day(r, time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), lastDay)))
		}
	case schema.Product:
		pk, _ := strconv.Atoi(facet)
		p.Set("category", productKinds[pk].category)
		p.Set("make", strings.Fields(name)[0])
		p.Set("model", strings.Fields(name)[1])
		p.Set("hsCode", productKinds[pk].hs)
		if r.IntN(10) < 3 {
			p.Set("price", num(float64(10_000+r.IntN(5_000_000))))
			p.Set("priceCurrency", one(r, []string{"USD", "EUR", "RUB", "CNY"}))
		}
	case schema.Transfer:
		p.Set("transferKind", facet)
		p.Set("date", date(r, day(r, firstDay, lastDay)))
		if r.IntN(2) == 0 {
			p.Set("quantity", strconv.Itoa(1+r.IntN(500)))
		}
	case schema.Event:
		p.Set("eventKind", facet)
		p.Set("date", date(r, day(r, firstDay, lastDay)))
		p.Set("place", strings.Fields(name)[2])
	case schema.Sanction:
		p.Set("authority", facet)
		p.Set("authorityId", fmt.Sprintf("SYN.%d", 100_000+local))
		p.Set("program", one(r, programs))
		p.Set("listingDate", day(r, firstDay, lastDay).Format(time.DateOnly))
	case schema.Resolution:
		adopted := day(r, firstDay, lastDay)
		p.Set("number", strconv.Itoa(1000+local))
		p.Set("adoptedOn", adopted.Format(time.DateOnly))
		p.Set("symbol", fmt.Sprintf("S/RES/%d (%d)", 1000+local, adopted.Year()))
		p.Set("regime", one(r, programs))
	case schema.Measure:
		p.Set("measureKind", facet)
		p.Set("paragraph", strconv.Itoa(1+r.IntN(40)))
	case schema.Source:
		p.Set("publisher", facet)
		p.Set("url", fmt.Sprintf("https://example.org/synthetic/source/%d", local))
		p.Set("publishedOn", day(r, firstDay, lastDay).Format(time.DateOnly))
		p.Set("sourceKind", one(r, sourceKinds))
		p.Set("language", "en")
	}
	// Some entities hold for a period: organisations from incorporation,
	// sanctions from listing, a few of everything else.
	if k != schema.State && k != schema.Source && r.IntN(10) < 3 {
		from := day(r, firstDay, lastDay)
		e.ValidFrom = from.Format(time.DateOnly)
		if r.IntN(3) == 0 {
			if until := from.AddDate(0, 0, 30+r.IntN(4000)); !until.After(lastDay) {
				e.ValidUntil = until.Format(time.DateOnly)
			}
		}
	}
	return e
}

// relationship materialises edge j.
func (g *Graph) relationship(j int) model.Relationship {
	ed := g.edges[j]
	r := recRand(g.cfg.Seed, streamRel, j)
	t := schema.RelTypes[ed.typ]
	from, to := g.id(int(ed.from)), g.id(int(ed.to))
	rel := model.Relationship{
		ID: string(t) + "|" + from + "|" + to, Type: t, FromID: from, ToID: to, Properties: model.Properties{},
		Provenance: model.Provenance{Status: status(r), Dataset: g.cfg.Dataset, RecordID: strconv.Itoa(j)},
	}
	// Most facts are dated: validFrom between 2000 and 2025, and for a third
	// of those a validUntil, so that a date filter cuts paths.
	if r.IntN(100) < 85 {
		start := day(r, firstDay, lastDay)
		rel.ValidFrom = date(r, start)
		_, end, _ := schema.DateBounds(rel.ValidFrom)
		if r.IntN(3) == 0 {
			if until := end.AddDate(0, 0, 30+r.IntN(4000)); !until.After(lastDay) {
				rel.ValidUntil = until.Format(time.DateOnly)
			}
		}
	}
	p := rel.Properties
	switch t {
	case schema.VotedOn:
		p.Set("vote", one(r, votes))
	case schema.Owns:
		if r.IntN(10) < 3 {
			p.Set("share", num(float64(1+r.IntN(1000))/10))
		}
	case schema.Via:
		p.Set("leg", strconv.Itoa(r.IntN(5)))
	case schema.SameAs:
		p.Set("basis", "name and birth date")
	case schema.ReactedTo:
		p.Set("stance", one(r, stances))
	case schema.FamilyOf:
		p.Set("relationship", one(r, familyWords))
	case schema.Supplies:
		p.Set("goods", one(r, goods))
	case schema.Includes:
		if r.IntN(2) == 0 {
			p.Set("quantity", strconv.Itoa(1+r.IntN(200)))
		}
	case schema.WorksFor, schema.Leads, schema.Directs, schema.MemberOf:
		if r.IntN(10) < 3 {
			p.Set("role", one(r, roles))
		}
	}
	return rel
}

// basisFor is the basis a source gives for a fact of a status.
func basisFor(r *rand.Rand, st schema.Status) string {
	switch st {
	case schema.Confirmed:
		return one(r, []string{"record", "party", "list", "government"})
	case schema.Reported:
		return one(r, []string{"news", "research"})
	case schema.Alleged:
		return one(r, []string{"news", "expert"})
	}
	return "expert"
}

func (g *Graph) evidence(stream uint64, i int, factID string, st schema.Status, quote string) model.Evidence {
	r := recRand(g.cfg.Seed, stream, i)
	src := g.byKind[schema.Source]
	return model.Evidence{
		ID: "ev:" + factID, FactID: factID, SourceID: g.id(src.start + r.IntN(src.n)),
		Status: st, Basis: basisFor(r, st), Quote: quote,
		StatedOn: day(r, firstDay, lastDay).Format(time.DateOnly),
	}
}

// Batches yields the graph as batches of about size records: entities
// (sources first, so evidence always cites a written source), then
// relationships, each followed by its evidence.
func (g *Graph) Batches(size int) iter.Seq[model.Batch] {
	return func(yield func(model.Batch) bool) {
		var b model.Batch
		full := func() bool { return b.Len() >= size }
		flush := func() bool {
			if b.Len() == 0 {
				return true
			}
			ok := yield(b)
			b = model.Batch{}
			return ok
		}
		for i := range g.kinds {
			e := g.entity(i)
			b.Entities = append(b.Entities, e)
			if g.entityEvidence(i) {
				quote := fmt.Sprintf("%s is recorded as a %s.", e.Name, strings.ToLower(string(e.Kind)))
				b.Evidence = append(b.Evidence, g.evidence(streamEntityEvidence, i, e.ID, e.Status, quote))
			}
			if full() && !flush() {
				return
			}
		}
		for j := range g.edges {
			rel := g.relationship(j)
			b.Relationships = append(b.Relationships, rel)
			if g.relEvidence(j) {
				ed := g.edges[j]
				quote := fmt.Sprintf("%s %s %s.", g.name(int(ed.from)), strings.ToLower(strings.ReplaceAll(string(rel.Type), "_", " ")), g.name(int(ed.to)))
				b.Evidence = append(b.Evidence, g.evidence(streamRelEvidence, j, rel.ID, rel.Status, quote))
			}
			if full() && !flush() {
				return
			}
		}
		flush()
	}
}
