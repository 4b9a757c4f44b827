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
	od := Data(out)
	blocks := (len(od) + 3) / 4
	b.parallel(blocks, 16, func(_, lo, hi int) {
		for j := lo; j < hi; j++ {
			blk := k.Block(j)
			for i := 4 * j; i < min(4*j+4, len(od)); i++ {
				od[i] = engine.RandomValue(kind, blk, i, a, bb)
			}
		}
	})
}
