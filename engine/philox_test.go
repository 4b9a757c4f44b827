package engine

import "testing"

// TestPhilox4x32KnownAnswers checks the three Philox4x32-10 known-answer
// vectors of Random123's tests/kat_vectors (counter, key → output).
func TestPhilox4x32KnownAnswers(t *testing.T) {
	for _, c := range []struct {
		ctr, want [4]uint32
		key       [2]uint32
	}{
		{[4]uint32{0, 0, 0, 0}, [4]uint32{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, [2]uint32{0, 0}},
		{[4]uint32{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, [4]uint32{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, [2]uint32{0xffffffff, 0xffffffff}},
		{[4]uint32{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, [4]uint32{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}, [2]uint32{0xa4093822, 0x299f31d0}},
	} {
		if got := Philox4x32(c.ctr, c.key); got != c.want {
			t.Errorf("Philox4x32(%08x, %08x) = %08x, want %08x", c.ctr, c.key, got, c.want)
		}
	}
}

func TestClipEncoding(t *testing.T) {
	out := make([]float32, ClipValues)
	for _, norm := range []float64{0, 1e-300, 3.0000000000000004, 12345.678, 1e300} {
		EncodeClip(out, 0.25, norm)
		if s, n := DecodeClip(out); s != 0.25 || n != norm {
			t.Errorf("EncodeClip(0.25, %v) decodes to %v, %v", norm, s, n)
		}
	}
	if ClipScale(5, 0) != 1 || ClipScale(5, 10) != 1 || ClipScale(20, 10) != float32(10/(20+1e-6)) {
		t.Errorf("ClipScale: off %v, under %v, over %v", ClipScale(5, 0), ClipScale(5, 10), ClipScale(20, 10))
	}
}

func TestChainCheck(t *testing.T) {
	c := NewChain(Full, Row)
	c.Output(c.Unary(OpTanh, c.Binary(OpAdd, 0, 1)))
	if err := c.Check(); err != nil {
		t.Fatalf("a valid chain: %v", err)
	}
	bad := []*Chain{
		{Inputs: []Broadcast{Full}}, // no outputs
		{Inputs: []Broadcast{Full}, Code: []Instr{{Op: OpAdd, A: 0, B: 1}}, Outputs: []int{1}}, // reads itself
		{Inputs: []Broadcast{Full}, Code: []Instr{{Op: opCount}}, Outputs: []int{1}},           // unknown op
		{Inputs: []Broadcast{Full}, Outputs: []int{1}},                                         // output out of range
	}
	for i, c := range bad {
		if err := c.Check(); err == nil {
			t.Errorf("bad chain %d passes Check", i)
		}
	}
}
