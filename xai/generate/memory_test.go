package generate

import (
	"context"
	"io"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"genxai/xai/explain/explaintest"
)

// peakHeap runs f while sampling runtime.MemStats.HeapInuse every
// millisecond and returns the largest value seen.
func peakHeap(f func()) uint64 {
	runtime.GC()
	var (
		peak uint64
		wg   sync.WaitGroup
		done = make(chan struct{})
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	return peak
}

// TestMemoryFlat: exporting 20,000 images takes no more heap than 2,000
// (within a margin far below the 20,000 images' own 5 MB as float32), since
// images are drawn and written a chunk at a time.
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 22,000 images")
	}
	run := explaintest.Train(t, explaintest.DigitsCGAN)
	defer debug.SetGCPercent(debug.SetGCPercent(20))
	peak := func(n int) uint64 {
		return peakHeap(func() {
			o := Options{Run: run, N: n, Class: -1, Format: "idx", Out: t.TempDir()}
			if _, err := Export(context.Background(), o, nil, io.Discard, io.Discard); err != nil {
				t.Fatal(err)
			}
		})
	}
	// The least of two runs each: a collection that comes late under a busy
	// machine's scheduling inflates one run's peak, not both.
	small, large := min(peak(2000), peak(2000)), min(peak(20000), peak(20000))
	t.Logf("peak HeapInuse: %.1f MB for 2,000 images, %.1f MB for 20,000", float64(small)/1e6, float64(large)/1e6)
	const margin = 2 << 20 // 2 MiB; holding the 18,000 extra images would take ≥ 4.6 MB
	if large > small+margin {
		t.Errorf("peak heap grows with N: %d bytes for 2,000 images, %d for 20,000 (margin %d)", small, large, margin)
	}
}
