package reqlimit

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

func TestBudget(t *testing.T) {
	t.Run("Bounded", func(t *testing.T) {
		ctx := With(context.Background(), 3)
		var now, peak atomic.Int32
		var wg sync.WaitGroup
		for range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				release, err := Acquire(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				n := now.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				now.Add(-1)
				release()
			}()
		}
		wg.Wait()
		if p := peak.Load(); p > 3 || p < 1 {
			t.Errorf("peak %d in flight, budget 3", p)
		}
	})
	t.Run("WaitEndsWithContext", func(t *testing.T) {
		ctx, cancel := context.WithCancel(With(context.Background(), 1))
		release, err := Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		cancel()
		if _, err := Acquire(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("NoBudget", func(t *testing.T) {
		for range 100 {
			if _, err := Acquire(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Run("OuterBudgetKept", func(t *testing.T) {
		ctx := With(With(context.Background(), 1), 10)
		release, _ := Acquire(ctx)
		defer release()
		ctx2, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := Acquire(ctx2); err == nil {
			t.Error("second slot of a budget of 1 granted")
		}
	})
}
