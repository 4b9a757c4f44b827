package engine

import (
	"fmt"

	G "gorgonia.org/gorgonia"
)

// trainStep appends the training step's host work to the program: the
// global-norm clip over every gradient, one fused optimizer update per
// parameter on its resident buffer, and the running statistics of each
// batch norm. Every tensor it updates must be in the workspace.
func (l *lowerer) trainStep(t TrainSpec) error {
	p := l.p
	grads := make([]int, len(t.Params))
	for i, par := range t.Params {
		id, ok := p.of[par.Node.Deriv()]
		if !ok {
			return fmt.Errorf("the gradient of %s is not in the graph the plan runs", par.Name)
		}
		grads[i] = id
	}
	p.clip = l.newStorage(ClipValues)
	p.store[p.clip].pinned = true
	gradBufs := make([]Buffer, len(grads))
	l.emit("clip", grads, []int{p.clip}, func(p *Plan) error {
		for i, id := range grads {
			gradBufs[i] = p.buf(id)
		}
		p.be.ClipScale(gradBufs, t.Optim.GradClip, p.buf(p.clip))
		return nil
	})
	find := func(what string, host []float32) (*resident, error) {
		r := l.ws.lookup(host)
		if r == nil {
			return nil, fmt.Errorf("%s is not in the run's workspace", what)
		}
		p.written = append(p.written, r)
		p.residents = append(p.residents, r) // uploaded before a run when the host is newer (a restored checkpoint)
		return r, nil
	}
	for i, par := range t.Params {
		w, ok := p.of[par.Node]
		if !ok || !p.store[w].external {
			return fmt.Errorf("parameter %s is not a resident leaf of the plan (is its value the workspace's tensor?)", par.Name)
		}
		rw, err := find("parameter "+par.Name, par.W)
		if err != nil {
			return err
		}
		m, err := find("the first moment of "+par.Name, par.M)
		if err != nil {
			return err
		}
		var v *resident
		if t.Optim.Kind != SGD {
			if v, err = find("the second moment of "+par.Name, par.V); err != nil {
				return err
			}
		}
		par, g := par, grads[i]
		l.emit("update "+par.Name, []int{g, p.clip}, []int{w}, func(p *Plan) error {
			var vb Buffer
			if v != nil {
				vb = v.buf
			}
			p.be.Update(t.update(par, p.args), rw.buf, p.buf(g), m.buf, vb, p.buf(p.clip))
			return nil
		})
		moments := len(par.M)
		if v != nil {
			moments += len(par.V)
		}
		p.prog[len(p.prog)-1].stateBytes = 4 * moments
	}
	for _, r := range t.Running {
		mean, ok1 := p.of[r.Mean]
		variance, ok2 := p.of[r.Var]
		if !ok1 || !ok2 {
			return fmt.Errorf("the batch statistics %s, %s are not in the graph the plan runs", r.Mean.Name(), r.Var.Name())
		}
		rm, err := find("the running mean of "+r.Mean.Name(), r.RunMean)
		if err != nil {
			return err
		}
		rv, err := find("the running variance of "+r.Var.Name(), r.RunVar)
		if err != nil {
			return err
		}
		r := r
		l.emit("running statistics "+r.Mean.Name(), []int{mean, variance}, nil, func(p *Plan) error {
			p.be.RunningStats(rm.buf, rv.buf, p.buf(mean), p.buf(variance), r.Momentum, r.Count)
			return nil
		})
	}
	return nil
}

// planTrainer runs whole training steps as one plan on the run's workspace.
type planTrainer struct {
	*PlanExecutor
	ws      *Workspace
	ownsWS  bool // made for this trainer alone (no run workspace given)
	clipOut []float32
	loss    *G.Node   // TrainSpec.Loss
	reads   []int     // read back inside a launched step: the loss, the clipping's values
	readOut []float32 // their values, in that order
}

var _ Launcher = (*planTrainer)(nil)

