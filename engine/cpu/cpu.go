// Package cpu is the CPU implementation of engine.Backend: Go kernels over
// host slices, matrix products through engine/blas (OpenBLAS loaded at run
// time, gonum's pure-Go BLAS without it).
//
// Kernels above a size threshold are split across goroutines. Every split is
// over independent outputs (elements, rows, channels) or over fixed blocks of
// engine.ReduceChunk summands whose partial sums are added in order, so a
// result has the same bits whatever the number of workers.
package cpu

import (
	"fmt"
	"runtime"
	"sync"

	G "gorgonia.org/gorgonia"

	"genxai/engine"
	"genxai/engine/blas"
)

// Options configure a Backend. The zero value is usable.
type Options struct {
	// Workers is the most goroutines a kernel uses; 0 means GOMAXPROCS.
	Workers int
	// MinParallel is the work (elements touched) below which a kernel runs
	// on the calling goroutine alone; 0 means 1<<15.
	MinParallel int
	// BLAS multiplies the matrices; nil means blas.Current().
	BLAS G.BLAS
}

// Backend is the CPU backend. Its methods are not safe for concurrent use.
type Backend struct {
	workers, minPar int
	blas            G.BLAS
	scratch         [][]float32 // per worker, grown on demand
	wg              sync.WaitGroup
	strided         stridedJob
	chain           chainJob
	reduce          reduceJob
	update          updateJob
	random          randomJob
	layer           layerJob
	conv            convJob
	tile            gemmTileJob
	convPatches     []float32 // a convolution group's patches (see conv.go)
	convOut         []float32 // a group's outputs by channel
	gather          gatherJob
	norm            normJob
}

var _ engine.Backend = (*Backend)(nil)

// New returns a CPU backend.
func New(o Options) *Backend {
	b := &Backend{workers: o.Workers, minPar: o.MinParallel, blas: o.BLAS}
	if b.workers <= 0 {
		b.workers = runtime.GOMAXPROCS(0)
	}
	if b.minPar <= 0 {
		b.minPar = 1 << 15
	}
	if b.blas == nil {
		b.blas = blas.Current()
	}
	b.scratch = make([][]float32, b.workers)
	return b
}

// Name returns "cpu".
func (b *Backend) Name() string { return "cpu" }

// buffer is a host slice.
type buffer struct{ data []float32 }

func (x *buffer) Len() int { return len(x.data) }

// Data returns the host slice behind a buffer of this backend, for the host
// fallback of ops the plan has no kernel for. It panics on a foreign buffer.
func Data(x engine.Buffer) []float32 {
	bb, ok := x.(*buffer)
	if !ok {
		panic(fmt.Sprintf("cpu: a %T is not a buffer of the CPU backend", x))
	}
	return bb.data
}

// data returns x's slice after checking that it holds want values.
func data(kernel string, x engine.Buffer, want int) []float32 {
	d := Data(x)
	if len(d) != want {
		panic(fmt.Sprintf("cpu: %s: buffer of %d values where the shape needs %d", kernel, len(d), want))
	}
	return d
}

// Alloc returns a buffer of n zeros.
func (b *Backend) Alloc(n int) engine.Buffer {
	if n < 0 {
		panic(fmt.Sprintf("cpu: Alloc(%d): negative length", n))
	}
	return &buffer{data: make([]float32, n)}
}

// Free drops the slice; the garbage collector reclaims it.
func (b *Backend) Free(x engine.Buffer) { Data(x); x.(*buffer).data = nil }

// Upload copies src into dst.
func (b *Backend) Upload(dst engine.Buffer, src []float32) {
	copy(data("Upload", dst, len(src)), src)
}

// Download copies src into dst.
func (b *Backend) Download(dst []float32, src engine.Buffer) error {
	copy(dst, data("Download", src, len(dst)))
	return nil
}

// Copy copies src into dst.
func (b *Backend) Copy(dst, src engine.Buffer) {
	copy(data("Copy", dst, src.Len()), Data(src))
}

// Sync returns nil: CPU kernels finish before they return.
func (b *Backend) Sync() error { return nil }

func init() {
	engine.RegisterBackend("cpu", func() (engine.Backend, error) { return New(Options{}), nil })
}
