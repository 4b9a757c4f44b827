package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"genxai/report"
	"genxai/xai/progress"
)

func init() {
	var run string
	var also []string
	cmd := &cobra.Command{
		Use:   "report --run DIR [--also DIR]...",
		Short: "Write DIR/report.html: one self-contained page of a run and its explanations",
		Long: `Write DIR/report.html, one HTML page that opens from disk in any browser (no
network: styles, script and pictures are inside it): the run's resolved config,
its headline numbers (summary.json), SVG plots of metrics.jsonl, the latest
sample and reconstruction grids with a slider over the epochs kept in epochs/,
its tables (click a header to sort) and text samples, then every explanation,
augmentation or glass-box result whose summary.json names DIR as its source,
found among DIR's sibling directories and in each --also directory (and its
subdirectories). genxai train writes the report at the end of training.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if run == "" {
				return fmt.Errorf("say which run to report on: --run runs/vae-...")
			}
			path, err := report.Write(run, report.Options{Also: also, Progress: progress.New(cmd.ErrOrStderr(), "report")})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "report: %s\n", path)
			return nil
		},
	}
	cmd.Flags().StringVar(&run, "run", "", "run directory")
	cmd.Flags().StringArrayVar(&also, "also", nil, "another directory to search for results of the run (repeatable)")
	rootCmd.AddCommand(cmd)
}

// writeReport writes dir's report.html and prints its path, the last line a
// command prints.
func writeReport(w io.Writer, dir string) error {
	path, err := report.Write(dir, report.Options{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "report: %s\n", path)
	return nil
}

// printReportCommand tells how to see a result written to out beside the
// run it was made from (source): the source's report finds it among its
// siblings, or through --also when out lies elsewhere. The source's
// directory belongs to its own run, so the command is printed, not run.
func printReportCommand(w io.Writer, source, out string) {
	cmd := "genxai report --run " + source
	if filepath.Dir(filepath.Clean(out)) != filepath.Dir(filepath.Clean(source)) {
		cmd += " --also " + filepath.Dir(filepath.Clean(out))
	}
	fmt.Fprintf(w, "report: %s\n", cmd)
}
