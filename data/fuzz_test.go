package data

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func FuzzReadIDXImages(f *testing.F) {
	good := idxBytes(0x803, []uint32{2, 2, 3}, seq(12, 256))
	f.Add(good)
	f.Add(gz(f, good))
	f.Add(good[:9])
	f.Add(idxBytes(0x803, []uint32{1 << 31, 1 << 15, 1 << 15}, nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, h, w, pix, err := DecodeIDXImages(bytes.NewReader(b), "fuzz")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "reading fuzz: ") {
				t.Fatalf("error does not name the input: %v", err)
			}
			return
		}
		if n < 1 || h < 1 || w < 1 || len(pix) != n*h*w {
			t.Fatalf("accepted %d×%d×%d with %d pixels", n, h, w, len(pix))
		}
	})
}

func FuzzReadIDXLabels(f *testing.F) {
	good := idxBytes(0x801, []uint32{4}, []byte{0, 9, 3, 1})
	f.Add(good, 10)
	f.Add(gz(f, good), 10)
	f.Add(good, 0)
	f.Add(idxBytes(0x801, []uint32{4}, []byte{0, 9, 30, 1}), 10)
	f.Fuzz(func(t *testing.T, b []byte, classes int) {
		labels, err := DecodeIDXLabels(bytes.NewReader(b), "fuzz", classes)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "reading fuzz: ") {
				t.Fatalf("error does not name the input: %v", err)
			}
			return
		}
		if len(labels) == 0 {
			t.Fatal("accepted an empty label file")
		}
		for _, l := range labels {
			if classes > 0 && int(l) >= classes {
				t.Fatalf("accepted label %d with %d classes", l, classes)
			}
		}
	})
}

func FuzzParseCSV(f *testing.F) {
	f.Add("a,b,y\n1,2,0\n3,4,1\n", "y")
	f.Add("x,kind\n1,cat\n2,dog\n", "kind")
	f.Add("a,b\n1,2\n", "")
	f.Add("a,\"b\nc\",y\n1,2,NaN\n", "y")
	f.Add("a,y\n1,0\n3\n", "y")
	f.Fuzz(func(t *testing.T, in, label string) {
		tb, err := ParseCSV(strings.NewReader(in), "fuzz.csv", label)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "reading fuzz.csv: ") {
				t.Fatalf("error does not name the input: %v", err)
			}
			return
		}
		if tb.Rows < 1 || len(tb.X) != tb.Rows*tb.NumFeatures() {
			t.Fatalf("rows %d features %d but %d values", tb.Rows, tb.NumFeatures(), len(tb.X))
		}
		for _, v := range tb.X {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("accepted non-finite %v", v)
			}
		}
		if label == "" {
			if tb.Y != nil || tb.Label != "" {
				t.Fatal("label column without a label name")
			}
			return
		}
		if len(tb.Y) != tb.Rows {
			t.Fatalf("%d labels for %d rows", len(tb.Y), tb.Rows)
		}
		for _, y := range tb.Y {
			if math.IsNaN(y) || math.IsInf(y, 0) {
				t.Fatalf("accepted non-finite label %v", y)
			}
			if tb.LabelNames != nil && (y < 0 || int(y) >= len(tb.LabelNames)) {
				t.Fatalf("class index %v outside %d names", y, len(tb.LabelNames))
			}
		}
		if sub := tb.Subset([]int{tb.Rows - 1, 0}); sub.Rows != 2 {
			t.Fatal("Subset")
		}
	})
}
