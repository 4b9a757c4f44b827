package engine

import (
	"fmt"
	"reflect"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// This file lowers Gorgonia's layout ops (transpose, concat, slice) to the
// backend's Strided copy. Their types are unexported and so are the fields
// that hold their parameters (a transpose's pattern, a concat's axis, a
// slice's axis); reflect reads those fields, which is sturdier than parsing
// String and as tied to Gorgonia v0.9.18's layout of the types.

// opField returns the field called name of an op's struct (through a
// pointer), or false when the op has no such field.
func opField(op G.Op, name string) (reflect.Value, bool) {
	v := reflect.ValueOf(op)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	f := v.FieldByName(name)
	return f, f.IsValid()
}

// opInt reads an integer field of an op.
func opInt(op G.Op, name string) (int, bool) {
	f, ok := opField(op, name)
	if !ok || !f.CanInt() {
		return 0, false
	}
	return int(f.Int()), true
}

// stridedCopies emits one step running the copies from the storages of
// srcs into the storage of node n, as a multi-operand layout op needs.
func (l *lowerer) stridedCopies(n *G.Node, what string, srcs []int, copies []Strided) {
	out := l.value(n)
	l.emit(what, srcs, []int{out}, func(p *Plan) error {
		for i, s := range copies {
			p.be.Strided(s, p.buf(srcs[i]), p.buf(out))
		}
		return nil
	})
}

// transpose lowers Gorgonia's transposeOp (any permutation of up to
// MaxDims axes) to one Strided copy; the identity aliases its input.
func (l *lowerer) transpose(n *G.Node) (bool, error) {
	f, ok := opField(n.Op(), "pattern")
	if !ok || f.Kind() != reflect.Slice {
		return false, nil
	}
	perm := make([]int, f.Len())
	identity := true
	for i := range perm {
		perm[i] = int(f.Index(i).Int())
		identity = identity && perm[i] == i
	}
	x := l.kids[n][0]
	if identity {
		l.p.of[n] = l.p.of[x]
		return true, nil
	}
	s, err := TransposeCopy(x.Shape(), perm)
	if err != nil {
		return false, err
	}
	l.stridedCopies(n, fmt.Sprintf("transpose %v by %v", x.Shape(), perm), l.in(n), []Strided{s})
	return true, nil
}

// concat lowers Gorgonia's concatOp to one Strided copy per operand into
// its place along the axis.
func (l *lowerer) concat(n *G.Node) (bool, error) {
	axis, ok := opInt(n.Op(), "axis")
	if !ok {
		return false, nil
	}
	if axis < 0 || axis >= len(n.Shape()) {
		return false, fmt.Errorf("concat along axis %d of a result of shape %v", axis, n.Shape())
	}
	kids := l.kids[n]
	total, offset := n.Shape()[axis], 0
	copies := make([]Strided, len(kids))
	for i, k := range kids {
		s, err := ConcatCopy(k.Shape(), axis, offset, total)
		if err != nil {
			return false, err
		}
		copies[i] = s
		offset += k.Shape()[axis]
	}
	if offset != total {
		return false, fmt.Errorf("operands of extents summing to %d along axis %d make a result of %d", offset, axis, total)
	}
	l.stridedCopies(n, fmt.Sprintf("concat along %d", axis), l.in(n), copies)
	return true, nil
}

// slicer is the exported method of Gorgonia's sliceOp.
type slicer interface{ IsSlice() tensor.Slice }

// slice lowers Gorgonia's sliceOp x[…, start:end:step, …] (the gradient of a
// concat; a step of 0 is Gorgonia's single index) to one Strided copy; the
// whole axis aliases its input.
func (l *lowerer) slice(n *G.Node) (bool, error) {
	sl, ok := n.Op().(slicer)
	along, ok2 := opInt(n.Op(), "along")
	if !ok || !ok2 {
		return false, nil
	}
	x := l.kids[n][0]
	r := sl.IsSlice()
	if r == nil || r.End() <= r.Start() {
		l.p.of[n] = l.p.of[x]
		return true, nil
	}
	s, _, err := SliceCopy(x.Shape(), along, r.Start(), r.End(), max(r.Step(), 1))
	if err != nil {
		return false, err
	}
	if s.Len() != size(n.Shape()) {
		return false, fmt.Errorf("slice %d:%d:%d of axis %d of %v gives %d values, the graph's result %v", r.Start(), r.End(), r.Step(), along, x.Shape(), s.Len(), n.Shape())
	}
	l.stridedCopies(n, fmt.Sprintf("slice %d:%d:%d of axis %d", r.Start(), r.End(), r.Step(), along), l.in(n), []Strided{s})
	return true, nil
}
