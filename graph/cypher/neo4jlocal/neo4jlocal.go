// Package neo4jlocal builds and runs the project's local Neo4j: Neo4j
// Community embedded in a small Java launcher (Launcher.java beside this
// file), for development and tests on machines without Docker.
//
// The launcher's sources are embedded in every Go binary that imports this
// package, so `sanctiongraph dev` works from any directory. Build compiles them
// with Maven once into a cache directory keyed by a hash of the sources and
// reuses that build on every later start; Start runs the launcher, waits for
// its READY line and returns the Bolt URI; Stop sends SIGTERM and waits for a
// clean shutdown. Import runs Neo4j's offline bulk importer (Importer.java,
// the engine of neo4j-admin database import full) to load CSV files into a
// new store that Start then serves.
package neo4jlocal

import (
	"bufio"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

//go:embed pom.xml src
var sources embed.FS

// Neo4jVersion is the Neo4j version the launcher embeds (pom.xml).
const Neo4jVersion = "5.26.30"

// mainClass is the launcher's entry point.
const mainClass = "org.sanctiongraph.neo4j.Launcher"

// SourceHash identifies the launcher's sources; a build is reused while it is unchanged.
func SourceHash() string {
	h := sha256.New()
	var names []string
	_ = fs.WalkDir(sources, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	})
	sort.Strings(names)
	for _, n := range names {
		b, _ := sources.ReadFile(n)
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// DefaultCacheDir is where builds are kept: $SANCTIONGRAPH_CACHE, else the
// user cache directory (~/.cache/sanctiongraph).
func DefaultCacheDir() string {
	if d := os.Getenv("SANCTIONGRAPH_CACHE"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "sanctiongraph")
	}
	return filepath.Join(os.TempDir(), "sanctiongraph-cache")
}

// Build returns the classpath of a built launcher, building it with Maven
// into cacheDir/neo4j-embedded-<hash> unless that build exists. Progress of
// a build (Maven's own output) goes to log; builds of several processes at
// once are serialised with a lock file.
func Build(ctx context.Context, cacheDir string, log io.Writer) (classpath string, err error) {
	if log == nil {
		log = io.Discard
	}
	dir := filepath.Join(cacheDir, "neo4j-embedded-"+SourceHash())
	cp := filepath.Join(dir, "target", "neo4j-embedded.jar") + string(os.PathListSeparator) + filepath.Join(dir, "target", "lib", "*")
	done := filepath.Join(dir, "BUILD_OK")
	if _, err := os.Stat(done); err == nil {
		return cp, nil
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", fmt.Errorf("neo4j launcher: cache dir: %w", err)
	}
	unlock, err := lockFile(ctx, filepath.Join(cacheDir, "neo4j-embedded.lock"))
	if err != nil {
		return "", err
	}
	defer unlock()
	if _, err := os.Stat(done); err == nil { // built by another process meanwhile
		return cp, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("neo4j launcher: clean build dir: %w", err)
	}
	if err := os.CopyFS(dir, sources); err != nil {
		return "", fmt.Errorf("neo4j launcher: write sources: %w", err)
	}
	mvn, err := exec.LookPath("mvn")
	if err != nil {
		return "", errors.New("neo4j launcher: Maven (mvn) not found on PATH; install Maven and Java 17 (see README)")
	}
	fmt.Fprintf(log, "building the embedded Neo4j %s launcher in %s (once; Maven downloads Neo4j on the first build)\n", Neo4jVersion, dir)
	start := time.Now()
	cmd := exec.CommandContext(ctx, mvn, "-B", "-q", "-DskipTests", "package")
	cmd.Dir = dir
	var out strings.Builder
	cmd.Stdout = io.MultiWriter(log, &out)
	cmd.Stderr = io.MultiWriter(log, &out)
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("neo4j launcher: mvn package in %s: %w\n%s", dir, err, tail(out.String(), 40))
	}
	if err := os.WriteFile(done, []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644); err != nil {
		return "", fmt.Errorf("neo4j launcher: %w", err)
	}
	fmt.Fprintf(log, "built the Neo4j launcher in %s\n", time.Since(start).Round(100*time.Millisecond))
	return cp, nil
}

