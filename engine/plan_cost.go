package engine

// Cost is what one Run of a plan asks of the machine, for comparing a
// measured step time with the least time the hardware could take for it
// (genxai bench; scripts/gpu-check.sh's speed comparison with PyTorch):
//
//   - FLOPs counts the floating-point operations of the products only,
//     2·m·n·k per matrix product (forward and gradients, batched products,
//     convolutions as the products they are), like the FLOP counts of
//     PyTorch's FlopCounterMode or of Kaplan et al. (2020)'s 6·N·tokens;
//     elementwise work, reductions and the optimizer are not counted.
//   - Bytes is a lower bound of the memory the run touches: every value of
//     the program (parameters, activations, gradients, temporaries) read or
//     written once, 4 bytes each, plus the optimizer moments the updates
//     read and write. A run that moved less would skip a value it computes.
//
// The floor of a step on a device is max(FLOPs/peak FLOP rate, Bytes/peak
// bandwidth): the roofline bound of Williams, Waterman & Patterson (2009)
// for the whole step.
type Cost struct {
	FLOPs float64
	Bytes float64
}

// Add returns c + d.
func (c Cost) Add(d Cost) Cost { return Cost{c.FLOPs + d.FLOPs, c.Bytes + d.Bytes} }

// Scale returns c times f.
func (c Cost) Scale(f float64) Cost { return Cost{c.FLOPs * f, c.Bytes * f} }

// costs sets the FLOPs of the program step emitted last.
func (l *lowerer) costs(flops float64) { l.p.prog[len(l.p.prog)-1].flops = flops }

// Cost returns the cost of one Run of the plan (see Cost).
func (p *Plan) Cost() Cost {
	var c Cost
	touched := make([]bool, len(p.store))
	for _, in := range p.prog {
		c.FLOPs += in.flops
		c.Bytes += float64(in.stateBytes)
		for _, ids := range [][]int{in.reads, in.writes} {
			for _, id := range ids {
				if !touched[id] {
					touched[id] = true
					c.Bytes += 4 * float64(p.store[id].n)
				}
			}
		}
	}
	return c
}

// counted are the plans built since StartCounting.
var counted watch

// StartCounting makes the plans built from now on count toward
// StopCounting's total: genxai bench counts the cost of a task's training
// steps, whatever plans the task runs per step (a GAN runs three).
func StartCounting() { counted.start() }

// StopCounting ends what StartCounting began and returns the cost of every
// Run of the plans built since (Plan.Cost times their Runs).
func StopCounting() Cost {
	var total Cost
	for _, p := range counted.stop() {
		total = total.Add(p.Cost().Scale(float64(p.runs)))
	}
	return total
}

// countIfStarted registers a new plan while StartCounting holds.
func (p *Plan) countIfStarted() { counted.add(p) }
