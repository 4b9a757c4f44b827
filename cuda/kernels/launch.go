package kernels

import "fmt"

// Launch is a kernel's grid and block (x, y, z).
type Launch struct {
	Grid, Block [3]int
}

// Threads is the number of threads per block.
func (l Launch) Threads() int { return l.Block[0] * l.Block[1] * l.Block[2] }

// Rule names how a kernel's launch is shaped from the problem's sizes.
type Rule uint8

// The rules. Each kernel's loops are grid-strided where a dimension is
// capped, so every rule covers any size.
const (
	// Elements: 256 threads per block, one thread per element (per Philox
	// block of four for random_fill, per column for layer_norm_params and
	// scatter_add, per channel for running_stats; per value of the output
	// for im2col, col2im, max_pool, max_pool_grad, upsample, upsample_grad
	// and gather, so n is the output's length), at most MaxBlocks blocks.
	// Launch(n).
	Elements Rule = iota
	// Rows: one block of 256 threads per row (per channel for bn_stats and
	// bn_grad), at most MaxBlocks blocks. Launch(rows).
	Rows
	// Columns32: block (32, 8); grid (⌈inner/32⌉, outer capped at 65535).
	// Launch(outer, inner).
	Columns32
	// Tiles16: block (16, 16); grid (⌈n/16⌉, ⌈m/16⌉, batch). Launch(m, n, batch).
	Tiles16
	// ClipGrid: ClipBlocks blocks of 256 threads, whatever the size, so the
	// partial sums (and the norm's bits) do not depend on the device.
	ClipGrid
	// OneWarp: a single block of 32 threads.
	OneWarp
)

// MaxBlocks caps one-dimensional grids; kernels grid-stride beyond it.
const MaxBlocks = 1 << 16

// ClipBlocks is the number of partial sums clip_sumsq writes.
const ClipBlocks = 64

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// ruleSizes is how many sizes each rule takes.
var ruleSizes = [...]int{Elements: 1, Rows: 1, Columns32: 2, Tiles16: 3, ClipGrid: 0, OneWarp: 0}

// Launch returns the launch for the sizes the rule documents. A launch of
// zero blocks (an empty problem) must be skipped by the caller. It does not
// allocate (the backend calls it for every kernel of a replayed step).
func (r Rule) Launch(sizes ...int) Launch {
	if int(r) >= len(ruleSizes) {
		panic(fmt.Sprintf("kernels: no launch rule %d", r))
	}
	if len(sizes) != ruleSizes[r] {
		panic(fmt.Sprintf("kernels: launch rule %d takes %d sizes, got %d", r, ruleSizes[r], len(sizes)))
	}
	switch r {
	case Elements:
		return Launch{Grid: [3]int{min(ceilDiv(sizes[0], 256), MaxBlocks), 1, 1}, Block: [3]int{256, 1, 1}}
	case Rows:
		return Launch{Grid: [3]int{min(sizes[0], MaxBlocks), 1, 1}, Block: [3]int{256, 1, 1}}
	case Columns32:
		return Launch{Grid: [3]int{ceilDiv(sizes[1], 32), min(sizes[0], 65535), 1}, Block: [3]int{32, 8, 1}}
	case Tiles16:
		return Launch{Grid: [3]int{ceilDiv(sizes[1], 16), ceilDiv(sizes[0], 16), sizes[2]}, Block: [3]int{16, 16, 1}}
	case ClipGrid:
		return Launch{Grid: [3]int{ClipBlocks, 1, 1}, Block: [3]int{256, 1, 1}}
	}
	return Launch{Grid: [3]int{1, 1, 1}, Block: [3]int{32, 1, 1}}
}

// Empty reports whether the launch has no block (nothing to do).
func (l Launch) Empty() bool { return l.Grid[0]*l.Grid[1]*l.Grid[2] == 0 }
