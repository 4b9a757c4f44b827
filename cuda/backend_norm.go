package cuda

import "genxai/engine"

// LayerNorm runs layer_norm, one block per row.
func (b *Backend) LayerNorm(x, gamma, beta engine.Buffer, rows, cols int, eps float32, y, mean, rstd engine.Buffer) {
	n := rows * cols
	b.run("layer_norm", sz(rows), b.ptr("LayerNorm x", x, n), b.ptr("LayerNorm gamma", gamma, cols),
		b.ptr("LayerNorm beta", beta, cols), int32(rows), int32(cols), eps, b.ptr("LayerNorm y", y, n),
		b.ptr("LayerNorm mean", mean, rows), b.ptr("LayerNorm rstd", rstd, rows))
}

// LayerNormGrad runs layer_norm_dx (one block per row) and
// layer_norm_params (one thread per column).
func (b *Backend) LayerNormGrad(dy, x, gamma, mean, rstd engine.Buffer, rows, cols int, dx, dgamma, dbeta engine.Buffer) {
	n := rows * cols
	pdy, px := b.ptr("LayerNormGrad dy", dy, n), b.ptr("LayerNormGrad x", x, n)
	pm, pr := b.ptr("LayerNormGrad mean", mean, rows), b.ptr("LayerNormGrad rstd", rstd, rows)
	b.run("layer_norm_dx", sz(rows), pdy, px, b.ptr("LayerNormGrad gamma", gamma, cols), pm, pr, int32(rows), int32(cols),
		b.ptr("LayerNormGrad dx", dx, n))
	b.run("layer_norm_params", sz(cols), pdy, px, pm, pr, int32(rows), int32(cols),
		b.ptr("LayerNormGrad dgamma", dgamma, cols), b.ptr("LayerNormGrad dbeta", dbeta, cols))
}

// BatchNormStats runs bn_stats, one block per channel.
func (b *Backend) BatchNormStats(x engine.Buffer, n, c, s int, mean, variance engine.Buffer) {
	b.run("bn_stats", sz(c), b.ptr("BatchNormStats x", x, n*c*s), int32(n), int32(c), int32(s),
		b.ptr("BatchNormStats mean", mean, c), b.ptr("BatchNormStats variance", variance, c))
}

// BatchNorm runs batch_norm, one thread per element.
func (b *Backend) BatchNorm(x, mean, variance, gamma, beta engine.Buffer, n, c, s int, eps float32, y, rstd engine.Buffer) {
	total := n * c * s
	b.run("batch_norm", sz(total), b.ptr("BatchNorm x", x, total), b.ptr("BatchNorm mean", mean, c),
		b.ptr("BatchNorm variance", variance, c), b.ptr("BatchNorm gamma", gamma, c), b.ptr("BatchNorm beta", beta, c),
		int32(n), int32(c), int32(s), eps, b.ptr("BatchNorm y", y, total), b.ptr("BatchNorm rstd", rstd, c))
}

// BatchNormGrad runs bn_grad, one block per channel.
func (b *Backend) BatchNormGrad(dy, x, mean, rstd, gamma engine.Buffer, n, c, s int, dx, dgamma, dbeta engine.Buffer) {
	total := n * c * s
	b.run("bn_grad", sz(c), b.ptr("BatchNormGrad dy", dy, total), b.ptr("BatchNormGrad x", x, total),
		b.ptr("BatchNormGrad mean", mean, c), b.ptr("BatchNormGrad rstd", rstd, c), b.ptr("BatchNormGrad gamma", gamma, c),
		int32(n), int32(c), int32(s), b.ptr("BatchNormGrad dx", dx, total), b.ptr("BatchNormGrad dgamma", dgamma, c),
		b.ptr("BatchNormGrad dbeta", dbeta, c))
}

// RunningStats runs running_stats, one thread per channel.
func (b *Backend) RunningStats(runMean, runVar, mean, variance engine.Buffer, momentum float32, count int) {
	c := runMean.Len()
	b.run("running_stats", sz(c), b.ptr("RunningStats runMean", runMean, c), b.ptr("RunningStats runVar", runVar, c),
		b.ptr("RunningStats mean", mean, c), b.ptr("RunningStats variance", variance, c), int32(c), momentum, int64(count))
}
