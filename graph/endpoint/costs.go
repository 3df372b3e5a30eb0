package endpoint

// Prices of the resolvers that do more than read one record. They are
// relative to a field read from a loaded record (1), so that the
// explorer's largest request (paths with k = 10 over 8 hops and 3
// waypoints) fits DefaultMaxCost while 150 aliased path searches do not.
const (
	// PathSearchCost is one path search per hop allowed and path wanted:
	// the store runs one bounded search per segment (from → via… → to),
	// each growing with maxHops and the number of paths asked for.
	PathSearchCost = 50
	// ViolationsCost is one evaluation of the breach rules over the
	// transfers in range.
	ViolationsCost = 500
	// OwnershipCost is one entity's ownership exposure: up to six levels
	// of owners read one statement each, their listings, and the chains
	// enumerated in Go.
	OwnershipCost = 100
	// CapturedCost is capturedByOwnership: the entities designated persons
	// own (up to 2000), their owners and an exposure for each.
	CapturedCost = 1000
	// NeighboursCost is one neighbourhood read (a degree-bounded expand).
	NeighboursCost = 10
	// SearchCost is one full-text search.
	SearchCost = 10
	// CountsCost is the dashboard counts, which scan every label.
	CountsCost = 50
)

// ResolverCosts prices the expensive fields of the sanctiongraph schema.
func ResolverCosts() Costs {
	page := func(base, def int64) FieldCost {
		return func(args map[string]any) (int64, int64) { return base, Int(args, "first", def) }
	}
	return Costs{
		"Query.paths":               pathsCost,
		"Query.potentialViolations": page(ViolationsCost, 20),
		"Query.neighbours":          page(NeighboursCost, 20),
		"Query.ownershipExposure":   func(map[string]any) (int64, int64) { return OwnershipCost, 1 },
		"Query.capturedByOwnership": page(CapturedCost, 20),
		"Entity.neighbours":         page(NeighboursCost, 20),
		"Query.relationships":       page(CountsCost, 20), // may scan every fact of the types asked
		"Entity.supports":           page(NeighboursCost, 20),
		"Entity.route":              func(map[string]any) (int64, int64) { return NeighboursCost, 20 },
		"Query.search":              page(SearchCost, 10),
		"Query.timeline":            page(SearchCost, 20),
		"Query.counts":              func(map[string]any) (int64, int64) { return CountsCost, 1 },
	}
}

// pathsCost prices paths by what the search does: one search per segment
// (waypoints + 1), each as expensive as the hops allowed times its effort
// (1 for SHORTEST, 2 for ALL_SHORTEST, k for K_SHORTEST), and the result's
// selection once per path returned (1, up to 25, k).
func pathsCost(args map[string]any) (base, times int64) {
	hops := min(Int(args, "maxHops", 4), 8)
	effort, paths := int64(1), int64(1)
	switch args["mode"] {
	case "ALL_SHORTEST":
		effort, paths = 2, 25
	case "K_SHORTEST":
		effort = min(Int(args, "k", 3), 10)
		paths = effort
	}
	segments := int64(1)
	switch via := args["via"].(type) {
	case []any:
		segments += int64(min(len(via), 3))
	case []string:
		segments += int64(min(len(via), 3))
	}
	return PathSearchCost * hops * effort * segments, paths
}
