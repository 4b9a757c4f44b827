package engine

// ChunkSum adds float32 values in the order ReduceChunk fixes: sequentially
// within blocks of ReduceChunk values, the block sums added in order. Every
// reduction of the CPU backend and the tape's norm kernels (nets) sum this
// way, so both executors get the same bits.
type ChunkSum struct {
	total, part float32
	k           int
}

// Add adds v.
func (c *ChunkSum) Add(v float32) {
	c.part += v
	if c.k++; c.k == ReduceChunk {
		c.total += c.part
		c.part, c.k = 0, 0
	}
}

// Sum returns the sum of the values added so far.
func (c *ChunkSum) Sum() float32 { return c.total + c.part }

// AddSlice adds the values of vs in order: the bits of Add on each, with
// the additions of a block in one tight loop (Add's count and branch per
// value cost as much as the addition, which is what a long sum waits on).
func (c *ChunkSum) AddSlice(vs []float32) {
	for len(vs) > 0 {
		n := min(len(vs), ReduceChunk-c.k)
		part := c.part
		for _, v := range vs[:n] {
			part += v
		}
		c.part, vs = part, vs[n:]
		c.advance(n)
	}
}

// AddSquares adds (v − mu)² for the values v of vs in order, as
// Add((v − mu)·(v − mu)) on each would.
func (c *ChunkSum) AddSquares(vs []float32, mu float32) {
	for len(vs) > 0 {
		n := min(len(vs), ReduceChunk-c.k)
		part := c.part
		for _, v := range vs[:n] {
			part += (v - mu) * (v - mu)
		}
		c.part, vs = part, vs[n:]
		c.advance(n)
	}
}

// advance counts n values added to the current block, closing it when full.
func (c *ChunkSum) advance(n int) {
	if c.k += n; c.k == ReduceChunk {
		c.total += c.part
		c.part, c.k = 0, 0
	}
}
