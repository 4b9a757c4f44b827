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
