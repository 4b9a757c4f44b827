package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"genxai/cuda"
)

// execute runs the genxai command line args and returns its error and
// what it wrote; the command's flags go back to their defaults after it
// (cobra keeps them between executions of one process).
func execute(args ...string) (string, error) {
	var out bytes.Buffer
	rootCmd.SetArgs(args)
	rootCmd.SetOut(&out)
	rootCmd.SetErr(&out)
	defer func() { rootCmd.SetArgs(nil); rootCmd.SetOut(nil); rootCmd.SetErr(nil) }()
	cmd, err := rootCmd.ExecuteC()
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if s, ok := f.Value.(pflag.SliceValue); ok {
			_ = s.Replace(nil)
		} else {
			_ = f.Value.Set(f.DefValue)
		}
		f.Changed = false
	})
	return out.String(), err
}

// TestDeviceFlags: --device of the commands that train a network reaches
// the device key: cpu is recorded in summary.json, and cuda on a machine
// without a usable GPU is refused with the reason (compare before its run
// directory exists).
func TestDeviceFlags(t *testing.T) {
	tmp := t.TempDir()
	run := filepath.Join(tmp, "vae")
	if log, err := execute("train", "-c", "../../configs/vae-digits.yaml", "--device", "cpu", "--set", "train.steps=2", "--set", "train.epochs=1", "--out", run); err != nil {
		t.Fatalf("train --device cpu: %v\n%s", err, log)
	}
	b, err := os.ReadFile(filepath.Join(run, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var summary map[string]any
	if err := json.Unmarshal(b, &summary); err != nil || summary["device"] != "cpu" || summary["device_reason"] != "device: cpu was requested" {
		t.Errorf("train --device cpu: summary device %v (%v), %v", summary["device"], summary["device_reason"], err)
	}
	if _, _, err := cuda.Choose("cuda"); err == nil {
		t.Skip("this machine has a usable GPU: the refusals of --device cuda are not testable here")
	}
	compareOut := filepath.Join(tmp, "compare")
	for _, c := range [][]string{
		{"train", "-c", "../../configs/vae-digits.yaml", "--device", "cuda", "--out", filepath.Join(tmp, "vae-cuda")},
		{"bench", "-c", "../../configs/vae-digits.yaml", "--device", "cuda"},
		{"compare", "--data", "builtin:digits", "--models", "cvae,logreg", "--device", "cuda", "--out", compareOut},
	} {
		if _, err := execute(c...); err == nil || !strings.Contains(err.Error(), "device: cuda was requested, but") {
			t.Errorf("%s --device cuda without a GPU: err = %v, want the refusal with its reason", c[0], err)
		}
	}
	if _, err := os.Stat(compareOut); !os.IsNotExist(err) {
		t.Errorf("compare made %s before refusing the device: %v", compareOut, err)
	}
}
