package denoise

import (
	"context"
	"encoding/csv"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"genxai/config"
	"genxai/data"
	"genxai/xai/explain"
	"genxai/xai/explain/explaintest"
)

func TestMain(m *testing.M) { explaintest.Main(m) }

// fashionDVAE trains a small denoising MLP VAE on Fashion-MNIST for a few
// steps (the SSIM window needs images of at least 11×11 pixels, so the
// embedded 8×8 digits will not do), skipping when the data set is absent.
func fashionDVAE(t *testing.T) string {
	t.Helper()
	if _, _, err := data.OpenImages(data.DefaultFashionDir); err != nil {
		t.Skipf("Fashion-MNIST is not installed in %s: %v", data.DefaultFashionDir, err)
	}
	return explaintest.Train(t, `
model: {kind: vae, arch: mlp, hidden: [64], latent: 8, denoise: "gaussian:0.3"}
seed: 3
device: cpu
data: {path: `+data.DefaultFashionDir+`, exclude_classes: [1, 2, 3, 4, 5, 6, 7, 8, 9]}
train: {steps: 40, batch_size: 64, lr: 3.0e-3}
`)
}

func runDenoise(t *testing.T, sets ...string) (map[string]any, error) {
	t.Helper()
	c, err := config.Parse("t.yaml", []byte("{}\n"), config.DenoiseSchema(), sets)
	if err != nil {
		t.Fatal(err)
	}
	return RunFromConfig(context.Background(), c, io.Discard, io.Discard)
}

func TestDenoiseRun(t *testing.T) {
	run := fashionDVAE(t)
	out := filepath.Join(t.TempDir(), "out")
	inputs := make([]string, 30)
	for i := range inputs {
		inputs[i] = strconv.Itoa(i)
	}
	summary, err := runDenoise(t, "run="+run, "input="+strings.Join(inputs, ","), "noise=saltpepper:0.2", "show=6", "out="+out)
	if err != nil {
		t.Fatal(err)
	}
	if summary["images"] != 30 || summary["noise"] != "saltpepper:0.2" || summary["model_denoise"] != "gaussian:0.3" {
		t.Errorf("summary %v: want 30 images, noise saltpepper:0.2, model_denoise gaussian:0.3", summary)
	}
	// The summary's means are the means of scores.csv's columns.
	f, err := os.Open(filepath.Join(out, "scores.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) != 31 {
		t.Fatalf("scores.csv: %d rows, err %v; want a header and 30 rows", len(rows), err)
	}
	for j, key := range rows[0][1:] {
		var mean float64
		for _, r := range rows[1:] {
			v, _ := strconv.ParseFloat(r[j+1], 64)
			mean += v / 30
		}
		got, _ := summary[key].(float64)
		if math.Abs(got-mean) > 1e-6*math.Max(1, math.Abs(mean)) {
			t.Errorf("summary %s = %v, scores.csv's mean %v", key, got, mean)
		}
	}
	// Salt-and-pepper noise is what the median filter is for.
	if summary["psnr_median"].(float64) <= summary["psnr_noisy"].(float64) {
		t.Errorf("median PSNR %v ≤ noisy PSNR %v on salt-and-pepper noise", summary["psnr_median"], summary["psnr_noisy"])
	}
	for _, name := range []string{"clean", "noisy", "median", "denoised"} {
		explaintest.CheckPNG(t, filepath.Join(out, name+".png"), 6*28, 28)
	}
	explaintest.CheckPNG(t, filepath.Join(out, "comparison.png"), 6*28, 4*28)
	pngRoundTrip(t, run)
}

// pngRoundTrip writes test images 0..4 of the run as PNG files and checks
// that denoising the directory of them gives the very scores of denoising
// test:0..4 with the same noise and seed.
func pngRoundTrip(t *testing.T, run string) {
	t.Helper()
	_, _, testSet, err := explain.OpenImages(run, "denoise", "vae")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i := 0; i < 5; i++ {
		img := image.NewGray(image.Rect(0, 0, testSet.W, testSet.H))
		for j, v := range testSet.Image(i) {
			img.Pix[j] = data.UnitToByte(v)
		}
		writePNG(t, filepath.Join(dir, fmt.Sprintf("img%d.png", i)), img)
	}
	var got [2]map[string]any
	for k, input := range []string{"0,1,2,3,4", dir} {
		if got[k], err = runDenoise(t, "run="+run, "input="+input, "show=5", "out="+filepath.Join(t.TempDir(), "out")); err != nil {
			t.Fatal(err)
		}
	}
	for _, key := range []string{"psnr_noisy", "psnr_denoised", "psnr_median", "ssim_noisy", "ssim_denoised", "ssim_median"} {
		if got[0][key] != got[1][key] {
			t.Errorf("%s: %v from test:0..4, %v from their PNG files", key, got[0][key], got[1][key])
		}
	}
}

func TestDenoiseRefuses(t *testing.T) {
	digits := explaintest.Train(t, explaintest.DigitsVAE(2, 1))
	small := filepath.Join(t.TempDir(), "small.png")
	grayPNG(t, small, 5, 4)
	classifier := explaintest.Train(t, explaintest.ClassifierMLP)
	for _, c := range []struct {
		sets []string
		want string
	}{
		{[]string{"run=" + digits, "noise=none"}, "nothing to remove"},
		{[]string{"run=" + digits, "noise=blur:1"}, `"blur" is not known`},
		{[]string{"run=" + digits, "noise=gaussian:0.3", "input=0,1"}, "11×11"},
		{[]string{"run=" + digits, "input=test:99999"}, "the test set has"},
		{[]string{"run=" + classifier}, "vae"},
		{[]string{"run=" + digits, "input=0," + small}, "small.png: the image is 5×4 pixels (width×height) but the run's model takes 8×8"},
	} {
		_, err := runDenoise(t, append(c.sets, "out="+filepath.Join(t.TempDir(), "out"))...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want one containing %q", c.sets, err, c.want)
		}
	}
}
