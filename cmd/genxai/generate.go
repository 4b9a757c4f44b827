package main

import (
	"github.com/spf13/cobra"

	"genxai/config"
	"genxai/xai/generate"
)

func init() {
	cmd := &cobra.Command{
		Use:   "generate (--run DIR | --model DIR/model.json) -n N [--class K | --per-class M] [--format idx|csv|npy|png|txt] [--clip] [--tokens T] [--prompt S] [--one-per-file] --out DIR [--seed S] [--judge RUN] [--force]",
		Short: "Export a synthetic data set: labelled images (VAE, GAN, conditional GAN), table rows (per-class GMM) or texts (language model)",
		Long: `generate draws N images from the generator of a trained run (a VAE's
decoder, a GAN's or conditional GAN's generator) and writes them into the
run directory --out: IDX (train-images-idx3-ubyte and train-labels-idx1-ubyte,
usable as a data.path), CSV (a label column, then the pixels), NPY (float32
images.npy and uint8 labels.npy) or PNG (one file per image, named with its
class). Images are written in chunks, so memory stays flat at any N; the
same --seed gives the same bytes. provenance.json records the run, its
checkpoint hash, the seed, the count and the date. With --judge RUN (or a
GAN's metrics.classifier_run) a classifier scores the export: its agreement
with the requested classes is printed at the end (docs/generate.md).

With --model DIR/model.json (genxai gmm --per-class COL) it writes labelled
table rows instead: synthetic.csv with the training column names, the class
column first, categorical columns decoded to their most likely level, numeric
ones clipped to the training range only with --clip; the classes drawn from
the priors, fixed by --class K or balanced by --per-class M. At the end it
prints each column's training mean and standard deviation against the
export's and the class shares.

For a language-model run, --format txt (its default) writes -n samples of
--tokens characters each, continuing --prompt: one per line of samples.txt
(a backslash written \\, a newline \n, a carriage return \r) or, with
--one-per-file, sample-<i>.txt files holding the text as generated.

Settings come from -c CONFIG, then GENXAI_* environment variables, then
--set key=value, then the flags, each a shorthand for its key (--per-class
sets per_class; docs/config.md).`,
	}
	schema := config.GenerateSchema()
	rootCmd.AddCommand(configure(cmd, schema, allFlags(schema), interruptible(cmd, generate.RunFromConfig, false)))
}
