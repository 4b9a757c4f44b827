package cuda

import (
	"fmt"
	"strings"
)

// Choose resolves the config value device (auto, cpu or cuda; case and
// surrounding spaces ignored, "" means auto) to the device a run uses and
// a sentence saying why, for the log and summary.json.
//
// The driver bindings and the function table exist, but the CUDA execution
// backend of the engine's plan does not yet, so "auto" always resolves to
// "cpu", and its reason says whether a GPU was seen; "cuda" is an error that
// says so plainly; any other value is an error listing the allowed ones.
func Choose(requested string) (device string, reason string, err error) {
	return choose(requested, Probe)
}

func choose(requested string, probe func() ([]Device, int, string)) (string, string, error) {
	switch strings.ToLower(strings.TrimSpace(requested)) {
	case "cpu":
		return "cpu", "device: cpu was requested", nil
	case "", "auto":
		devs, _, why := probe()
		if len(devs) == 0 {
			return "cpu", "device: auto chose the CPU: no usable GPU (" + why + ")", nil
		}
		return "cpu", fmt.Sprintf("device: auto chose the CPU: found %s, but genxai's CUDA execution backend is not implemented yet", describe(devs)), nil
	case "cuda":
		devs, _, why := probe()
		seen := "and no usable GPU was found (" + why + ")"
		if len(devs) > 0 {
			seen = "although " + describe(devs) + " is present"
		}
		return "", "", fmt.Errorf("device: cuda was requested, but genxai cannot run on a GPU yet: its CUDA execution backend is not implemented, %s; set device: cpu or device: auto", seen)
	default:
		return "", "", fmt.Errorf("device: %q is not allowed; use auto, cpu or cuda", requested)
	}
}
