package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// examples holds the Example text of every command, keyed by its path below
// the root ("explain saliency"). Each is a sequence of commands a user can
// paste from the repository root: they start from configs/ files that exist
// and from run directories that an earlier line of the same example (or the
// config's comment) creates. TestEveryCommandHasAnExample checks that every
// command has one and that each genxai line parses against its command's
// flags; TestExampleConfigsExist that every configs/ path exists.
var examples = map[string]string{
	"": `  genxai demo --out runs/demo
  genxai train -c configs/vae-fashion-mlp.yaml --out runs/vae-fashion-mlp
  genxai report --run runs/vae-fashion-mlp`,
	"ar": `  genxai ar --data builtin:sunspots --lags auto --ic bic --horizon 20 --out runs/ar-sunspots`,
	"augment": `  genxai augment -c configs/augment-breast-cancer.yaml --out runs/augment-bc
  genxai augment -c configs/augment-breast-cancer.yaml --set seeds=2 --out runs/augment-bc-quick --force
  genxai augment -c configs/augment-breast-cancer.yaml --out runs/augment-bc --export runs/augment-bc-data`,
	"bench": `  genxai bench -c configs/vae-fashion-mlp.yaml
  genxai bench -c configs/cnn-fashion.yaml --device cuda --steps 200 --json
  genxai bench -c configs/ar-shakespeare.yaml --set train.executor=tape --steps 10 --rounds 3`,
	"compare": `  genxai compare -c configs/compare-digits.yaml --out runs/compare-digits
  genxai compare -c configs/compare-breast-cancer.yaml --seeds 3 --out runs/compare-bc-quick
  genxai compare -c configs/compare-fashion.yaml --set models=[gmm,cvae,logreg] --set cvae_samples=1 --out runs/compare-fashion-cvae`,
	"demo": `  genxai demo --out runs/demo && xdg-open runs/demo/report.html
  genxai demo --quick --out runs/demo-quick`,
	"denoise": `  genxai train -c configs/vae-fashion-denoise.yaml --out runs/vae-fashion-denoise
  genxai denoise --run runs/vae-fashion-denoise --out runs/vae-fashion-denoise-gaussian
  genxai denoise --run runs/vae-fashion-denoise --noise saltpepper:0.1 --input test:0,test:1 --out runs/vae-fashion-denoise-sp
  genxai denoise --run runs/vae-fashion-denoise --input my-shirt.png,more-images/ --out runs/vae-fashion-denoise-files`,
	"devices": `  genxai devices`,
	"eval": `  genxai train -c configs/vae-fashion-mlp.yaml --out runs/vae-fashion-mlp
  genxai eval --run runs/vae-fashion-mlp --iwae-k 50
  genxai train -c configs/cnn-fashion.yaml --out runs/cnn-fashion
  genxai train -c configs/gan-fashion-mlp.yaml --out runs/gan-fashion-mlp
  genxai eval --run runs/gan-fashion-mlp --judge runs/cnn-fashion --samples 5000`,
	"explain": `  genxai train -c configs/cnn-fashion.yaml --out runs/cnn-fashion
  genxai explain saliency --run runs/cnn-fashion --input test:0,test:1 --out runs/cnn-fashion-saliency`,
	"explain saliency": `  genxai train -c configs/cnn-fashion.yaml --out runs/cnn-fashion
  genxai explain saliency -c configs/explain-saliency-cnn.yaml
  genxai explain saliency --run runs/cnn-fashion --input test:0,test:7 --methods gradient,ig --out runs/cnn-fashion-saliency`,
	"explain compare": "  genxai train -c configs/cnn-fashion.yaml --out runs/cnn-fashion\n  genxai explain compare --run runs/cnn-fashion --input test:0,test:1,test:2,test:3 --steps 64 --scale shared --out runs/cnn-fashion-compare",
	"explain featviz": `  genxai train -c configs/cnn-fashion.yaml --out runs/cnn-fashion
  genxai explain featviz --run runs/cnn-fashion --classes 0,7,9 --steps 200 --out runs/cnn-fashion-featviz
  genxai train -c configs/vae-fashion-mlp.yaml --out runs/vae-fashion-mlp
  genxai explain featviz --run runs/cnn-fashion --prior generator --generator runs/vae-fashion-mlp --judge-vae runs/vae-fashion-mlp --objective prob:0,prob:7,prob:9 --restarts 4 --diversity 3 --lr 0.1 --steps 300 --out runs/cnn-fashion-featviz-gen
  genxai explain featviz --run runs/cnn-fashion --prior freq --objective channel:conv2:3,neuron:conv1:5:14:14 --rotate 8 --scale 0.1 --out runs/cnn-fashion-featviz-freq`,
	"explain tokens": `  genxai train -c configs/ar-tiny.yaml --out runs/ar-tiny
  genxai explain tokens --run runs/ar-tiny --prompt "A model " --tokens 40 --out runs/ar-tiny-tokens`,
	"explain lags": `  genxai train -c configs/forecaster-sunspots.yaml --out runs/forecaster-sunspots
  genxai explain lags --run runs/forecaster-sunspots --out runs/forecaster-sunspots-lags
  genxai explain lags --run runs/forecaster-sunspots --input 0,1,2 --steps 128 --out runs/forecaster-sunspots-lags3`,
	"explain latent": `  genxai train -c configs/vae-fashion-mlp.yaml --out runs/vae-fashion-mlp
  genxai explain latent --run runs/vae-fashion-mlp --input test:3,test:17 --out runs/vae-fashion-latent`,
	"explain anomaly": `  genxai train -c configs/vae-fashion-9class.yaml --out runs/vae-fashion-9class
  genxai explain anomaly --run runs/vae-fashion-9class --samples 10 --out runs/vae-fashion-anomaly`,
	"explain counterfactual": `  genxai train -c configs/cnn-fashion.yaml --out runs/cnn-fashion
  genxai train -c configs/vae-fashion-conv.yaml --out runs/vae-fashion-conv
  genxai explain counterfactual -c configs/explain-counterfactual-fashion.yaml
  genxai explain counterfactual --run runs/cnn-fashion --vae runs/vae-fashion-conv --target 7 -n 16 --out runs/cf-sneaker`,
	"explain tabular": `  genxai glassbox ebm -c configs/glassbox-ebm-breast-cancer.yaml --out runs/ebm-bc
  genxai explain tabular --run runs/ebm-bc --samples 200 --out runs/ebm-bc-shap`,
	"generate": `  genxai train -c configs/cgan-fashion-mlp.yaml --out runs/cgan-fashion-mlp
  genxai generate --run runs/cgan-fashion-mlp --per-class 100 --format png --out runs/synthetic-fashion
  genxai gmm --train data/embedded/breast_cancer.csv --per-class target --out runs/gmm-bc-per-class
  genxai generate --model runs/gmm-bc-per-class/model.json -n 1000 --clip --out runs/synthetic-patients
  genxai generate --run runs/ar-tiny -n 100 --tokens 200 --prompt "A model " --out runs/ar-texts`,
	"glassbox": `  genxai glassbox logreg -c configs/glassbox-logreg-breast-cancer.yaml --out runs/logreg-bc
  genxai glassbox ebm -c configs/glassbox-ebm-breast-cancer.yaml --out runs/ebm-bc
  genxai glassbox kan -c configs/glassbox-kan-breast-cancer.yaml --out runs/kan-bc`,
	"glassbox logreg": `  genxai glassbox logreg -c configs/glassbox-logreg-breast-cancer.yaml --out runs/logreg-bc
  genxai glassbox logreg --train builtin:breast_cancer --split builtin --label target --l2 0.1 --standardize --out runs/logreg-bc-l2`,
	"glassbox ebm": `  genxai glassbox ebm -c configs/glassbox-ebm-breast-cancer.yaml --out runs/ebm-bc
  genxai glassbox ebm --train builtin:breast_cancer --split builtin --label target --interactions 5 --out runs/ebm-bc-5`,
	"glassbox kan": `  genxai glassbox kan -c configs/glassbox-kan-breast-cancer.yaml --out runs/kan-bc
  genxai glassbox kan --train builtin:breast_cancer --split builtin --label target --set 'hidden=[4]' --seed 1 --out runs/kan-bc-h4
  genxai glassbox kan --train train.csv --test test.csv --label y --grid 3 --grid-extend 6 --lambda 0.01 --out runs/kan-mine`,
	"gmm": `  genxai gmm -c configs/gmm-breast-cancer.yaml --out runs/gmm-bc
  genxai gmm -c configs/gmm-breast-cancer.yaml --components 3 --covariance diag --out runs/gmm-bc-diag3
  genxai gmm --train data/embedded/breast_cancer.csv --per-class target --set per_class_components=[1,2,3] --out runs/gmm-bc-per-class`,
	"report": `  genxai train -c configs/cnn-fashion.yaml --out runs/cnn-fashion
  genxai explain saliency --run runs/cnn-fashion --out runs/cnn-fashion-saliency
  genxai report --run runs/cnn-fashion
  genxai report --run runs/cnn-fashion --also runs/explanations`,
	"sample": `  genxai train -c configs/vae-fashion-mlp.yaml --out runs/vae-fashion-mlp
  genxai sample --run runs/vae-fashion-mlp -n 64 --out samples.png
  genxai train -c configs/ar-tiny.yaml --out runs/ar-tiny
  genxai sample --run runs/ar-tiny --prompt "A model " --tokens 200 --temperature 0.8`,
	"svm": `  head -n 401 data/embedded/breast_cancer.csv > bc-train.csv
  (head -n 1 data/embedded/breast_cancer.csv; tail -n +402 data/embedded/breast_cancer.csv) > bc-test.csv
  genxai svm -c configs/svm-rbf.yaml --train bc-train.csv --test bc-test.csv --label target --out runs/svm-bc`,
	"train": `  genxai train -c configs/vae-fashion-mlp.yaml --out runs/vae-fashion-mlp
  genxai train -c configs/vae-fashion-mlp.yaml --set train.epochs=1 --out runs/vae-quick --force
  genxai train --resume runs/vae-fashion-mlp`,
	"version": `  genxai version`,
}

// cobraOwn reports whether cmd is one cobra adds by itself (help, and
// completion with its per-shell children), whose text is cobra's.
func cobraOwn(cmd *cobra.Command) bool {
	for c := cmd; c != nil; c = c.Parent() {
		if c.Name() == "help" || c.Name() == "completion" {
			return c.Parent() == rootCmd
		}
	}
	return false
}

// commandKey is the path of cmd below the root: "" for the root,
// "explain saliency" for a subcommand.
func commandKey(cmd *cobra.Command) string {
	return strings.TrimPrefix(strings.TrimPrefix(cmd.CommandPath(), rootCmd.Name()), " ")
}

// attachExamples sets the Example of every command of the tree below root
// from the examples table. It fails naming a table entry that matches no
// command, so that a renamed command cannot leave a stale example behind.
func attachExamples(root *cobra.Command) error {
	used := map[string]bool{}
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if ex, ok := examples[commandKey(c)]; ok && !cobraOwn(c) {
			c.Example = ex
			used[commandKey(c)] = true
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for k := range examples {
		if !used[k] {
			return fmt.Errorf("cmd/genxai/examples.go: an example for %q, which is not a command; rename or remove it", k)
		}
	}
	return nil
}
