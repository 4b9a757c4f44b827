// Command svmbench times package svm directly on CSV files, without the
// command line around it: it reads --train and --test, fits --repeat times
// and prints the best fit time, accuracy and support vector count as JSON.
// It also reports the CPU time of the fastest fit (user + system, all
// threads), a steadier measure than wall time on a shared machine. With
// --cpuprofile it writes a CPU profile of the fits. It is a development
// tool for scripts/bench/svm.sh (Linux), not part of genxai.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime/pprof"
	"syscall"
	"time"

	"genxai/data"
	"genxai/xai/svm"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "svmbench:", err)
		os.Exit(1)
	}
}

func run() error {
	p := svm.DefaultParams()
	train := flag.String("train", "", "training CSV")
	test := flag.String("test", "", "test CSV")
	label := flag.String("label", "", "label column")
	repeat := flag.Int("repeat", 1, "fits to time; the fastest is reported")
	prof := flag.String("cpuprofile", "", "write a CPU profile here")
	flag.StringVar(&p.Kernel, "kernel", p.Kernel, "kernel")
	flag.Float64Var(&p.C, "C", p.C, "C")
	flag.StringVar(&p.Gamma, "gamma", p.Gamma, "gamma")
	flag.BoolVar(&p.Standardize, "standardize", false, "standardize")
	flag.BoolVar(&p.Shrinking, "shrinking", true, "shrinking")
	flag.IntVar(&p.Workers, "workers", 0, "parallel one-vs-one problems")
	flag.Float64Var(&p.CacheMB, "cache-mb", p.CacheMB, "cache MB")
	flag.Parse()
	tr, err := data.ReadCSV(*train, *label)
	if err != nil {
		return err
	}
	te, err := data.ReadCSV(*test, *label)
	if err != nil {
		return err
	}
	ytr, err := svm.TableLabels(tr)
	if err != nil {
		return err
	}
	yte, err := svm.TableLabels(te)
	if err != nil {
		return err
	}
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	best, bestCPU := math.Inf(1), math.Inf(1)
	var m *svm.Model
	for r := 0; r < *repeat; r++ {
		c0 := cpuSeconds()
		t0 := time.Now()
		m, err = svm.Fit(tr.X, tr.Rows, tr.NumFeatures(), ytr, p)
		if err != nil {
			return err
		}
		best = min(best, time.Since(t0).Seconds())
		bestCPU = min(bestCPU, cpuSeconds()-c0)
	}
	t0 := time.Now()
	pred := m.Predict(te.X, te.Rows)
	predSecs := time.Since(t0).Seconds()
	c := 0
	for i := range pred {
		if pred[i] == yte[i] {
			c++
		}
	}
	iters := 0
	for _, v := range m.Iterations() {
		iters += v
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"accuracy": float64(c) / float64(len(pred)), "n_support": m.NSupport(),
		"fit_seconds": best, "fit_cpu_seconds": bestCPU, "predict_seconds": predSecs, "gamma": m.Gamma(), "iterations": iters,
	})
}

// cpuSeconds is the user + system CPU time of this process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
