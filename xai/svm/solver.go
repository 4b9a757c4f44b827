package svm

import "math"

// secondOrderGain is −gd²/quad, the objective change of the two-variable
// step libsvm's second-order working-set selection minimizes (Fan, Chen and
// Lin, JMLR 2005, WSS 2), with tau for a non-positive curvature quad.
func secondOrderGain(gd, quad float64) float64 {
	if quad > 0 {
		return -(gd * gd) / quad
	}
	return -(gd * gd) / tau
}

// tau replaces a non-positive curvature in the two-variable subproblem, as
// in libsvm.
const tau = 1e-12

const (
	atLower int8 = iota
	atUpper
	free
)

// binaryResult is the solution of one binary C-SVC dual.
type binaryResult struct {
	coef    []float64 // y_i α_i in the original order of the problem
	rho     float64   // decision function is Σ coef_i K(x_i, x) − rho
	obj     float64   // dual objective ½αᵀQα − eᵀα at the solution
	iter    int
	maxIter bool // stopped by the iteration bound
	stopped bool // stopped because the fit was cancelled
}

// solver is the SMO method of libsvm (Chang & Lin 2011, §4) for
//
//	min_α ½ αᵀQα + pᵀα  subject to  yᵀα = 0,  0 ≤ α_i ≤ C,
//
// with the working set chosen by second-order information (Fan, Chen & Lin,
// "Working set selection using second order information for training
// support vector machines", JMLR 6, 2005, WSS 2) and optional shrinking
// with gradient reconstruction. For C-SVC, p = −e.
type solver struct {
	l, active int
	y         []int8
	G, Gbar   []float64 // gradient; Gbar_i = C Σ_{α_j = C} Q_ij
	alpha     []float64
	p         []float64
	status    []int8
	activeSet []int // activeSet[k] is the original index at position k
	C         float64
	q         *svcQ
	eps       float64
	shrink    bool
	unshrink  bool
}

func (s *solver) updateStatus(i int) {
	switch {
	case s.alpha[i] >= s.C:
		s.status[i] = atUpper
	case s.alpha[i] <= 0:
		s.status[i] = atLower
	default:
		s.status[i] = free
	}
}

func (s *solver) swap(i, j int) {
	s.q.swap(i, j) // also swaps y, shared with q
	s.G[i], s.G[j] = s.G[j], s.G[i]
	s.status[i], s.status[j] = s.status[j], s.status[i]
	s.alpha[i], s.alpha[j] = s.alpha[j], s.alpha[i]
	s.p[i], s.p[j] = s.p[j], s.p[i]
	s.activeSet[i], s.activeSet[j] = s.activeSet[j], s.activeSet[i]
	s.Gbar[i], s.Gbar[j] = s.Gbar[j], s.Gbar[i]
}

// solveCSVC trains one binary C-SVC on rows x with labels y ∈ {+1, −1}.
// x and y are not modified (the solver permutes its own copies); coef in
// the result is indexed like the x and y passed in. Every checkEvery
// iterations it tells watch (nil: none) and stops early, with res.stopped,
// when the fit was cancelled.
func solveCSVC(k *kernelFunc, x [][]float64, y []int8, C, eps float64, shrink bool, cacheEntries int64, maxIter int, watch *smoWatch) binaryResult {
	l := len(x)
	ys := append([]int8(nil), y...)
	s := &solver{
		l: l, active: l, y: ys, C: C, eps: eps, shrink: shrink,
		G: make([]float64, l), Gbar: make([]float64, l), alpha: make([]float64, l),
		p: make([]float64, l), status: make([]int8, l), activeSet: make([]int, l),
	}
	s.q = newSVCQ(k, x, ys, cacheEntries)
	for i := range s.p {
		s.p[i] = -1
		s.G[i] = -1
		s.activeSet[i] = i
		s.updateStatus(i)
	}
	if maxIter <= 0 {
		maxIter = 10000000
		if 100*l > maxIter {
			maxIter = 100 * l
		}
	}
	res := binaryResult{}
	iter := 0
	counter := min(l, 1000) + 1
	for iter < maxIter {
		counter--
		if iter%checkEvery == checkEvery-1 && watch.step(checkEvery, s.objective) {
			res.stopped = true
			break
		}
		if counter == 0 {
			counter = min(l, 1000)
			if s.shrink {
				s.doShrinking()
			}
		}
		i, j, done := s.selectWorkingSet()
		if done {
			s.reconstructGradient()
			s.active = l
			i, j, done = s.selectWorkingSet()
			if done {
				break
			}
			counter = 1 // shrink again at the next iteration
		}
		iter++
		s.takeStep(i, j)
	}
	if iter >= maxIter {
		if s.active < l {
			s.reconstructGradient()
			s.active = l
		}
		res.maxIter = true
	}
	res.iter = iter
	res.rho = s.calculateRho()
	res.obj = s.objective()
	res.coef = make([]float64, l)
	for i := 0; i < l; i++ {
		res.coef[s.activeSet[i]] = float64(s.y[i]) * s.alpha[i]
	}
	return res
}

