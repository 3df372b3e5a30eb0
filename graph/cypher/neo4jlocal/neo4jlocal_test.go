package neo4jlocal

import (
	"context"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
)

func TestVersionPinnedEverywhere(t *testing.T) {
	pom, err := sources.ReadFile("pom.xml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<neo4j.version>([^<]+)</neo4j.version>`).FindSubmatch(pom)
	if m == nil || string(m[1]) != Neo4jVersion {
		t.Fatalf("pom.xml neo4j.version = %q, want Neo4jVersion %q", m, Neo4jVersion)
	}
	compose, err := os.ReadFile("../../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	minor := Neo4jVersion[:strings.LastIndexByte(Neo4jVersion, '.')]
	if !strings.Contains(string(compose), "image: neo4j:"+minor) {
		t.Errorf("docker-compose.yml does not run neo4j:%s like the launcher (%s)", minor, Neo4jVersion)
	}
}

func TestSourceHashStable(t *testing.T) {
	if a, b := SourceHash(), SourceHash(); a != b || len(a) != 16 {
		t.Fatalf("SourceHash = %q then %q", a, b)
	}
}

// TestStartStopRestart runs the real launcher: it must report ready, accept
// TCP connections on the Bolt port, stop cleanly and start again on the same
// port with the same store.
func TestStartStopRestart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), sharedtest.Timeout(5*time.Minute))
	defer cancel()
	inst, err := Start(ctx, Config{Dir: t.TempDir(), HeapMB: 512, PageCacheMB: 64})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = inst.Stop(context.Background()) })
	if !strings.HasPrefix(inst.URI(), "bolt://127.0.0.1:") || inst.Port() == 0 {
		t.Fatalf("URI = %q, port %d", inst.URI(), inst.Port())
	}
	dial(t, inst.Port(), true)

	if err := inst.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	select {
	case <-inst.Exited():
	default:
		t.Fatal("process still running after Stop")
	}
	dial(t, inst.Port(), false)

	port := inst.Port()
	if err := inst.Restart(ctx); err != nil {
		t.Fatalf("Restart: %v", err)
	}
	if inst.Port() != port {
		t.Errorf("restarted on port %d, want %d", inst.Port(), port)
	}
	dial(t, inst.Port(), true)
}

func TestStartRejectsMissingDir(t *testing.T) {
	if _, err := Start(context.Background(), Config{}); err == nil {
		t.Fatal("Start without Dir: want error")
	}
}

func dial(t *testing.T, port int, want bool) {
	t.Helper()
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", itoa(port)), 2*time.Second)
	if c != nil {
		c.Close()
	}
	if (err == nil) != want {
		t.Fatalf("dial port %d: err=%v, want reachable=%v", port, err, want)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
