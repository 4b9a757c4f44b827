package generate

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"genxai/data"
	"genxai/runs"
)

// Files of an export, by format.
const (
	idxImages = "train-images-idx3-ubyte" // the names data.OpenImages looks for
	idxLabels = "train-labels-idx1-ubyte"
	npyImages = "images.npy"
	npyLabels = "labels.npy"
	csvImages = "images.csv"
)

// encoder writes generated images, in chunks, in one export format.
type encoder interface {
	// write encodes images first, first+1, … with their labels (nil for an
	// unconditional model).
	write(imgs [][]float32, labels []int, first int) error
	// close checks that the stream is complete.
	close() error
}

// shape is what an encoder needs to know of the export in advance.
type shape struct {
	n, c, h, w  int
	conditional bool
}

// streamFile names the one data file a format streams into (empty for png,
// which writes a file per image) and labelFile the label file written
// beside it (empty where labels go inside the data file or in names).
func streamFile(format string) (data, labels string) {
	switch format {
	case "idx":
		return idxImages, idxLabels
	case "npy":
		return npyImages, npyLabels
	case "csv":
		return csvImages, ""
	}
	return "", ""
}

// checkFormat says why format cannot hold images of the shape, or nil.
func checkFormat(format string, s shape) error {
	switch {
	case format == "idx" && s.c != 1:
		return fmt.Errorf("--format idx holds one grey channel per image, but the run's images have %d channels: use --format npy or png", s.c)
	case format == "png" && s.c != 1 && s.c != 3:
		return fmt.Errorf("--format png writes grey or RGB images, but the run's images have %d channels: use --format npy", s.c)
	}
	return nil
}

// writeLabels writes the label file of the idx and npy formats: the class of
// every image as one byte.
func writeLabels(path, format string, labels []uint8) error {
	return runs.WriteFileAtomic(path, func(w io.Writer) error {
		if format == "idx" {
			x, err := data.NewIDXWriter(w, len(labels))
			if err == nil {
				err = x.Write(labels)
			}
			if err == nil {
				err = x.Close()
			}
			return err
		}
		x, err := data.NewNPYWriter(w, data.NPYUint8, len(labels))
		if err == nil {
			err = x.WriteUint8(labels)
		}
		if err == nil {
			err = x.Close()
		}
		return err
	})
}

// newStreamEncoder writes the header of format's data file to w and returns
// the encoder of its images.
func newStreamEncoder(format string, w io.Writer, s shape) (encoder, error) {
	switch format {
	case "idx":
		x, err := data.NewIDXWriter(w, s.n, s.h, s.w)
		if err != nil {
			return nil, err
		}
		return &idxEncoder{x: x}, nil
	case "npy":
		x, err := data.NewNPYWriter(w, data.NPYFloat32, s.n, s.c, s.h, s.w)
		if err != nil {
			return nil, err
		}
		return &npyEncoder{x: x}, nil
	case "csv":
		return newCSVEncoder(w, s)
	}
	return nil, fmt.Errorf("format %q has no data file", format)
}

// idxEncoder writes pixels as bytes round(255·v).
type idxEncoder struct {
	x   *data.IDXWriter
	buf []uint8
}

func (e *idxEncoder) write(imgs [][]float32, _ []int, _ int) error {
	for _, img := range imgs {
		e.buf = e.buf[:0]
		for _, v := range img {
			e.buf = append(e.buf, data.UnitToByte(v))
		}
		if err := e.x.Write(e.buf); err != nil {
			return err
		}
	}
	return nil
}

func (e *idxEncoder) close() error { return e.x.Close() }

// npyEncoder writes pixels as float32 in [0, 1].
type npyEncoder struct{ x *data.NPYWriter }

func (e *npyEncoder) write(imgs [][]float32, _ []int, _ int) error {
	for _, img := range imgs {
		if err := e.x.WriteFloat32(img); err != nil {
			return err
		}
	}
	return nil
}

func (e *npyEncoder) close() error { return e.x.Close() }

