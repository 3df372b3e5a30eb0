package cypher

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestFlightsShareAndStop: callers of one key at once share one run of the
// work and its result; a caller that leaves does not stop the work while
// another still waits; when the last caller leaves the work is cancelled,
// and a caller after that starts afresh.
func TestFlightsShareAndStop(t *testing.T) {
	var g flights
	var runs atomic.Int32
	release := make(chan struct{})
	work := func(ctx context.Context) (int, error) {
		runs.Add(1)
		select {
		case <-release:
			return 42, nil
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}

	// Shared: five callers, one run, one answer.
	var wg sync.WaitGroup
	got := make([]int, 5)
	for i := range got {
		wg.Go(func() { got[i], _ = shareFlight(context.Background(), &g, "k", "", work) })
	}
	waitFor(t, &g, "k", 5)
	close(release)
	wg.Wait()
	if runs.Load() != 1 || got[0] != 42 || got[4] != 42 {
		t.Fatalf("%d runs, answers %v; want 1 run answering 42 to all", runs.Load(), got)
	}

	// One of two callers leaves: the work goes on for the other.
	runs.Store(0)
	release = make(chan struct{})
	var cancelled atomic.Bool
	stoppable := func(ctx context.Context) (int, error) {
		runs.Add(1)
		select {
		case <-release:
			return 7, nil
		case <-ctx.Done():
			cancelled.Store(true)
			return 0, ctx.Err()
		}
	}
	leaver, leave := context.WithCancel(context.Background())
	left := make(chan error, 1)
	go func() { _, err := shareFlight(leaver, &g, "k2", "", stoppable); left <- err }()
	for runs.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	stayed := make(chan int, 1)
	go func() { v, _ := shareFlight(context.Background(), &g, "k2", "", stoppable); stayed <- v }()
	waitFor(t, &g, "k2", 2)
	leave()
	if err := <-left; err == nil {
		t.Error("the caller that left got no error")
	}
	time.Sleep(20 * time.Millisecond)
	if cancelled.Load() {
		t.Fatal("the work was cancelled while a caller still waited")
	}
	close(release)
	if v := <-stayed; v != 7 || runs.Load() != 1 {
		t.Fatalf("the caller that stayed got %d after %d runs, want 7 after 1", v, runs.Load())
	}

	// The only caller leaves: the work is cancelled; the next caller starts afresh.
	runs.Store(0)
	cancelled.Store(false)
	release = make(chan struct{})
	alone, hangUp := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _, _ = shareFlight(alone, &g, "k3", "", stoppable); close(done) }()
	for runs.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	hangUp()
	<-done
	deadline := time.Now().Add(5 * time.Second)
	for !cancelled.Load() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if !cancelled.Load() {
		t.Fatal("the work went on after its only caller left")
	}
	close(release)
	if v, err := shareFlight(context.Background(), &g, "k3", "", stoppable); v != 7 || err != nil || runs.Load() != 2 {
		t.Fatalf("after the cancelled run: %d, %v after %d runs; want 7 from a second run", v, err, runs.Load())
	}
}

// waitFor waits until n callers wait for the flight of key.
func waitFor(t *testing.T, g *flights, key string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		g.mu.Lock()
		f := g.m[key]
		ok := f != nil && f.waiters == n
		g.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d callers never waited for %s together", n, key)
		}
		time.Sleep(time.Millisecond)
	}
}
