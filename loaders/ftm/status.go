package ftm

import (
	"strings"
)

// intergovernmental are dataset prefixes of bodies that are not states.
var intergovernmental = map[string]bool{"eu": true, "un": true}

// unofficialMarks name research, media and politically-exposed-person
// collections: a dataset whose name contains one is not official, whatever
// its jurisdiction ("kp_rusi_reports", "ru_rupep", "ua_myrotvorets").
var unofficialMarks = []string{"_reports", "_research", "_media", "_news", "_leaks", "_poi", "pep", "myrotvorets", "icij", "wikidata"}

// Official reports whether an OpenSanctions dataset republishes an
// authority's own record (a sanctions, debarment or export-control list, an
// official register or statement) rather than research, media or
// OpenSanctions' own annotations. It follows OpenSanctions' naming: a source
// dataset is named after its publisher's jurisdiction, "us_ofac_sdn",
// "gb_fcdo_sanctions", "eu_fsf", "ua_nsdc_sanctions", external registers
// "ext_" + jurisdiction ("ext_ru_egrul"); annotations and aggregations have
// other names ("ann_graph_topics", "permid", "wd_peps", "default"). The rule
// is a heuristic on names only; Options.Official replaces it.
func Official(dataset string) bool {
	d := strings.ToLower(strings.TrimSpace(dataset))
	d = strings.TrimPrefix(d, "ext_")
	for _, m := range unofficialMarks {
		if strings.Contains(d, m) {
			return false
		}
	}
	prefix, rest, ok := strings.Cut(d, "_")
	if !ok || rest == "" || len(prefix) != 2 {
		return false
	}
	if intergovernmental[prefix] {
		return true
	}
	_, known := countryCode(prefix)
	return known
}