func tail(s string, lines int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > lines {
		l = l[len(l)-lines:]
	}
	return strings.Join(l, "\n")
}

// lockFile takes an exclusive flock on path, waiting until ctx is done.
func lockFile(ctx context.Context, path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("neo4j launcher: lock: %w", err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("neo4j launcher: lock: %w", err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("neo4j launcher: waiting for another build: %w", ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Config says how to run a local Neo4j.
type Config struct {
	// Dir keeps the store and logs (created if missing).
	Dir string
	// Host is the loopback address to listen on; default 127.0.0.1.
	Host string
	// Port is the Bolt port; 0 picks a free one.
	Port int
	// HeapMB and PageCacheMB size the JVM heap and Neo4j's page cache;
	// defaults 1024 and 256. Import uses HeapMB for the importer's JVM.
	HeapMB      int
	PageCacheMB int
	// CacheDir holds launcher builds; default DefaultCacheDir().
	CacheDir string
	// Log receives build progress and the launcher's (or the importer's)
	// own output; nil discards.
	Log io.Writer
	// StartTimeout bounds the wait for READY; default 3 minutes.
	StartTimeout time.Duration
}

// withDefaults fills in the defaults documented on Config.
func (cfg Config) withDefaults() Config {
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	if cfg.HeapMB == 0 {
		cfg.HeapMB = 1024
	}
	if cfg.PageCacheMB == 0 {
		cfg.PageCacheMB = 256
	}
	if cfg.CacheDir == "" {
		cfg.CacheDir = DefaultCacheDir()
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.StartTimeout == 0 {
		cfg.StartTimeout = 3 * time.Minute
	}
	return cfg
}

// Instance is a running local Neo4j.
type Instance struct {
	cfg  Config
	cmd  *exec.Cmd
	uri  string
	port int
	// stdin is held open so the launcher exits if this process dies.
	stdin  io.WriteCloser
	exited chan struct{}
	mu     sync.Mutex
	err    error
}

// Start builds the launcher if needed, starts Neo4j and waits until it
// accepts Bolt connections.
func Start(ctx context.Context, cfg Config) (*Instance, error) {
	if cfg.Dir == "" {
		return nil, errors.New("neo4j launcher: Config.Dir is required")
	}
	cfg = cfg.withDefaults()
	java, err := exec.LookPath("java")
	if err != nil {
		return nil, errors.New("neo4j launcher: java not found on PATH; install Java 17 (see README)")
	}
	cp, err := Build(ctx, cfg.CacheDir, cfg.Log)
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("neo4j launcher: store dir: %w", err)
	}
	i := &Instance{cfg: cfg}
	i.cfg.Dir = dir
	if err := i.start(ctx, java, cp, cfg.Port); err != nil {
		return nil, err
	}
	return i, nil
}

func (i *Instance) start(ctx context.Context, java, cp string, port int) error {
	args := []string{
		"-Xms" + strconv.Itoa(min(i.cfg.HeapMB, 256)) + "m",
		"-Xmx" + strconv.Itoa(i.cfg.HeapMB) + "m",
		"-XX:+UseG1GC",
		"-cp", cp, mainClass,
		"--home", i.cfg.Dir,
		"--host", i.cfg.Host,
		"--port", strconv.Itoa(port),
		"--pagecache-mb", strconv.Itoa(i.cfg.PageCacheMB),
		"--exit-on-eof",
	}
	// Not CommandContext: the instance outlives the start context.
	cmd := exec.Command(java, args...)
	cmd.Dir = i.cfg.Dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	var stderr lockedTail
	cmd.Stderr = io.MultiWriter(i.cfg.Log, &stderr)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("neo4j launcher: start java: %w", err)
	}
	exited := make(chan struct{})
	i.mu.Lock()
	i.cmd, i.stdin, i.exited = cmd, stdin, exited
	i.mu.Unlock()
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(i.cfg.Log, "neo4j:", line)
			if uri, ok := strings.CutPrefix(line, "READY "); ok {
				select {
				case ready <- uri:
				default:
				}
			}
		}
	}()
	go func() {
		err := cmd.Wait()
		i.mu.Lock()
		i.err = err
		i.mu.Unlock()
		close(exited)
	}()
	timer := time.NewTimer(i.cfg.StartTimeout)
	defer timer.Stop()
	select {
	case uri := <-ready:
		i.uri = uri
		p, err := strconv.Atoi(uri[strings.LastIndexByte(uri, ':')+1:])
		if err != nil {
			return fmt.Errorf("neo4j launcher: bad READY line %q", uri)
		}
		i.port = p
		return nil
	case <-exited:
		return fmt.Errorf("neo4j launcher: exited before ready (%v); see %s/logs/debug.log:\n%s", i.exitErr(), i.cfg.Dir, stderr.String())
	case <-timer.C:
		_ = i.Stop(context.Background())
		return fmt.Errorf("neo4j launcher: not ready after %s; see %s/logs/debug.log", i.cfg.StartTimeout, i.cfg.Dir)
	case <-ctx.Done():
		_ = i.Stop(context.Background())
		return fmt.Errorf("neo4j launcher: %w", ctx.Err())
	}
}

func (i *Instance) exitErr() error {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.err
}

// URI is the Bolt URI, e.g. bolt://127.0.0.1:7687.
func (i *Instance) URI() string { return i.uri }

// RoutingURI is the same server's routing address, neo4j://127.0.0.1:7687:
// the driver asks it for a routing table and sends reads to its readers and
// writes to its writer, as it would against a cluster or Aura. The service
// and the tests connect this way, so the routing path is the one exercised.
func (i *Instance) RoutingURI() string { return "neo4j://" + strings.TrimPrefix(i.uri, "bolt://") }

// Port is the bound Bolt port.
func (i *Instance) Port() int { return i.port }

// Dir is the store directory.
func (i *Instance) Dir() string { return i.cfg.Dir }

// Stop shuts Neo4j down cleanly (SIGTERM), killing it if it has not exited
// when ctx ends or after 60 seconds.
func (i *Instance) Stop(ctx context.Context) error {
	i.mu.Lock()
	cmd, exited, stdin := i.cmd, i.exited, i.stdin
	i.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return nil
	}
	defer stdin.Close()
	select {
	case <-exited:
		return nil
	default:
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	timer := time.NewTimer(60 * time.Second)
	defer timer.Stop()
	select {
	case <-exited:
	case <-ctx.Done():
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		return fmt.Errorf("neo4j launcher: killed after %w", ctx.Err())
	case <-timer.C:
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		return errors.New("neo4j launcher: killed after 60s without a clean shutdown")
	}
	return nil
}

// Restart starts a stopped instance again on the same port and store.
func (i *Instance) Restart(ctx context.Context) error {
	if err := i.Stop(ctx); err != nil {
		return err
	}
	java, err := exec.LookPath("java")
	if err != nil {
		return err
	}
	cp, err := Build(ctx, i.cfg.CacheDir, i.cfg.Log)
	if err != nil {
		return err
	}
	return i.start(ctx, java, cp, i.port)
}

// Exited is closed when the current Neo4j process ends (Restart starts a new one).
func (i *Instance) Exited() <-chan struct{} {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.exited
}

// lockedTail keeps the last 8 KiB written to it.
type lockedTail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *lockedTail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 8<<10 {
		t.buf = t.buf[len(t.buf)-8<<10:]
	}
	return len(p), nil
}

func (t *lockedTail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
