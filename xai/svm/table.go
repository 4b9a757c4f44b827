package svm

import (
	"fmt"
	"math"
	"slices"
	"strconv"

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

// ClassLabels returns the integer classes of a training and a test table
// read with the same label column. Text labels are numbered in order of
// first appearance, training rows first, and names holds them (nil for
// numeric labels, which TableLabels checks). Both tables must have the same
// kind of label.
func ClassLabels(train, test *data.Table) (ytr, yte []int, names []string, err error) {
	if (train.LabelNames == nil) != (test.LabelNames == nil) {
		kind := map[bool]string{true: "numeric", false: "text"}
		return nil, nil, nil, fmt.Errorf("svm: the test file has %s labels in column %q but the training file has %s labels; use the same kind of label in both",
			kind[test.LabelNames == nil], test.Label, kind[train.LabelNames == nil])
	}
	if train.LabelNames == nil {
		if ytr, err = TableLabels(train); err == nil {
			yte, err = TableLabels(test)
		}
		return ytr, yte, nil, err
	}
	names = []string{}
	return textClasses(train, &names), textClasses(test, &names), names, nil
}

// textClasses numbers the text labels of t through names, appending the
// names first seen in t.
func textClasses(t *data.Table, names *[]string) []int {
	y := make([]int, t.Rows)
	for i, v := range t.Y {
		name := t.LabelNames[int(v)]
		k := slices.Index(*names, name)
		if k < 0 {
			k = len(*names)
			*names = append(*names, name)
		}
		y[i] = k
	}
	return y
}

// labelName prints class c: its text label when the tables had text labels.
func labelName(c int, names []string) string {
	if names != nil && c >= 0 && c < len(names) {
		return names[c]
	}
	return strconv.Itoa(c)
}
