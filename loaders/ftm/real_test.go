package ftm

import (
	"slices"
	"strings"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// The real OpenSanctions samples in ../shared/data (data README sections 7
// and 8); they are read in place, never copied here.
const (
	zalaFile = "opensanctions-ftm/zala/entities.ftm.json"
	t1File   = "opensanctions-ftm/t1/entities.ftm.json"
)

func TestRealZala(t *testing.T) {
	c, sum := loadFile(t, sharedtest.Path(t, zalaFile), Options{Name: "zala"})
	checkAccounted(t, c, sum)
	checkModel(t, c, true)
	cst, zakharov := ID("NK-abdzbEBkqyT29GyREbiURZ"), ID("NK-aU5ybkbRFJucf8YMwsJvDw")
	tests := []struct {
		name  string
		check func(t *testing.T)
	}{
		{"Lines", func(t *testing.T) {
			want := map[string]int{"Sanction": 41, "Ownership": 14, "Company": 11, "Address": 11, "Person": 6, "Family": 4, "Directorship": 3, "Passport": 1}
			if sum.Lines != 91 || !mapsEqual(sum.BySchema, want) {
				t.Errorf("Lines %d, BySchema %v; want 91, %v", sum.Lines, sum.BySchema, want)
			}
		}},
		{"Accounted", func(t *testing.T) {
			// 41 + 14 + 11 + 6 + 4 + 3 lines emitted, 11 addresses folded
			// into their entities' BASED_IN, 1 passport without a number.
			if sum.Emitted != 79 || sum.Folded["Address: attached to the entities referencing it"] != 11 ||
				sum.Skipped["Passport: no document number"] != 1 || len(sum.Skipped) != 1 || len(sum.Rejected) != 0 {
				t.Errorf("emitted %d, folded %v, skipped %v, rejected %v", sum.Emitted, sum.Folded, sum.Skipped, sum.Rejected)
			}
		}},
		{"Emitted", func(t *testing.T) {
			wantTypes := map[schema.RelType]int{schema.Owns: 14, schema.Designates: 41, schema.Directs: 3, schema.FamilyOf: 4}
			for typ, n := range wantTypes {
				if sum.ByType[typ] != n {
					t.Errorf("%s: %d, want %d", typ, sum.ByType[typ], n)
				}
			}
			if sum.ByKind[schema.Sanction] != 41 || sum.ByKind[schema.Person] != 6 {
				t.Errorf("ByKind %v", sum.ByKind)
			}
		}},
		{"CSTOrganization", func(t *testing.T) {
			e := c.entity(t, cst)
			if e.Kind != schema.Organization || e.Name != "LLC CST" || e.Status != schema.Confirmed {
				t.Errorf("%s %q %s", e.Kind, e.Name, e.Status)
			}
			for _, a := range []string{"Zala Aero Group", "ООО «ЦСТ»", "ザラ・アエロ"} {
				if !slices.Contains(e.Aliases, a) {
					t.Errorf("aliases lack %q", a)
				}
			}
			if e.Properties.First("country") != "RU" || e.Properties.First("incorporationDate") != "2010-12-24" {
				t.Errorf("properties %v", e.Properties)
			}
			if !strings.Contains(e.Description, "topics: sanction") {
				t.Errorf("topics kept in the description: %q", e.Description)
			}
		}},
		{"Zakharov", func(t *testing.T) {
			e := c.entity(t, zakharov)
			if e.Kind != schema.Person || e.Properties.First("birthDate") != "1965-09-21" || e.Properties.First("birthDateUncertain") != "" {
				t.Errorf("%s %v", e.Kind, e.Properties)
			}
			if len(c.rels(schema.NationalOf, zakharov, "state:RU")) != 1 {
				t.Error("NATIONAL_OF RU")
			}
			rels := c.rels(schema.BasedIn, zakharov, "state:RU")
			if len(rels) != 1 || !strings.Contains(rels[0].Properties.First("address"), "272 Pushkinskaya Street, Apt 41, Izhevsk, 426008") {
				t.Errorf("BASED_IN with the address entity's text: %+v", rels)
			}
		}},
		{"Ownership", func(t *testing.T) {
			id := "OWNS|ftm:NK-nR5AXM9AVPq4pQaSPSaVam|" + cst + "|NK-3NyeuT6JeJDLhGEyH3JD52"
			rels := c.rels(schema.Owns, ID("NK-nR5AXM9AVPq4pQaSPSaVam"), cst)
			if !slices.ContainsFunc(rels, func(r relT) bool { return r.ID == id }) {
				t.Fatalf("no %s among %v", id, rels)
			}
			if ev := c.evidence(id); len(ev) != 1 || ev[0].Claim != "role: subsidiary of" {
				t.Errorf("evidence %+v", ev)
			}
			// ru-29477727…: 49 % from 2016-03-29.
			share := c.rels(schema.Owns, ID("NK-nR5AXM9AVPq4pQaSPSaVam"), cst)
			if !slices.ContainsFunc(share, func(r relT) bool {
				return r.Properties.First("share") == "49" && r.ValidFrom == "2016-03-29"
			}) {
				t.Errorf("no 49%% share from 2016-03-29 in %+v", share)
			}
		}},
		{"OwnershipBeforeItsAsset", func(t *testing.T) {
			// Line 71 owns the company on line 80: emitted in the links
			// pass, after every node (checkModel checks the order).
			if len(c.rels(schema.Owns, zakharov, ID("ru-inn-5920040846"))) != 1 {
				t.Error("OWNS ru-inn-5920040846")
			}
		}},
		{"OFACSanction", func(t *testing.T) {
			s := c.entity(t, ID("ofac-780cd5691cab9c1219d921e42857cc300fef150e"))
			if s.Kind != schema.Sanction || s.Properties.First("authorityId") != "45928" || !slices.Contains(s.Properties["program"], "RUSSIA-EO14024") {
				t.Errorf("%s %v", s.Kind, s.Properties)
			}
			if len(c.rels(schema.Designates, s.ID, cst)) != 1 {
				t.Error("DESIGNATES LLC CST")
			}
			if len(c.rels(schema.IssuedBy, s.ID, AuthorityIDPrefix+"office-of-foreign-assets-control")) != 1 {
				t.Error("ISSUED_BY OFAC")
			}
		}},
		{"DFATSanction", func(t *testing.T) {
			s := c.entity(t, ID("au-dfat-56600015954691cece058c2a3b0e3b27740701e6"))
			if s.ValidFrom != "2023-02-24" || s.Properties.First("listingDate") != "2023-02-24" || !slices.Contains(s.Properties["program"], "Autonomous (Russia)") {
				t.Errorf("from %s, %v", s.ValidFrom, s.Properties)
			}
		}},
		{"Statuses", func(t *testing.T) {
			for _, r := range c.Records {
				for _, e := range r.Entities {
					if e.Status != schema.Confirmed {
						t.Errorf("%s is %s; every line of zala has an official dataset", e.ID, e.Status)
					}
				}
			}
		}},
		{"PublishedOn", func(t *testing.T) {
			if sum.PublishedOn != "2026-04-29" {
				t.Errorf("PublishedOn %q", sum.PublishedOn)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.check)
	}
}

func TestRealZalaOnePass(t *testing.T) {
	c, sum := loadOnce(t, sharedtest.Path(t, zalaFile), Options{Name: "zala"})
	checkAccounted(t, c, sum)
	checkModelEnds(t, c, false, false)
	if sum.Skipped["Address: needs the index pass to reach its entities"] != 11 || sum.Emitted != 79 {
		t.Errorf("emitted %d, skipped %v", sum.Emitted, sum.Skipped)
	}
}

func TestRealT1(t *testing.T) {
	c, sum := loadFile(t, sharedtest.Path(t, t1File), Options{Name: "t1"})
	checkAccounted(t, c, sum)
	checkModel(t, c, true)
	want := map[string]int{"Person": 4, "Organization": 2, "Address": 1}
	if sum.Lines != 7 || !mapsEqual(sum.BySchema, want) || sum.Emitted != 6 {
		t.Errorf("Lines %d, BySchema %v, Emitted %d", sum.Lines, sum.BySchema, sum.Emitted)
	}
	if sum.Skipped["Address: not referenced by any mapped entity in the file"] != 1 {
		t.Errorf("Skipped %v: the address is referenced by no entity of t1", sum.Skipped)
	}
	irgc := c.entity(t, ID("NK-2PacmNpiLUmoz4XD2mSt7A"))
	if irgc.Name != "IRGC" || !slices.Contains(irgc.Aliases, "Iranian Revolutionary Guard Corps") || irgc.Properties.First("country") != "IR" {
		t.Errorf("IRGC: %q %q %v", irgc.Name, irgc.Aliases, irgc.Properties)
	}
	rab := c.entity(t, ID("NK-2GdmHtZTeNXjNVrBGEXZNj"))
	if rab.Name != "RAB „Inter Tobacco“" {
		t.Errorf("name %q", rab.Name)
	}
	for _, a := range []string{"Εταιρία περιορισμένης ευθύνης “Inter Tobacco”", "Общество с ограниченной ответственностью “Интер Тобако”"} {
		if !slices.Contains(rab.Aliases, a) {
			t.Errorf("aliases lack %q", a)
		}
	}
	if rab.Properties.First("registrationNumber") != "808000714" || len(c.rels(schema.BasedIn, rab.ID, "state:BY")) != 1 {
		t.Errorf("RAB %v", rab.Properties)
	}
	kuz := c.entity(t, ID("NK-2Ka3UvopqbpZmVDFjWd4LA"))
	if kuz.Properties.First("birthDate") != "1971-01-22" || kuz.Properties.First("gender") != "male" || !strings.Contains(kuz.Description, "taxNumber: 366510784303") {
		t.Errorf("KUZMENKO %v %q", kuz.Properties, kuz.Description)
	}
}
