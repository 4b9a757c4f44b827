package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"genxai/cuda"
	"genxai/engine/blas"
)

func init() {
	rootCmd.AddCommand(&cobra.Command{
		Use:   "devices",
		Short: "List the CPU, the BLAS in use, any NVIDIA GPU and the CUDA driver, cuBLAS and NVRTC versions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "CPU: %d logical cores, %s/%s\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
			fmt.Fprintf(w, "BLAS: %s\n", blas.Use())
			devs, driver, reason := cuda.Probe()
			if len(devs) == 0 {
				fmt.Fprintf(w, "GPU: none (%s)\n", reason)
			}
			for _, d := range devs {
				fmt.Fprintf(w, "GPU %d: %s, %.1f GiB, compute capability %s (driver %d)\n", d.Index, d.Name, float64(d.MemoryBytes)/(1<<30), d.ComputeCapability, driver)
				if d.PeakFLOPS > 0 || d.PeakBandwidth > 0 {
					fmt.Fprintf(w, "GPU %d peaks: %.1f TFLOP/s FP32 without tensor cores, %.2f TB/s memory (from the driver's clocks; what genxai bench measures against)\n", d.Index, d.PeakFLOPS/1e12, d.PeakBandwidth/1e12)
				}
			}
			for _, l := range cuda.Libraries() {
				fmt.Fprintln(w, l)
			}
			dev, why, _ := cuda.Choose("auto")
			fmt.Fprintf(w, "device: auto selects %s: %s\n", dev, why)
			return nil
		},
	})
}
