package ofac

import (
	"bufio"
	"fmt"
	"os"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/loaders"
)

func TestScratchCountries(t *testing.T) {
	f, _ := os.Open("/tmp/countries.txt")
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		c, ok := loaders.CountryCode(sc.Text())
		if !ok {
			fmt.Printf("UNRESOLVED %q\n", sc.Text())
		} else {
			fmt.Printf("%s %q\n", c, sc.Text())
		}
	}
}
