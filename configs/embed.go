// Package configs holds the ready YAML configs, one per job. Each is loaded
// and validated by a test (config). The demo's config is embedded in the
// binary so `genxai demo` works from any directory.
package configs

import _ "embed"

// VAEDigits is configs/vae-digits.yaml, the job `genxai demo` runs.
//
//go:embed vae-digits.yaml
var VAEDigits []byte
