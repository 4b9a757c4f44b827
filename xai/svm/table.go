package svm

import (
	"fmt"
	"math"

	"genxai/data"
)

// TableLabels returns the classes of a table's label column as integers:
// the class index for text labels (data.Table.LabelNames), the value itself
// for numeric labels, which must then be integers. It fails, naming the
// data row, on a fractional label, and when the table has no label column.
func TableLabels(t *data.Table) ([]int, error) {
	if t.Y == nil {
		return nil, fmt.Errorf("svm: the table was read without a label column; name the class column")
	}
	y := make([]int, t.Rows)
	for i, v := range t.Y {
		if v != math.Trunc(v) || math.Abs(v) > 1<<30 {
			return nil, fmt.Errorf("svm: data row %d (counting from 1 after the header), column %q: label %v is not an integer; a classifier needs integer or text class labels", i+1, t.Label, v)
		}
		y[i] = int(v)
	}
	return y, nil
}
