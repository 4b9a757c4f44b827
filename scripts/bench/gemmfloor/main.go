// Command gemmfloor is the Go half of scripts/bench/steps.sh (a development
// tool, not part of genxai). It loads OpenBLAS the way genxai does
// (engine/blas.Use), so OPENBLAS_CORETYPE is decided by genxai's own rule when
// the caller has not set it, and then
//
//	gemmfloor coretype   prints the OPENBLAS_CORETYPE genxai runs with ("" when it leaves the choice to OpenBLAS)
//	gemmfloor list       prints every counted matrix product of each step
//	gemmfloor floor      prints the library and core OpenBLAS actually runs, and per step its GEMM
//	                     operations, the sgemm rate measured on its largest product and the floor
//	                     (operations ÷ rate), as key=value lines
//
// The thread count is OpenBLAS's own (OPENBLAS_NUM_THREADS).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ebitengine/purego"
	gblas "gonum.org/v1/gonum/blas"

	"genxai/engine/blas"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gemmfloor:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("gemmfloor", flag.ContinueOnError)
	vocab := fs.Int("vocab", 43, "the transformer's vocabulary (distinct characters of its corpus)")
	seconds := fs.Float64("seconds", 0.5, "time spent measuring each sgemm rate")
	if len(args) == 0 {
		return fmt.Errorf("usage: gemmfloor coretype | list | floor [-vocab N] [-seconds S]")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	steps := []step{vaeStep(), cnnStep(), dcganStep(), transformerStep(*vocab)}
	name := blas.Use()
	if !strings.HasPrefix(name, "openblas") {
		return fmt.Errorf("genxai runs without OpenBLAS here (%s), so there is no common library to compare on", name)
	}
	switch args[0] {
	case "coretype":
		fmt.Println(os.Getenv("OPENBLAS_CORETYPE"))
	case "list":
		for _, s := range steps {
			for _, g := range s.gemms {
				fmt.Printf("%s\t%s\t%dx%dx%d\t×%d\t%.1f MFLOP\n", s.name, g.what, g.m, g.n, g.k, g.times, g.flops()/1e6)
			}
			fmt.Printf("%s\ttotal\t\t\t%.1f MFLOP\n", s.name, s.flops()/1e6)
		}
	case "floor":
		lib, core, err := openblasCore()
		if err != nil {
			return err
		}
		fmt.Printf("openblas library=%s coretype=%s core=%s threads=%d\n", lib, os.Getenv("OPENBLAS_CORETYPE"), core, blas.Threads())
		for _, s := range steps {
			g := s.largest()
			rate := sgemmRate(g.m, g.n, g.k, time.Duration(*seconds*float64(time.Second)))
			fmt.Printf("floor step=%s gflop=%.4f shape=%dx%dx%d gflops=%.2f floor_ms=%.3f\n",
				s.name, s.flops()/1e9, g.m, g.n, g.k, rate/1e9, s.flops()/rate*1e3)
		}
	default:
		return fmt.Errorf("unknown command %q: use coretype, list or floor", args[0])
	}
	return nil
}

// openblasCore finds the OpenBLAS this process mapped (as the PyTorch side
// does, from /proc/self/maps) and asks it for the kernel family it runs
// (openblas_get_corename). Opening the mapped file again returns the handle
// already loaded.
func openblasCore() (lib, core string, err error) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return "", "", fmt.Errorf("finding the loaded OpenBLAS: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var libs []string
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if p := fields[len(fields)-1]; strings.HasPrefix(filepath.Base(p), "libopenblas") && !slices.Contains(libs, p) {
			libs = append(libs, p)
		}
	}
	if len(libs) != 1 {
		return "", "", fmt.Errorf("expected one OpenBLAS mapped in this process, found %q", libs)
	}
	h, err := purego.Dlopen(libs[0], purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return "", "", fmt.Errorf("reopening %s: %v", libs[0], err)
	}
	var corename func() string
	purego.RegisterLibFunc(&corename, h, "openblas_get_corename")
	return libs[0], corename(), nil
}

// sgemmRate returns the single-precision GEMM rate, in operations per
// second, of genxai's OpenBLAS on an m×k by k×n product (row-major, no
// transposes): the median of timed batches filling about budget, after a
// warm-up.
func sgemmRate(m, n, k int, budget time.Duration) float64 {
	a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	for i := range a {
		a[i] = float32(i%7) * 0.1
	}
	for i := range b {
		b[i] = float32(i%5) * 0.1
	}
	impl := blas.OpenBLAS{}
	call := func() { impl.Sgemm(gblas.NoTrans, gblas.NoTrans, m, n, k, 1, a, k, b, n, 0, c, n) }
	call()
	t0 := time.Now()
	call()
	per := max(time.Since(t0), time.Microsecond)
	const batches = 7
	reps := max(1, int(budget/batches/per))
	rates := make([]float64, batches)
	for i := range rates {
		t := time.Now()
		for range reps {
			call()
		}
		rates[i] = 2 * float64(m) * float64(n) * float64(k) * float64(reps) / time.Since(t).Seconds()
	}
	slices.Sort(rates)
	return rates[batches/2]
}
