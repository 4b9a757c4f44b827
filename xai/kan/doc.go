// Package kan fits Kolmogorov–Arnold Networks (Liu et al., 2024, "KAN:
// Kolmogorov-Arnold Networks", arXiv:2404.19756) to tables: networks whose
// edges carry learnable univariate functions
//
//	φ(x) = w_b·silu(x) + w_s·Σ_r c_r B_r(x)
//
// (cubic B-splines B_r on a uniform grid) and whose nodes only add. The
// forward pass is a Gorgonia graph (the spline basis is an op of its own
// whose backward pass uses the basis functions' derivatives, so gradients
// reach the coefficients and, through hidden layers, the layer inputs);
// training is full-batch Adam on the cross-entropy plus the paper's sparsity
// regularisation (L1 of the edges' mean |φ| and the entropy of their
// shares). Grid extension refits a finer grid's coefficients to the coarse
// spline by least squares, pruning masks the nodes whose incoming and
// outgoing scores fall below a threshold, and each edge function can be
// matched against a small library of symbolic forms a·f(b·x+c)+d.
package kan
