package denoise

import (
	"math"
	"math/rand"
	"testing"
)

func filled(n int, v float32) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func randomImage(rng *rand.Rand, n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = rng.Float32()
	}
	return out
}

func TestPSNR(t *testing.T) {
	for _, c := range []struct {
		name string
		a, b []float32
		want float64
	}{
		{"MSE 0.01", filled(16, 0), filled(16, 0.1), 20},
		{"MSE 0.25", filled(9, 1), filled(9, 0.5), 10 * math.Log10(4)},
		{"half the pixels off by 1", []float32{0, 0, 1, 1}, []float32{0, 1, 1, 0}, 10 * math.Log10(2)},
		{"identical", filled(4, 0.3), filled(4, 0.3), maxPSNR},
	} {
		if got := PSNR(c.a, c.b); math.Abs(got-c.want) > 1e-5 {
			t.Errorf("%s: PSNR = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestSSIMHandValues checks SSIM on images whose value follows from the
// formula by hand: constant images (σ terms cancel to 1), and a single
// bright pixel in the middle of an 11×11 black image against black, where
// μ = g₀², σ² = g₀² − g₀⁴ with g₀ = 1/Σ_{i=−5..5} exp(−i²/4.5) = 0.26601…
// the centre tap of the window, and SSIM = C₁/(μ² + C₁) · C₂/(σ² + C₂).
func TestSSIMHandValues(t *testing.T) {
	impulse := filled(121, 0)
	impulse[60] = 1
	for _, c := range []struct {
		name    string
		a, b    []float32
		c, h, w int
		want    float64
	}{
		{"constants 0.5 and 0.25", filled(12*13, 0.5), filled(12*13, 0.25), 1, 12, 13, 0.8000639795265515},
		{"impulse against black", impulse, filled(121, 0), 1, 11, 11, 0.00026437431620661504},
		{"constants, three channels", filled(3*11*11, 0.5), filled(3*11*11, 0.25), 3, 11, 11, 0.8000639795265515},
	} {
		got, err := SSIM(c.a, c.b, c.c, c.h, c.w)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s: SSIM = %.15g, want %.15g", c.name, got, c.want)
		}
	}
}

// TestSSIMMatchesDirectWindows checks the separable filtering against the
// definition: the 11×11 window's weighted moments summed directly at every
// position, on random images, and the symmetry and identity properties.
func TestSSIMMatchesDirectWindows(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	const h, w = 14, 17
	a, b := randomImage(rng, h*w), randomImage(rng, h*w)
	got, err := SSIM(a, b, 1, h, w)
	if err != nil {
		t.Fatal(err)
	}
	if want := directSSIM(a, b, h, w); math.Abs(got-want) > 1e-12 {
		t.Errorf("SSIM = %.15g, direct windows give %.15g", got, want)
	}
	if back, _ := SSIM(b, a, 1, h, w); math.Abs(back-got) > 1e-12 {
		t.Errorf("SSIM(b, a) = %v differs from SSIM(a, b) = %v", back, got)
	}
	if self, _ := SSIM(a, a, 1, h, w); math.Abs(self-1) > 1e-12 {
		t.Errorf("SSIM(a, a) = %v, want 1", self)
	}
	if got > 0.2 {
		t.Errorf("SSIM of two independent uniform images = %v, want near 0", got)
	}
}

// directSSIM is SSIM from the 2-D window (the outer product of the 1-D
// Gaussian) at each position, without the separable passes.
func directSSIM(a, b []float32, h, w int) float64 {
	k := 2*ssimRadius + 1
	c1, c2 := ssimK1*ssimK1, ssimK2*ssimK2
	var s float64
	n := 0
	for y := 0; y+k <= h; y++ {
		for x := 0; x+k <= w; x++ {
			var ma, mb, maa, mbb, mab float64
			for i := range k {
				for j := range k {
					g := ssimWindow[i] * ssimWindow[j]
					p, q := float64(a[(y+i)*w+x+j]), float64(b[(y+i)*w+x+j])
					ma, mb, maa, mbb, mab = ma+g*p, mb+g*q, maa+g*p*p, mbb+g*q*q, mab+g*p*q
				}
			}
			va, vb, cov := maa-ma*ma, mbb-mb*mb, mab-ma*mb
			s += (2*ma*mb + c1) * (2*cov + c2) / ((ma*ma + mb*mb + c1) * (va + vb + c2))
			n++
		}
	}
	return s / float64(n)
}

func TestSSIMRefusesBadShapes(t *testing.T) {
	if _, err := SSIM(filled(100, 0), filled(100, 0), 1, 10, 10); err == nil {
		t.Error("SSIM of 10×10 images: no error, want one naming the 11×11 window")
	}
	if _, err := SSIM(filled(121, 0), filled(120, 0), 1, 11, 11); err == nil {
		t.Error("SSIM of images of different sizes: no error")
	}
}

func TestMedian3(t *testing.T) {
	// A 4×4 ramp with one salt and one pepper pixel: the filter removes both
	// impulses; the corners see their edge pixels repeated.
	img := []float32{
		0.1, 0.1, 0.2, 0.2,
		0.1, 1.0, 0.2, 0.2,
		0.3, 0.3, 0.0, 0.4,
		0.3, 0.3, 0.4, 0.4,
	}
	want := []float32{
		0.1, 0.1, 0.2, 0.2,
		0.1, 0.2, 0.2, 0.2,
		0.3, 0.3, 0.3, 0.4,
		0.3, 0.3, 0.4, 0.4,
	}
	got := Median3(img, 1, 4, 4)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Median3 =\n%v\nwant\n%v (first difference at pixel %d)", got, want, i)
		}
	}
	// Channels are filtered separately.
	two := append(append([]float32(nil), img...), filled(16, 0.7)...)
	got2 := Median3(two, 2, 4, 4)
	for i := range 16 {
		if got2[i] != want[i] || got2[16+i] != 0.7 {
			t.Fatalf("two channels: pixel %d = %v, %v; want %v, 0.7", i, got2[i], got2[16+i], want[i])
		}
	}
}
