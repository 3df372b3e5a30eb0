package explorer

import (
	"slices"
	"testing"
)

func TestOperationNames(t *testing.T) {
	names := OperationNames()
	for _, want := range []string{"Search", "Paths", "Entity", "Neighbours"} {
		if !slices.Contains(names, want) {
			t.Errorf("OperationNames() = %v, missing %s", names, want)
		}
	}
}
