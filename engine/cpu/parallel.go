package cpu

import "sync"

// job is a kernel's work over n independent items: do(w, lo, hi) processes
// items [lo, hi) as worker w (which numbers its scratch space). Kernels on
// the hot path of a training step keep their job in the Backend and hand a
// pointer to it to run, so a call allocates nothing.
type job interface{ do(w, lo, hi int) }

// funcJob makes a function a job, for kernels whose closure may allocate.
type funcJob func(w, lo, hi int)

func (f funcJob) do(w, lo, hi int) { f(w, lo, hi) }

// parallel calls f(w, lo, hi) over a split of [0, n) (see run).
func (b *Backend) parallel(n, cost int, f func(w, lo, hi int)) { b.run(n, cost, funcJob(f)) }

// run splits [0, n) into at most b.workers contiguous ranges, w numbering
// the range, when the work (n items of cost each) reaches the threshold:
// range 0 runs on the calling goroutine, the others on the process's worker
// pool. Below the threshold it calls j.do(0, 0, n) here. j must only write
// outputs of its own items.
func (b *Backend) run(n, cost int, j job) {
	parts := min(b.workers, n)
	if parts <= 1 || n*cost < b.minPar {
		if n > 0 {
			j.do(0, 0, n)
		}
		return
	}
	workers.grow(parts - 1)
	b.wg.Add(parts - 1)
	for w := 1; w < parts; w++ {
		workers.spans <- span{j: j, w: w, lo: n * w / parts, hi: n * (w + 1) / parts, wg: &b.wg}
	}
	j.do(0, 0, n/parts)
	b.wg.Wait()
}

// span is one range of a job for a pool worker.
type span struct {
	j         job
	w, lo, hi int
	wg        *sync.WaitGroup
}

// pool is the process's persistent kernel goroutines, shared by every CPU
// backend: started on first need and never stopped, so a kernel call starts
// no goroutine. A caller works on its own first range while the pool takes
// the others, so backends used from several goroutines cannot deadlock.
type pool struct {
	mu      sync.Mutex
	started int
	spans   chan span
}

var workers = pool{spans: make(chan span, 64)}

// grow makes sure at least n workers run.
func (p *pool) grow(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for ; p.started < n; p.started++ {
		go func() {
			for s := range p.spans {
				s.j.do(s.w, s.lo, s.hi)
				s.wg.Done()
			}
		}()
	}
}

// scratchOf returns worker w's scratch space of at least n values.
func (b *Backend) scratchOf(w, n int) []float32 {
	if len(b.scratch[w]) < n {
		b.scratch[w] = make([]float32, n)
	}
	return b.scratch[w][:n]
}
