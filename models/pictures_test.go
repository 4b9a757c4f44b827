package models

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"genxai/runs"
)

// train.keep_images = N keeps exactly the last N epochs' files in epochs/
// (0 keeps all), and the top-level NAME.png is the last epoch's.
func TestEpochFilesKeepImages(t *testing.T) {
	for _, keep := range []int{0, 1, 3} {
		dir, err := runs.Create(t.TempDir(), "train", false)
		if err != nil {
			t.Fatal(err)
		}
		e := epochFiles{keep: keep}
		for epoch := 1; epoch <= 7; epoch++ {
			img := image.NewGray(image.Rect(0, 0, 2, 2))
			img.SetGray(0, 0, color.Gray{Y: uint8(epoch)})
			if err := e.png(dir, "samples", epoch, img); err != nil {
				t.Fatal(err)
			}
			if err := e.text(dir, "sample", epoch, "epoch text"); err != nil {
				t.Fatal(err)
			}
		}
		es, err := os.ReadDir(dir.File(EpochsDir))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, de := range es {
			got = append(got, de.Name())
		}
		var want []string
		first := 1
		if keep > 0 {
			first = 8 - keep
		}
		for epoch := first; epoch <= 7; epoch++ {
			want = append(want, fmtEpoch("sample", epoch, ".txt"), fmtEpoch("samples", epoch, ".png"))
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("keep_images %d: epochs/ holds %v, want %v", keep, got, want)
		}
		top, _ := os.ReadFile(dir.File("samples.png"))
		last, _ := os.ReadFile(filepath.Join(dir.File(EpochsDir), fmtEpoch("samples", 7, ".png")))
		if len(top) == 0 || !bytes.Equal(top, last) {
			t.Errorf("keep_images %d: samples.png is not the last epoch's picture", keep)
		}
		dir.Close()
	}
}

func fmtEpoch(name string, epoch int, ext string) string {
	return fmt.Sprintf("%s_epoch%03d%s", name, epoch, ext)
}
