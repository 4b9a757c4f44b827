package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DefaultFashionDir is where Debian's dataset-fashion-mnist package installs
// the gzip'd Fashion-MNIST IDX files.
const DefaultFashionDir = "/usr/share/datasets/fashion-mnist"

// FashionClassNames are the ten Fashion-MNIST classes, label k named by
// element k (Xiao, Rasul, Vollgraf, "Fashion-MNIST: a Novel Image Dataset
// for Benchmarking Machine Learning Algorithms", arXiv:1708.07747, 2017).
var FashionClassNames = []string{
	"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
}

const fashionSide = 28

// LoadFashionMNIST reads split "train" (60,000 images) or "test" (10,000) of
// Fashion-MNIST from dir ("" means DefaultFashionDir): the files
// train-images-idx3-ubyte and train-labels-idx1-ubyte, or t10k-… for the
// test split, each either gzip'd with the .gz suffix or raw without it (the
// .gz name is tried first; the content decides whether to gunzip). Images
// must be 28×28 and as many as the labels, labels 0..9. Pixels are scaled
// from 0..255 to [0,1]; the result is N×1×28×28 with FashionClassNames.
func LoadFashionMNIST(dir, split string) (*Images, error) {
	if dir == "" {
		dir = DefaultFashionDir
	}
	var prefix string
	switch split {
	case "train":
		prefix = "train"
	case "test":
		prefix = "t10k"
	default:
		return nil, fmt.Errorf("Fashion-MNIST split %q: allowed are \"train\" and \"test\"", split)
	}
	imgPath, err := findIDX(dir, prefix+"-images-idx3-ubyte")
	if err != nil {
		return nil, err
	}
	lblPath, err := findIDX(dir, prefix+"-labels-idx1-ubyte")
	if err != nil {
		return nil, err
	}
	n, h, w, pix, err := ReadIDXImages(imgPath)
	if err != nil {
		return nil, err
	}
	if h != fashionSide || w != fashionSide {
		return nil, fmt.Errorf("reading %s: images are %d×%d; Fashion-MNIST images are %d×%d", imgPath, h, w, fashionSide, fashionSide)
	}
	labels, err := ReadIDXLabels(lblPath)
	if err != nil {
		return nil, err
	}
	if len(labels) != n {
		return nil, fmt.Errorf("Fashion-MNIST %s split: %s holds %d images but %s holds %d labels; each image needs exactly one label — the two files do not belong together",
			split, imgPath, n, lblPath, len(labels))
	}
	im := &Images{
		Name: "fashion-mnist", N: n, C: 1, H: h, W: w,
		Pixels:     bytesToUnit(pix),
		Labels:     make([]int, n),
		Classes:    len(FashionClassNames),
		ClassNames: append([]string(nil), FashionClassNames...),
	}
	for i, l := range labels {
		im.Labels[i] = int(l)
	}
	return im, nil
}

// bytesToUnit maps pixel bytes 0..255 to float32 in [0,1] (v/255).
func bytesToUnit(pix []uint8) []float32 {
	var lut [256]float32
	for v := range lut {
		lut[v] = float32(v) / 255
	}
	out := make([]float32, len(pix))
	for i, v := range pix {
		out[i] = lut[v]
	}
	return out
}

// findIDX returns dir/base.gz or dir/base, whichever exists (.gz first).
func findIDX(dir, base string) (string, error) {
	for _, p := range []string{filepath.Join(dir, base+".gz"), filepath.Join(dir, base)} {
		st, err := os.Stat(p)
		if err == nil && st.Mode().IsRegular() {
			return p, nil
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("looking for Fashion-MNIST: %w", err)
		}
	}
	where := fmt.Sprintf("%s has neither %s.gz nor %s", dir, base, base)
	if st, err := os.Stat(dir); err != nil {
		where = fmt.Sprintf("directory %s does not exist", dir)
	} else if !st.IsDir() {
		where = fmt.Sprintf("%s is not a directory", dir)
	}
	return "", fmt.Errorf("Fashion-MNIST not found: %s; install with `apt-get install dataset-fashion-mnist`, or set data.path to a directory holding the IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz])", where)
}

// Sizes of the deterministic split of the embedded digits.
const (
	DigitsTrain = 1437 // images in the training part of OpenImages("builtin:digits")
	DigitsTest  = 360  // images in its test part
)

// OpenImages opens the image data set named by a config value (data.path)
// and returns its training and test sets:
//
//   - "builtin:digits": the embedded 8×8 digits (Digits), split into 1437
//     training and 360 test images by SplitIndices(1797, 360.0/1797, 0): a
//     fixed SplitMix64 permutation from seed 0, the same on every machine and
//     Go release, each part in file order.
//   - "" or "fashion-mnist": Fashion-MNIST from DefaultFashionDir.
//   - anything else: a directory holding the four Fashion-MNIST-format IDX
//     files (28×28 images, labels 0..9; see LoadFashionMNIST).
func OpenImages(spec string) (train, test *Images, err error) {
	s := strings.TrimSpace(spec)
	switch {
	case s == BuiltinDigits:
		all, err := Digits()
		if err != nil {
			return nil, nil, err
		}
		tr, te := SplitIndices(all.N, float64(DigitsTest)/float64(all.N), 0)
		if len(tr) != DigitsTrain || len(te) != DigitsTest {
			return nil, nil, fmt.Errorf("splitting the embedded digits: got %d/%d images, want %d/%d", len(tr), len(te), DigitsTrain, DigitsTest)
		}
		return all.Subset(tr), all.Subset(te), nil
	case strings.HasPrefix(s, "builtin:"):
		return nil, nil, fmt.Errorf("unknown built-in image data set %q; available are %s and fashion-mnist, or give a directory holding Fashion-MNIST IDX files", spec, BuiltinDigits)
	case s == "" || s == "fashion-mnist":
		s = DefaultFashionDir
	}
	if train, err = LoadFashionMNIST(s, "train"); err != nil {
		return nil, nil, err
	}
	if test, err = LoadFashionMNIST(s, "test"); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}
