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
