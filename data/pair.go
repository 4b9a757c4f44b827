package data

import (
	"fmt"
	"slices"
)

// ReadTablePair reads a training table and, when testPath is not empty, a
// test table with the same label, feature columns and categorical levels
// (ReadTable with o, the test file coded like the training file), and checks
// that the training table has at least one feature. test is nil when
// testPath is empty.
func ReadTablePair(trainPath, testPath string, o ReadOptions) (train, test *Table, err error) {
	if train, err = ReadTable(trainPath, o); err != nil {
		return nil, nil, err
	}
	if train.NumFeatures() == 0 {
		return nil, nil, fmt.Errorf("%s has no feature columns besides the label %q", trainPath, o.Label)
	}
	if testPath == "" {
		return train, nil, nil
	}
	o.Like = train
	if test, err = ReadTable(testPath, o); err != nil {
		return nil, nil, err
	}
	if !slices.Equal(train.Features, test.Features) {
		return nil, nil, fmt.Errorf("%s has feature columns %v but %s has %v; both files need the same columns in the same order",
			testPath, test.Features, trainPath, train.Features)
	}
	return train, test, nil
}
