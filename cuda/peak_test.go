package cuda

import (
	"math"
	"testing"
)

// TestPeaksMatchDataSheets: the peak FP32 rate and memory bandwidth
// computed from device attributes give the vendors' published numbers for
// devices of each FP32-lane class (the clocks are those the driver
// reports: boost clock and memory clock).
func TestPeaksMatchDataSheets(t *testing.T) {
	for _, c := range []struct {
		name             string
		info             DeviceInfo
		tflops, tbPerSec float64 // data sheet
	}{
		{"V100 SXM2", DeviceInfo{Major: 7, Minor: 0, Multiprocessors: 80, ClockKHz: 1530000, MemoryClockKHz: 877000, MemoryBusWidth: 4096}, 15.7, 0.90},
		{"A100 SXM4 40GB", DeviceInfo{Major: 8, Minor: 0, Multiprocessors: 108, ClockKHz: 1410000, MemoryClockKHz: 1215000, MemoryBusWidth: 5120}, 19.5, 1.555},
		{"RTX 4090", DeviceInfo{Major: 8, Minor: 9, Multiprocessors: 128, ClockKHz: 2520000, MemoryClockKHz: 10501000, MemoryBusWidth: 384}, 82.6, 1.008},
		{"H100 SXM5", DeviceInfo{Major: 9, Minor: 0, Multiprocessors: 132, ClockKHz: 1980000, MemoryClockKHz: 2619000, MemoryBusWidth: 5120}, 66.9, 3.35},
	} {
		if got := c.info.PeakFLOPS() / 1e12; math.Abs(got-c.tflops) > 0.01*c.tflops {
			t.Errorf("%s: peak FP32 %.1f TFLOP/s, data sheet %.1f", c.name, got, c.tflops)
		}
		if got := c.info.PeakBandwidth() / 1e12; math.Abs(got-c.tbPerSec) > 0.01*c.tbPerSec {
			t.Errorf("%s: peak bandwidth %.3f TB/s, data sheet %.3f", c.name, got, c.tbPerSec)
		}
	}
	if p := (DeviceInfo{Major: 9, Multiprocessors: 132}).PeakFLOPS(); p != 0 {
		t.Errorf("without a clock the peak is %g, want 0 (unknown)", p)
	}
}
