package svm

import (
	"math"
	"math/rand"
)

// sigmoidPredict is Platt's P(y = +1 | f) = 1/(1 + exp(A f + B)), written
// to avoid overflow.
func sigmoidPredict(f, A, B float64) float64 {
	fApB := f*A + B
	if fApB >= 0 {
		e := math.Exp(-fApB)
		return e / (1 + e)
	}
	return 1 / (1 + math.Exp(fApB))
}

// sigmoidTrain fits Platt's sigmoid to decision values dec with labels y ∈
// {+1, −1} by the Newton method with backtracking line search of Lin, Lin
// & Weng, "A note on Platt's probabilistic outputs for support vector
// machines" (Machine Learning 68, 2007), Algorithm 1, using Platt's
// regularised targets. warn is non-empty when it stopped early.
func sigmoidTrain(dec []float64, y []int8) (A, B float64, warn string) {
	var prior1, prior0 float64
	for _, v := range y {
		if v > 0 {
			prior1++
		} else {
			prior0++
		}
	}
	const (
		maxIter = 100
		minStep = 1e-10
		sigma   = 1e-12
		eps     = 1e-5
	)
	hi := (prior1 + 1) / (prior1 + 2)
	lo := 1 / (prior0 + 2)
	t := make([]float64, len(dec))
	for i, v := range y {
		if v > 0 {
			t[i] = hi
		} else {
			t[i] = lo
		}
	}
	A, B = 0, math.Log((prior0+1)/(prior1+1))
	fval := func(A, B float64) float64 {
		var f float64
		for i, d := range dec {
			fApB := d*A + B
			if fApB >= 0 {
				f += t[i]*fApB + math.Log1p(math.Exp(-fApB))
			} else {
				f += (t[i]-1)*fApB + math.Log1p(math.Exp(fApB))
			}
		}
		return f
	}
	f := fval(A, B)
	iter := 0
	for ; iter < maxIter; iter++ {
		h11, h22, h21, g1, g2 := sigma, sigma, 0.0, 0.0, 0.0
		for i, d := range dec {
			fApB := d*A + B
			var p, q float64
			if fApB >= 0 {
				e := math.Exp(-fApB)
				p, q = e/(1+e), 1/(1+e)
			} else {
				e := math.Exp(fApB)
				p, q = 1/(1+e), e/(1+e)
			}
			d2 := p * q
			h11 += d * d * d2
			h22 += d2
			h21 += d * d2
			d1 := t[i] - p
			g1 += d * d1
			g2 += d1
		}
		if math.Abs(g1) < eps && math.Abs(g2) < eps {
			break
		}
		det := h11*h22 - h21*h21
		dA := -(h22*g1 - h21*g2) / det
		dB := -(-h21*g1 + h11*g2) / det
		gd := g1*dA + g2*dB
		step := 1.0
		for step >= minStep {
			nA, nB := A+step*dA, B+step*dB
			nf := fval(nA, nB)
			if nf < f+1e-4*step*gd {
				A, B, f = nA, nB, nf
				break
			}
			step /= 2
		}
		if step < minStep {
			return A, B, "Platt scaling: line search failed; probabilities may be poorly calibrated"
		}
	}
	if iter >= maxIter {
		return A, B, "Platt scaling: reached 100 Newton iterations"
	}
	return A, B, ""
}

// binaryProbability estimates the Platt sigmoid of one binary problem from
// decision values of a 5-fold cross-validation (libsvm's
// svm_binary_svc_probability): each fold is predicted by an SVM trained on
// the other four. A fold whose training part holds one class only gets
// the constant decision value ±1.
func binaryProbability(k *kernelFunc, x [][]float64, y []int8, r resolved, entries int64, seed int64) (A, B float64, warn string) {
	const folds = 5
	l := len(x)
	perm := rand.New(rand.NewSource(seed)).Perm(l)
	dec := make([]float64, l)
	for f := 0; f < folds; f++ {
		begin, end := f*l/folds, (f+1)*l/folds
		var tx [][]float64
		var ty []int8
		np, nn := 0, 0
		for _, i := range perm[:begin] {
			tx, ty = append(tx, x[i]), append(ty, y[i])
		}
		for _, i := range perm[end:] {
			tx, ty = append(tx, x[i]), append(ty, y[i])
		}
		for _, v := range ty {
			if v > 0 {
				np++
			} else {
				nn++
			}
		}
		switch {
		case np == 0 && nn == 0:
			for _, i := range perm[begin:end] {
				dec[i] = 0
			}
			continue
		case nn == 0:
			for _, i := range perm[begin:end] {
				dec[i] = 1
			}
			continue
		case np == 0:
			for _, i := range perm[begin:end] {
				dec[i] = -1
			}
			continue
		}
		res := solveCSVC(k, tx, ty, r.C, r.tol, r.shrink, entries, r.maxIter, r.watch)
		for _, i := range perm[begin:end] {
			sqi := dot(x[i], x[i])
			var s float64
			for t, c := range res.coef {
				if c != 0 {
					s += c * k.fromDot(dot(x[i], tx[t]), sqi, dot(tx[t], tx[t]))
				}
			}
			dec[i] = s - res.rho
		}
	}
	ys := make([]int8, l)
	copy(ys, y)
	return sigmoidTrain(dec, ys)
}

// multiclassProbability couples pairwise probabilities r[i][j] ≈ P(i | i
// or j) into class probabilities p by the second method of Wu, Lin & Weng
// (2004): min_p ½ pᵀQp subject to Σp = 1, solved by their fixed-point
// iteration.
func multiclassProbability(r [][]float64, p []float64) {
	k := len(p)
	maxIter := max(100, k)
	Q := make([][]float64, k)
	for i := range Q {
		Q[i] = make([]float64, k)
	}
	Qp := make([]float64, k)
	eps := 0.005 / float64(k)
	for t := 0; t < k; t++ {
		p[t] = 1 / float64(k)
		for j := 0; j < t; j++ {
			Q[t][t] += r[j][t] * r[j][t]
			Q[t][j] = Q[j][t]
		}
		for j := t + 1; j < k; j++ {
			Q[t][t] += r[j][t] * r[j][t]
			Q[t][j] = -r[j][t] * r[t][j]
		}
	}
	for iter := 0; iter < maxIter; iter++ {
		var pQp float64
		for t := 0; t < k; t++ {
			Qp[t] = 0
			for j := 0; j < k; j++ {
				Qp[t] += Q[t][j] * p[j]
			}
			pQp += p[t] * Qp[t]
		}
		maxErr := 0.0
		for t := 0; t < k; t++ {
			maxErr = math.Max(maxErr, math.Abs(Qp[t]-pQp))
		}
		if maxErr < eps {
			break
		}
		for t := 0; t < k; t++ {
			diff := (-Qp[t] + pQp) / Q[t][t]
			p[t] += diff
			pQp = (pQp + diff*(diff*Q[t][t]+2*Qp[t])) / (1 + diff) / (1 + diff)
			for j := 0; j < k; j++ {
				Qp[j] = (Qp[j] + diff*Q[t][j]) / (1 + diff)
				p[j] /= 1 + diff
			}
		}
	}
}
