package cuda

import "genxai/engine"

// LayerNorm runs layer_norm, one block per row.
func (b *Backend) LayerNorm(x, gamma, beta engine.Buffer, rows, cols int, eps float32, y, mean, rstd engine.Buffer) {
	n := rows * cols
	px, pg, pb := b.ptr("LayerNorm x", x, n), b.ptr("LayerNorm gamma", gamma, cols), b.ptr("LayerNorm beta", beta, cols)
	py, pm, pr := b.ptr("LayerNorm y", y, n), b.ptr("LayerNorm mean", mean, rows), b.ptr("LayerNorm rstd", rstd, rows)
	if k, ok := b.fixed("layer_norm", rows); ok {
		k.with(px, pg, pb, int32(rows), int32(cols), eps, py, pm, pr)
	}
}

// LayerNormGrad runs layer_norm_dx (one block per row) and
// layer_norm_params (one thread per column).
func (b *Backend) LayerNormGrad(dy, x, gamma, mean, rstd engine.Buffer, rows, cols int, dx, dgamma, dbeta engine.Buffer) {
	n := rows * cols
	pdy, px := b.ptr("LayerNormGrad dy", dy, n), b.ptr("LayerNormGrad x", x, n)
	pm, pr := b.ptr("LayerNormGrad mean", mean, rows), b.ptr("LayerNormGrad rstd", rstd, rows)
	pg, pdx := b.ptr("LayerNormGrad gamma", gamma, cols), b.ptr("LayerNormGrad dx", dx, n)
	pdg, pdb := b.ptr("LayerNormGrad dgamma", dgamma, cols), b.ptr("LayerNormGrad dbeta", dbeta, cols)
	if k, ok := b.fixed("layer_norm_dx", rows); ok {
		k.with(pdy, px, pg, pm, pr, int32(rows), int32(cols), pdx)
	}
	if k, ok := b.fixed("layer_norm_params", cols); ok {
		k.with(pdy, px, pm, pr, int32(rows), int32(cols), pdg, pdb)
	}
}

// BatchNormStats runs bn_stats, one block per channel.
func (b *Backend) BatchNormStats(x engine.Buffer, n, c, s int, mean, variance engine.Buffer) {
	px := b.ptr("BatchNormStats x", x, n*c*s)
	pm, pv := b.ptr("BatchNormStats mean", mean, c), b.ptr("BatchNormStats variance", variance, c)
	if k, ok := b.fixed("bn_stats", c); ok {
		k.with(px, int32(n), int32(c), int32(s), pm, pv)
	}
}

// BatchNorm runs batch_norm, one thread per element.
func (b *Backend) BatchNorm(x, mean, variance, gamma, beta engine.Buffer, n, c, s int, eps float32, y, rstd engine.Buffer) {
	total := n * c * s
	px, pm, pv := b.ptr("BatchNorm x", x, total), b.ptr("BatchNorm mean", mean, c), b.ptr("BatchNorm variance", variance, c)
	pg, pb := b.ptr("BatchNorm gamma", gamma, c), b.ptr("BatchNorm beta", beta, c)
	py, pr := b.ptr("BatchNorm y", y, total), b.ptr("BatchNorm rstd", rstd, c)
	if k, ok := b.fixed("batch_norm", total); ok {
		k.with(px, pm, pv, pg, pb, int32(n), int32(c), int32(s), eps, py, pr)
	}
}

// BatchNormGrad runs bn_grad, one block per channel.
func (b *Backend) BatchNormGrad(dy, x, mean, rstd, gamma engine.Buffer, n, c, s int, dx, dgamma, dbeta engine.Buffer) {
	total := n * c * s
	pdy, px := b.ptr("BatchNormGrad dy", dy, total), b.ptr("BatchNormGrad x", x, total)
	pm, pr, pg := b.ptr("BatchNormGrad mean", mean, c), b.ptr("BatchNormGrad rstd", rstd, c), b.ptr("BatchNormGrad gamma", gamma, c)
	pdx, pdg, pdb := b.ptr("BatchNormGrad dx", dx, total), b.ptr("BatchNormGrad dgamma", dgamma, c), b.ptr("BatchNormGrad dbeta", dbeta, c)
	if k, ok := b.fixed("bn_grad", c); ok {
		k.with(pdy, px, pm, pr, pg, int32(n), int32(c), int32(s), pdx, pdg, pdb)
	}
}

// RunningStats runs running_stats, one thread per channel.
func (b *Backend) RunningStats(runMean, runVar, mean, variance engine.Buffer, momentum float32, count int) {
	c := runMean.Len()
	prm, prv := b.ptr("RunningStats runMean", runMean, c), b.ptr("RunningStats runVar", runVar, c)
	pm, pv := b.ptr("RunningStats mean", mean, c), b.ptr("RunningStats variance", variance, c)
	if k, ok := b.fixed("running_stats", c); ok {
		k.with(prm, prv, pm, pv, int32(c), momentum, int64(count))
	}
}