// objective is the dual objective ½αᵀQα + pᵀα = ½ Σ α_i (G_i + p_i), exact
// once the gradient is reconstructed, an estimate while variables are
// shrunk.
func (s *solver) objective() float64 {
	var v float64
	for i := 0; i < s.l; i++ {
		v += s.alpha[i] * (s.G[i] + s.p[i])
	}
	return v / 2
}

// takeStep solves the two-variable subproblem on (i, j) analytically,
// clips it to the box and updates G and Gbar (libsvm's Solver::Solve body).
func (s *solver) takeStep(i, j int) {
	Qi := s.q.column(i, s.active)
	Qj := s.q.column(j, s.active)
	QD := s.q.qd
	C := s.C
	y := s.y
	alpha := s.alpha
	oldI, oldJ := alpha[i], alpha[j]
	if y[i] != y[j] {
		quad := QD[i] + QD[j] + 2*float64(Qi[j])
		if quad <= 0 {
			quad = tau
		}
		delta := (-s.G[i] - s.G[j]) / quad
		diff := alpha[i] - alpha[j]
		alpha[i] += delta
		alpha[j] += delta
		if diff > 0 {
			if alpha[j] < 0 {
				alpha[j] = 0
				alpha[i] = diff
			}
		} else if alpha[i] < 0 {
			alpha[i] = 0
			alpha[j] = -diff
		}
		if diff > 0 { // C_i == C_j == C, so diff > C_i − C_j is diff > 0
			if alpha[i] > C {
				alpha[i] = C
				alpha[j] = C - diff
			}
		} else if alpha[j] > C {
			alpha[j] = C
			alpha[i] = C + diff
		}
	} else {
		quad := QD[i] + QD[j] - 2*float64(Qi[j])
		if quad <= 0 {
			quad = tau
		}
		delta := (s.G[i] - s.G[j]) / quad
		sum := alpha[i] + alpha[j]
		alpha[i] -= delta
		alpha[j] += delta
		if sum > C {
			if alpha[i] > C {
				alpha[i] = C
				alpha[j] = sum - C
			}
		} else if alpha[j] < 0 {
			alpha[j] = 0
			alpha[i] = sum
		}
		if sum > C {
			if alpha[j] > C {
				alpha[j] = C
				alpha[i] = sum - C
			}
		} else if alpha[i] < 0 {
			alpha[i] = 0
			alpha[j] = sum
		}
	}
	dI := alpha[i] - oldI
	dJ := alpha[j] - oldJ
	G := s.G[:s.active]
	Qi, Qj = Qi[:s.active], Qj[:s.active]
	for k := range G {
		G[k] += float64(Qi[k])*dI + float64(Qj[k])*dJ
	}
	ui := s.status[i] == atUpper
	uj := s.status[j] == atUpper
	s.updateStatus(i)
	s.updateStatus(j)
	if ui != (s.status[i] == atUpper) {
		s.shiftGbar(i, ui)
	}
	if uj != (s.status[j] == atUpper) {
		s.shiftGbar(j, uj)
	}
}

// shiftGbar removes (wasUpper) or adds the contribution C·Q_i of variable i
// to Gbar after it left or reached the upper bound.
func (s *solver) shiftGbar(i int, wasUpper bool) {
	Qi := s.q.column(i, s.l)[:s.l]
	c := s.C
	if wasUpper {
		c = -c
	}
	for k, q := range Qi {
		s.Gbar[k] += c * float64(q)
	}
}

// selectWorkingSet is WSS 2 of Fan, Chen & Lin (2005): i maximises −y_i G_i
// over I_up, j minimises the second-order decrease −(b_ij²)/a_ij over
// I_low with b_ij > 0. done reports that the maximal violation
// m(α) − M(α) is below eps.
func (s *solver) selectWorkingSet() (int, int, bool) {
	gmax := math.Inf(-1)
	gmax2 := math.Inf(-1)
	gmaxIdx, gminIdx := -1, -1
	objMin := math.Inf(1)
	n := s.active
	G, y, st := s.G[:n], s.y[:n], s.status[:n]
	for t := range G {
		if y[t] == 1 {
			if st[t] != atUpper && -G[t] >= gmax {
				gmax = -G[t]
				gmaxIdx = t
			}
		} else if st[t] != atLower && G[t] >= gmax {
			gmax = G[t]
			gmaxIdx = t
		}
	}
	i := gmaxIdx
	if i == -1 {
		return -1, -1, true
	}
	Qi := s.q.column(i, n)[:n]
	QD := s.q.qd[:n]
	yi := float64(y[i])
	qdi := QD[i]
	for j := range G {
		if y[j] == 1 {
			if st[j] != atLower {
				gd := gmax + G[j]
				if G[j] >= gmax2 {
					gmax2 = G[j]
				}
				if gd > 0 {
					if od := secondOrderGain(gd, qdi+QD[j]-2*yi*float64(Qi[j])); od <= objMin {
						gminIdx = j
						objMin = od
					}
				}
			}
		} else if st[j] != atUpper {
			gd := gmax - G[j]
			if -G[j] >= gmax2 {
				gmax2 = -G[j]
			}
			if gd > 0 {
				if od := secondOrderGain(gd, qdi+QD[j]+2*yi*float64(Qi[j])); od <= objMin {
					gminIdx = j
					objMin = od
				}
			}
		}
	}
	if gmax+gmax2 < s.eps || gminIdx == -1 {
		return -1, -1, true
	}
	return i, gminIdx, false
}

