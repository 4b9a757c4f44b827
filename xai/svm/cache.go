package svm

// lruCache keeps columns of Q, each a prefix Q_{i,0..len-1}, within a
// budget counted in float32 entries, evicting the least recently used
// column first. It follows the design of libsvm's Cache class (Chang & Lin,
// "LIBSVM: a library for support vector machines", 2011, §5.1): a column
// can be extended in place when a longer prefix is needed, and swapping two
// positions (for shrinking) swaps the entries of every cached column that
// covers both and drops those that cover only one.
type lruCache struct {
	l          int
	free       int64       // entries still available
	cols       [][]float32 // cached prefix of each column; nil when absent
	prev, next []int       // doubly linked LRU list; node l is the sentinel
}

// newLRUCache makes a cache for l columns holding about budget entries;
// like libsvm it always allows at least two full columns, since the solver
// needs two at a time.
func newLRUCache(l int, budget int64) *lruCache {
	if min := int64(2 * l); budget < min {
		budget = min
	}
	c := &lruCache{l: l, free: budget, cols: make([][]float32, l), prev: make([]int, l+1), next: make([]int, l+1)}
	c.prev[l], c.next[l] = l, l
	return c
}

func (c *lruCache) unlink(i int) {
	c.next[c.prev[i]] = c.next[i]
	c.prev[c.next[i]] = c.prev[i]
}

// pushBack makes i the most recently used column.
func (c *lruCache) pushBack(i int) {
	s := c.l
	c.next[i] = s
	c.prev[i] = c.prev[s]
	c.next[c.prev[s]] = i
	c.prev[s] = i
}

// get returns column i with at least n entries and the index from which
// the entries are not yet filled (start ≥ n when all are there).
func (c *lruCache) get(i, n int) (data []float32, start int) {
	h := c.cols[i]
	if len(h) > 0 {
		c.unlink(i)
	}
	old := len(h)
	if more := int64(n - old); more > 0 {
		for c.free < more {
			v := c.next[c.l]
			if v == c.l {
				break // nothing left to evict; cannot happen with budget ≥ 2l
			}
			c.unlink(v)
			c.free += int64(len(c.cols[v]))
			c.cols[v] = nil
		}
		nh := make([]float32, n)
		copy(nh, h)
		h = nh
		c.free -= more
		c.cols[i] = h
	}
	c.pushBack(i)
	return h, old
}

// swap exchanges positions i and j: the columns themselves and, inside
// every cached column, the entries i and j.
func (c *lruCache) swap(i, j int) {
	if i == j {
		return
	}
	if len(c.cols[i]) > 0 {
		c.unlink(i)
	}
	if len(c.cols[j]) > 0 {
		c.unlink(j)
	}
	c.cols[i], c.cols[j] = c.cols[j], c.cols[i]
	if len(c.cols[i]) > 0 {
		c.pushBack(i)
	}
	if len(c.cols[j]) > 0 {
		c.pushBack(j)
	}
	if i > j {
		i, j = j, i
	}
	for h := c.next[c.l]; h != c.l; {
		nx := c.next[h]
		col := c.cols[h]
		if len(col) > i {
			if len(col) > j {
				col[i], col[j] = col[j], col[i]
			} else {
				c.unlink(h)
				c.free += int64(len(col))
				c.cols[h] = nil
			}
		}
		h = nx
	}
}
