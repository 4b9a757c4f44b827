// Package explain holds what the explanation methods of genxai share (a
// trained run is opened with models.Open, which rebuilds its models):
// choosing inputs by split and index (ParseInputs), gradients of model
// outputs with respect to model inputs (Scorer), the output run directory
// (Begin, Finish), and the picture helpers that turn attributions into
// labelled image sheets with colour bars (Sheet).
//
// Methods live in their own packages: xai/saliency, xai/featviz, xai/tokens,
// xai/latent and xai/counterfactual.
package explain
