// Package eval measures what trained generative models are worth: the
// sample-quality metrics of image generators in the feature space of a judge
// classifier (Fréchet distance, kernel inception distance, improved precision
// and recall, density and coverage, classification accuracy score), the
// importance-weighted bound on a VAE's test log-likelihood beside its
// negative ELBO, and a language model's bits per character on held-out text.
//
// The metrics are plain functions over feature matrices (one row per image,
// float64) or over per-sample log-likelihoods, so each can be tested against
// an independent reference; Evaluate (run.go) opens a run with models.Open,
// computes the numbers that fit its kind and writes eval.json into the run
// directory. `genxai eval` is its command line; docs/eval.md explains each
// number, its paper and its cost.
package eval
