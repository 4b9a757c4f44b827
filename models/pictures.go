package models

import (
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"genxai/config"
	"genxai/runs"
	"genxai/viz"
)

// EpochsDir is the subfolder of a training run that holds the pictures (and
// text samples) of each epoch, NAME_epochNNN.EXT; the top level keeps the
// last epoch's as NAME.EXT (see docs/design.md, "Run directory contract").
const EpochsDir = runs.EpochsDir

// epochFiles writes a task's per-epoch files and prunes old ones: keep is
// train.keep_images, the number of latest epochs whose files stay in
// epochs/ (0 keeps all).
type epochFiles struct{ keep int }

// newEpochFiles reads train.keep_images from a training config.
func newEpochFiles(c *config.Config) epochFiles { return epochFiles{keep: c.Int("train.keep_images")} }

// png writes img as epochs/NAME_epochNNN.png and as NAME.png at the top of
// the run directory, then prunes.
func (e epochFiles) png(dir *runs.Dir, name string, epoch int, img image.Image) error {
	return e.write(dir, name, ".png", epoch, func(path string) error { return viz.SavePNG(path, img) })
}

// text writes s as epochs/NAME_epochNNN.txt and as NAME.txt at the top of
// the run directory, then prunes.
func (e epochFiles) text(dir *runs.Dir, name string, epoch int, s string) error {
	return e.write(dir, name, ".txt", epoch, func(path string) error {
		return runs.WriteFileAtomic(path, func(w io.Writer) error {
			_, err := io.WriteString(w, s)
			return err
		})
	})
}

// write calls save for the epoch's file and for the top-level copy, then
// removes the files of NAME from epochs older than the last keep.
func (e epochFiles) write(dir *runs.Dir, name, ext string, epoch int, save func(path string) error) error {
	sub := dir.File(EpochsDir)
	if err := os.MkdirAll(sub, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", sub, err)
	}
	if err := save(filepath.Join(sub, fmt.Sprintf("%s_epoch%03d%s", name, epoch, ext))); err != nil {
		return err
	}
	if err := save(dir.File(name + ext)); err != nil {
		return err
	}
	if e.keep <= 0 {
		return nil
	}
	return pruneEpochs(sub, name, ext, epoch-e.keep)
}

// pruneEpochs removes dir/NAME_epochNNN.EXT for every NNN ≤ upTo.
func pruneEpochs(dir, name, ext string, upTo int) error {
	re := regexp.MustCompile("^" + regexp.QuoteMeta(name) + `_epoch(\d+)` + regexp.QuoteMeta(ext) + "$")
	es, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("pruning old epoch pictures: %w", err)
	}
	for _, de := range es {
		m := re.FindStringSubmatch(de.Name())
		if m == nil {
			continue
		}
		if n, _ := strconv.Atoi(m[1]); n <= upTo {
			if err := os.Remove(filepath.Join(dir, de.Name())); err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("pruning old epoch pictures (train.keep_images): %w", err)
			}
		}
	}
	return nil
}
