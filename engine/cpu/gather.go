package cpu

import (
	"fmt"

	"genxai/engine"
)

// gatherJob is one Gather (items: rows of out) or ScatterAdd (items:
// columns of the table, each worker adding every id's row segment in id
// order, so a repeated id sums in the same order whatever the split).
type gatherJob struct {
	scatter     bool
	table, rows []float32
	ids         []float32
	vocab, dim  int
}

func (j *gatherJob) do(_, lo, hi int) {
	d := j.dim
	if !j.scatter {
		for i := lo; i < hi; i++ {
			r := j.id(i)
			copy(j.rows[i*d:(i+1)*d], j.table[r*d:(r+1)*d])
		}
		return
	}
	for i := range j.ids {
		r := j.id(i)
		dst, src := j.table[r*d+lo:r*d+hi], j.rows[i*d+lo:i*d+hi]
		for k, v := range src {
			dst[k] += v
		}
	}
}

// id returns the i-th id as a row index, panicking on one that is not an
// integer in [0, vocab).
func (j *gatherJob) id(i int) int {
	v := j.ids[i]
	r := int(v)
	if float32(r) != v || r < 0 || r >= j.vocab {
		panic(fmt.Sprintf("cpu: Gather/ScatterAdd: id %d is %v, not a row of a table of %d", i, v, j.vocab))
	}
	return r
}

// Gather copies the rows of table the ids name into out, rows split across workers.
func (b *Backend) Gather(table engine.Buffer, vocab, dim int, ids engine.Buffer, n int, out engine.Buffer) {
	b.gather = gatherJob{table: data("Gather table", table, vocab*dim), ids: data("Gather ids", ids, n),
		rows: data("Gather out", out, n*dim), vocab: vocab, dim: dim}
	b.run(n, dim, &b.gather)
}

// ScatterAdd adds the rows of dout onto the table rows the ids name,
// columns split across workers.
func (b *Backend) ScatterAdd(dout engine.Buffer, ids engine.Buffer, n int, table engine.Buffer, vocab, dim int) {
	b.gather = gatherJob{scatter: true, table: data("ScatterAdd table", table, vocab*dim), ids: data("ScatterAdd ids", ids, n),
		rows: data("ScatterAdd dout", dout, n*dim), vocab: vocab, dim: dim}
	b.run(dim, n, &b.gather)
}
