package cpu

import "sync"

// parallel calls f(w, lo, hi) over a split of [0, n) into at most b.workers
// contiguous ranges, w numbering the range, when the work (n items of cost
// each) reaches the threshold; otherwise f(0, 0, n) on this goroutine. f must
// only write outputs of its own items.
func (b *Backend) parallel(n, cost int, f func(w, lo, hi int)) {
	parts := b.workers
	if parts > n {
		parts = n
	}
	if parts <= 1 || n*cost < b.minPar {
		if n > 0 {
			f(0, 0, n)
		}
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < parts; w++ {
		lo, hi := n*w/parts, n*(w+1)/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(w, lo, hi)
		}()
	}
	wg.Wait()
}

// scratchOf returns worker w's scratch space of at least n values.
func (b *Backend) scratchOf(w, n int) []float32 {
	if len(b.scratch[w]) < n {
		b.scratch[w] = make([]float32, n)
	}
	return b.scratch[w][:n]
}
