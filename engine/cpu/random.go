package cpu

import (
	"fmt"

	"genxai/engine"
)

// Random fills out from the Philox stream keyed by k, blocks of four
// elements split across workers.
func (b *Backend) Random(kind engine.RandomKind, k engine.RandomKey, a, bb float64, out engine.Buffer) {
	if kind > engine.Dropout {
		panic(fmt.Sprintf("cpu: Random: unknown kind %d", kind))
	}
	j := &b.random
	*j = randomJob{kind: kind, key: k, a: a, b: bb, out: Data(out)}
	b.run((len(j.out)+3)/4, 16, j)
	j.out = nil
}

// randomJob is Random's work over blocks of four elements, kept in the
// Backend so a call allocates nothing.
type randomJob struct {
	kind engine.RandomKind
	key  engine.RandomKey
	a, b float64
	out  []float32
}

func (j *randomJob) do(_, lo, hi int) {
	engine.FillRandomBlocks(j.kind, j.key, j.a, j.b, j.out, lo, hi)
}
