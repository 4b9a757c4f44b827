package cuda

import (
	"fmt"
	"strings"

	"genxai/cuda/nvrtc"
)

// Choose resolves the config value device (auto, cpu or cuda; case and
// surrounding spaces ignored, "" means auto) to the device a run uses and
// a sentence saying why, for the log and summary.json.
//
// "auto" picks "cuda" when a GPU answers (Probe) and the libraries the
// backend needs load (cuBLAS for the products, NVRTC for the kernels), and
// names the device and the reason; otherwise "cpu", saying what was
// missing. "cuda" is accepted under the same condition and refused with the
// reason otherwise. Whenever the result is "cuda", the CUDA backend is
// registered with the engine (Register), so engine.OpenBackend("cuda")
// opens it on device 0. Any other value is an error listing the allowed
// ones.
func Choose(requested string) (device string, reason string, err error) {
	return choose(requested, Probe, libraries)
}

// libraries returns why the CUDA backend's libraries cannot be used, or nil.
func libraries() error {
	if _, err := LoadCublas(); err != nil {
		return fmt.Errorf("cuBLAS does not load: %w", err)
	}
	if err := nvrtc.Load(); err != nil {
		return fmt.Errorf("NVRTC does not load (the kernels are compiled at run time): %w", err)
	}
	return nil
}

// choose is Choose with the probe and the library check as parameters.
func choose(requested string, probe func() ([]Device, int, string), libs func() error) (string, string, error) {
	req := strings.ToLower(strings.TrimSpace(requested))
	switch req {
	case "cpu":
		return "cpu", "device: cpu was requested", nil
	case "", "auto", "cuda":
	default:
		return "", "", fmt.Errorf("device: %q is not allowed; use auto, cpu or cuda", requested)
	}
	devs, driver, why := probe()
	var refusal string
	switch {
	case len(devs) == 0:
		refusal = "no usable GPU (" + why + ")"
	default:
		if err := libs(); err != nil {
			refusal = fmt.Sprintf("%s is present, but %v", describe(devs), err)
		}
	}
	if refusal != "" {
		if req == "cuda" {
			return "", "", fmt.Errorf("device: cuda was requested, but %s; set device: cpu or device: auto", refusal)
		}
		return "cpu", "device: auto chose the CPU: " + refusal, nil
	}
	Register()
	how := "device: auto chose the GPU"
	if req == "cuda" {
		how = "device: cuda was requested"
	}
	return "cuda", fmt.Sprintf("%s: %s answered (driver CUDA %d.%d); the run uses device %d", how, describe(devs), driver/1000, driver%1000/10, devs[0].Index), nil
}