// newPlanTrainer registers the spec's tensors in the workspace given with On
// (a new one on a CPU backend without it) and lowers g with the step appended.
func newPlanTrainer(g *G.ExprGraph, spec TrainSpec, opts ...Option) (*planTrainer, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	ws := o.ws
	own := ws == nil
	if own {
		be, err := OpenBackend("cpu")
		if err != nil {
			return nil, err
		}
		ws = NewWorkspace(be)
	}
	for _, p := range spec.Params {
		ws.Add(p.Name, p.W)
		ws.Add("moment 1 of "+p.Name, p.M)
		if spec.Optim.Kind != SGD {
			ws.Add("moment 2 of "+p.Name, p.V)
		}
	}
	for _, r := range spec.Running {
		ws.Add("running mean of "+r.Mean.Name(), r.RunMean)
		ws.Add("running variance of "+r.Var.Name(), r.RunVar)
	}
	learn := make(G.Nodes, len(spec.Params))
	for i, p := range spec.Params {
		learn[i] = p.Node
	}
	ex, err := newPlan(ws.Backend(), ws, g, learn, &spec, opts...)
	if err != nil {
		if own {
			ws.Close()
		}
		return nil, err
	}
	t := &planTrainer{PlanExecutor: ex, ws: ws, ownsWS: own, clipOut: make([]float32, ClipValues), loss: spec.Loss}
	if spec.Loss != nil {
		id, ok := ex.plan.of[spec.Loss]
		if !ok || ex.plan.store[id].n != 1 {
			ex.Close()
			if own {
				ws.Close()
			}
			return nil, fmt.Errorf("the loss %s is not a scalar the plan computes", spec.Loss.Name())
		}
		t.reads = []int{id, ex.plan.clip}
		t.readOut = make([]float32, 1+ClipValues)
	}
	return t, nil
}

// Step runs the plan with the step's arguments and reads the gradient norm.
func (t *planTrainer) Step(a StepArgs) (float64, error) {
	t.plan.key, t.plan.args = a.Key, a
	if _, ok := t.plan.be.(StepReader); ok && t.reads != nil {
		// The same step as Launch's (a captured step must not change), read
		// at once.
		if err := t.plan.run(t.reads, true); err != nil {
			return 0, err
		}
		_, norm, err := t.Done(Launched{run: t.plan.runs})
		return norm, err
	}
	if err := t.plan.Run(); err != nil {
		return 0, err
	}
	if err := t.plan.be.Download(t.clipOut, t.plan.buf(t.plan.clip)); err != nil {
		return 0, fmt.Errorf("reading the gradient norm back from the %s backend: %w", t.plan.be.Name(), err)
	}
	_, norm := DecodeClip(t.clipOut)
	return norm, nil
}

// Launch queues step a (Launcher). On a StepReader backend the step reads
// the loss and the clipping's values back itself and the plan publishes
// nothing; elsewhere it is Step, with the loss read from its published value.
func (t *planTrainer) Launch(a StepArgs) (Launched, error) {
	if t.reads == nil {
		return Launched{}, fmt.Errorf("the trainer was built without TrainSpec.Loss, so Launch has no loss to read back: set it, or call Step")
	}
	if _, ok := t.plan.be.(StepReader); !ok {
		norm, err := t.Step(a)
		return Launched{loss: Scalar(t.loss), norm: norm}, err
	}
	t.plan.key, t.plan.args = a.Key, a
	if err := t.plan.run(t.reads, false); err != nil {
		return Launched{}, err
	}
	return Launched{run: t.plan.runs}, nil
}

// Done returns the values of the launched step l, waiting for it on the
// backend when they are not known yet (Launcher).
func (t *planTrainer) Done(l Launched) (loss, gradNorm float64, err error) {
	if l.Ready() {
		return l.loss, l.norm, nil
	}
	if err := t.plan.be.(StepReader).ReadResults(t.plan, l.run, t.readOut); err != nil {
		return 0, 0, fmt.Errorf("reading step %d's loss back from the %s backend: %w", l.run, t.plan.be.Name(), err)
	}
	_, norm := DecodeClip(t.readOut[1:])
	return float64(t.readOut[0]), norm, nil
}

// Sync downloads the workspace's updated tensors into their host slices.
func (t *planTrainer) Sync() error { return t.ws.Sync() }

// Close frees the plan, and the workspace when the trainer made it.
func (t *planTrainer) Close() error {
	err := t.PlanExecutor.Close()
	if t.ownsWS {
		t.ws.Close()
	}
	return err
}
