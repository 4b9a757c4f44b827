// Package configs holds the ready YAML configs, one per job. Each is loaded
// and validated by a test (config). The demo's config is embedded in the
// binary so `genxai demo` works from any directory.
package configs

import _ "embed"

// VAEDigits is configs/vae-digits.yaml, the job `genxai demo` runs.
//
//go:embed vae-digits.yaml
var VAEDigits []byte

// The configs of `genxai demo`'s parts beyond the VAE.
var (
	//go:embed demo-cnn-digits.yaml
	DemoCNN []byte
	//go:embed demo-cgan-digits.yaml
	DemoCGAN []byte
	//go:embed demo-lm.yaml
	DemoLM []byte
	//go:embed demo-augment.yaml
	DemoAugment []byte
)