// csvEncoder writes one row per image: the label (conditional models), then
// the pixel values p0, p1, … in [0, 1] with 5 significant digits.
type csvEncoder struct {
	w           io.Writer
	conditional bool
	buf         []byte
	rows, n     int
}

func newCSVEncoder(w io.Writer, s shape) (*csvEncoder, error) {
	e := &csvEncoder{w: w, conditional: s.conditional, n: s.n}
	if s.conditional {
		e.buf = append(e.buf, "label"...)
	}
	for j := range s.c * s.h * s.w {
		if j > 0 || s.conditional {
			e.buf = append(e.buf, ',')
		}
		e.buf = append(e.buf, 'p')
		e.buf = strconv.AppendInt(e.buf, int64(j), 10)
	}
	e.buf = append(e.buf, '\n')
	_, err := w.Write(e.buf)
	return e, err
}

func (e *csvEncoder) write(imgs [][]float32, labels []int, _ int) error {
	for i, img := range imgs {
		e.buf = e.buf[:0]
		if e.conditional {
			e.buf = strconv.AppendInt(e.buf, int64(labels[i]), 10)
		}
		for j, v := range img {
			if j > 0 || e.conditional {
				e.buf = append(e.buf, ',')
			}
			e.buf = strconv.AppendFloat(e.buf, float64(min(max(v, 0), 1)), 'g', 5, 32)
		}
		e.buf = append(e.buf, '\n')
		if _, err := e.w.Write(e.buf); err != nil {
			return err
		}
	}
	e.rows += len(imgs)
	return nil
}

func (e *csvEncoder) close() error {
	if e.rows != e.n {
		return fmt.Errorf("CSV writer: %d of %d rows written", e.rows, e.n)
	}
	return nil
}

// pngEncoder writes each image to its own PNG file in dir, named by its
// index (zero-padded to width digits) and, for a conditional model, its
// class: 0000042-class3.png.
type pngEncoder struct {
	dir   *runs.Dir
	s     shape
	width int
}

func newPNGEncoder(dir *runs.Dir, s shape) *pngEncoder {
	return &pngEncoder{dir: dir, s: s, width: len(strconv.Itoa(max(s.n-1, 0)))}
}

// pngName is the file name of image i of class k (k < 0: unconditional).
func (e *pngEncoder) pngName(i, k int) string {
	if k < 0 {
		return fmt.Sprintf("%0*d.png", e.width, i)
	}
	return fmt.Sprintf("%0*d-class%d.png", e.width, i, k)
}

func (e *pngEncoder) write(imgs [][]float32, labels []int, first int) error {
	for i, img := range imgs {
		k := -1
		if labels != nil {
			k = labels[i]
		}
		if err := writePNG(e.dir.File(e.pngName(first+i, k)), e.picture(img)); err != nil {
			return err
		}
	}
	return nil
}

// writePNG writes m to path with writeFast.
func writePNG(path string, m image.Image) error {
	return writeFast(path, func(w io.Writer) error { return png.Encode(w, m) })
}

// writeFast writes path through a temporary file renamed into place (named
// as runs.WriteFileAtomic names its own, so the next run over the directory
// removes one left by a crash), but without WriteFileAtomic's fsyncs: at
// one sync per file a million images would take hours.
func writeFast(path string, write func(io.Writer) error) error {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-generate")
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// picture turns C×H×W values in [0, 1] into a grey (C = 1) or RGB image.
func (e *pngEncoder) picture(img []float32) image.Image {
	s := e.s
	hw := s.h * s.w
	if s.c == 1 {
		g := image.NewGray(image.Rect(0, 0, s.w, s.h))
		for j, v := range img {
			g.Pix[j] = data.UnitToByte(v)
		}
		return g
	}
	m := image.NewNRGBA(image.Rect(0, 0, s.w, s.h))
	for p := range hw {
		m.SetNRGBA(p%s.w, p/s.w, color.NRGBA{data.UnitToByte(img[p]), data.UnitToByte(img[hw+p]), data.UnitToByte(img[2*hw+p]), 255})
	}
	return m
}

func (e *pngEncoder) close() error { return nil }
