package data

import (
	"fmt"
	"slices"
)

// ReadCSVPair reads a training CSV and, when testPath is not empty, a test
// CSV with the same label column, and checks that both have the same
// feature columns in the same order and at least one of them. test is nil
// when testPath is empty.
func ReadCSVPair(trainPath, testPath, label string) (train, test *Table, err error) {
	if train, err = ReadCSV(trainPath, label); err != nil {
		return nil, nil, err
	}
	if train.NumFeatures() == 0 {
		return nil, nil, fmt.Errorf("%s has no feature columns besides the label %q", trainPath, label)
	}
	if testPath == "" {
		return train, nil, nil
	}
	if test, err = ReadCSV(testPath, label); err != nil {
		return nil, nil, err
	}
	if !slices.Equal(train.Features, test.Features) {
		return nil, nil, fmt.Errorf("%s has feature columns %v but %s has %v; both files need the same columns in the same order",
			testPath, test.Features, trainPath, train.Features)
	}
	return train, test, nil
}