// beShrunk says whether variable i is at a bound and its gradient shows
// it will stay there (Chang & Lin 2011, §5.1, condition (5.9)).
func (s *solver) beShrunk(i int, gmax1, gmax2 float64) bool {
	switch s.status[i] {
	case atUpper:
		if s.y[i] == 1 {
			return -s.G[i] > gmax1
		}
		return -s.G[i] > gmax2
	case atLower:
		if s.y[i] == 1 {
			return s.G[i] > gmax2
		}
		return s.G[i] > gmax1
	}
	return false
}

// doShrinking moves the variables that are likely to stay at a bound to
// the end of the arrays; once the violation drops below 10·eps it
// reconstructs the full gradient one time and shrinks again from scratch.
func (s *solver) doShrinking() {
	gmax1 := math.Inf(-1) // max over I_up of −y_i G_i
	gmax2 := math.Inf(-1) // max over I_low of y_i G_i
	for i := 0; i < s.active; i++ {
		g := s.G[i]
		if s.y[i] == 1 {
			if s.status[i] != atUpper && -g >= gmax1 {
				gmax1 = -g
			}
			if s.status[i] != atLower && g >= gmax2 {
				gmax2 = g
			}
		} else {
			if s.status[i] != atUpper && -g >= gmax2 {
				gmax2 = -g
			}
			if s.status[i] != atLower && g >= gmax1 {
				gmax1 = g
			}
		}
	}
	if !s.unshrink && gmax1+gmax2 <= s.eps*10 {
		s.unshrink = true
		s.reconstructGradient()
		s.active = s.l
	}
	for i := 0; i < s.active; i++ {
		if s.beShrunk(i, gmax1, gmax2) {
			s.active--
			for s.active > i {
				if !s.beShrunk(s.active, gmax1, gmax2) {
					s.swap(i, s.active)
					break
				}
				s.active--
			}
		}
	}
}

// reconstructGradient recomputes G for the shrunk variables from Gbar and
// the free variables, choosing the cheaper of the two loop orders.
func (s *solver) reconstructGradient() {
	l, a := s.l, s.active
	if a == l {
		return
	}
	for j := a; j < l; j++ {
		s.G[j] = s.Gbar[j] + s.p[j]
	}
	nFree := 0
	for j := 0; j < a; j++ {
		if s.status[j] == free {
			nFree++
		}
	}
	if nFree*l > 2*a*(l-a) {
		for i := a; i < l; i++ {
			Qi := s.q.column(i, a)
			var g float64
			for j := 0; j < a; j++ {
				if s.status[j] == free {
					g += s.alpha[j] * float64(Qi[j])
				}
			}
			s.G[i] += g
		}
	} else {
		for i := 0; i < a; i++ {
			if s.status[i] == free {
				Qi := s.q.column(i, l)
				ai := s.alpha[i]
				for j := a; j < l; j++ {
					s.G[j] += ai * float64(Qi[j])
				}
			}
		}
	}
}

// calculateRho is the offset: the mean of y_i G_i over free variables, or
// the midpoint of the feasible interval when none is free.
func (s *solver) calculateRho() float64 {
	ub, lb := math.Inf(1), math.Inf(-1)
	nFree := 0
	sumFree := 0.0
	for i := 0; i < s.active; i++ {
		yG := float64(s.y[i]) * s.G[i]
		switch s.status[i] {
		case atUpper:
			if s.y[i] == -1 {
				ub = math.Min(ub, yG)
			} else {
				lb = math.Max(lb, yG)
			}
		case atLower:
			if s.y[i] == 1 {
				ub = math.Min(ub, yG)
			} else {
				lb = math.Max(lb, yG)
			}
		default:
			nFree++
			sumFree += yG
		}
	}
	if nFree > 0 {
		return sumFree / float64(nFree)
	}
	return (ub + lb) / 2
}
