package denoise

import (
	"context"
	"fmt"

	"genxai/engine"
	"genxai/nets"
	"genxai/train"
)

// corruptBatch is the number of rows of the corruption graph.
const corruptBatch = 250

// Corrupt returns the images corrupted by c in a nets.Corrupter graph run by
// the executor called executor, the corruption a denoising VAE trains with.
// Batch b of the images is filled under the key (seed, b, 0) of the
// counter-based generator, so the result depends only on the seed, the
// corruption and the order of the images, on any executor and backend.
func Corrupt(ctx context.Context, images [][]float32, c nets.Corruption, seed int64, executor string) ([][]float32, error) {
	if len(images) == 0 {
		return nil, nil
	}
	d := len(images[0])
	g, err := nets.NewCorrupter(c, corruptBatch, d)
	if err != nil {
		return nil, err
	}
	ex, err := train.NewExecutor(executor, g.Net, nil, nil, g.Random...)
	if err != nil {
		return nil, err
	}
	defer ex.Close()
	out := make([][]float32, 0, len(images))
	for b, start := 0, 0; start < len(images); b, start = b+1, start+corruptBatch {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		end := min(start+corruptBatch, len(images))
		x := g.Net.InputData("x")
		clear(x)
		for i := start; i < end; i++ {
			if len(images[i]) != d {
				return nil, fmt.Errorf("image %d has %d values, the first has %d", i, len(images[i]), d)
			}
			copy(x[(i-start)*d:], images[i])
		}
		ex.SetRandomKey(engine.RandomKey{Seed: uint64(seed), Step: uint64(b)})
		if err := ex.Run(); err != nil {
			return nil, fmt.Errorf("corrupting images %d..%d: %w", start, end-1, err)
		}
		y := engine.Float32s(g.Out)
		for i := range end - start {
			out = append(out, append([]float32(nil), y[i*d:(i+1)*d]...))
		}
	}
	return out, nil
}
