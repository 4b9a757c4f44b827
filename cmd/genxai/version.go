package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// moduleVersion returns the version of module path in the build, or "devel".
func moduleVersion(path string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if path == info.Main.Path {
		if info.Main.Version == "" || info.Main.Version == "(devel)" {
			for _, s := range info.Settings {
				if s.Key == "vcs.revision" && len(s.Value) >= 12 {
					return "devel+" + s.Value[:12]
				}
			}
			return "devel"
		}
		return info.Main.Version
	}
	for _, d := range info.Deps {
		if d.Path == path {
			return d.Version
		}
	}
	return "unknown"
}

func init() {
	rootCmd.AddCommand(&cobra.Command{
		Use:   "version",
		Short: "Print the versions of genxai, Go and Gorgonia",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintf(cmd.OutOrStdout(), "genxai %s\ngo %s %s/%s\ngorgonia %s\n",
				moduleVersion("genxai"), runtime.Version(), runtime.GOOS, runtime.GOARCH, moduleVersion("gorgonia.org/gorgonia"))
		},
	})
}
