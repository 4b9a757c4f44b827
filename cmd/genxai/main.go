// Command genxai trains deep generative models and explains them.
//
// Each subcommand lives in its own file and registers itself on rootCmd in an
// init function; this file holds only the root and the entry point.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// exitCoder is an error that asks for a specific process exit status (for
// example 130 after Ctrl-C).
type exitCoder interface{ ExitCode() int }

var rootCmd = &cobra.Command{
	Use:           "genxai",
	Short:         "Train deep generative models and explain them",
	Long:          "genxai trains VAEs, GANs, language models and classifiers from YAML configs and explains what they learned.",
	SilenceUsage:  true,
	SilenceErrors: true,
}

func main() {
	// Every command registers itself in its own file's init; the examples
	// are attached once the tree is complete.
	err := attachExamples(rootCmd)
	if err == nil {
		err = rootCmd.Execute()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genxai:", err)
		var ec exitCoder
		if errors.As(err, &ec) {
			os.Exit(ec.ExitCode())
		}
		os.Exit(1)
	}
}
