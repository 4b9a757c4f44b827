package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Table is a numeric table read from a CSV file: one row per example, one
// float64 per feature column, and an optional label column.
type Table struct {
	// Features names the feature columns in file order (the label column excluded).
	Features []string
	// Label names the label column; "" when the table was read without one.
	Label string
	// X holds the features row-major: row i is X[i*len(Features) : (i+1)*len(Features)].
	X []float64
	// Y holds the label of each row: the number itself when every label cell is
	// numeric, otherwise the class index into LabelNames. Nil when Label is "".
	Y []float64
	// LabelNames is non-nil when the label column held strings: class k is
	// LabelNames[k], numbered in order of first appearance in the file.
	LabelNames []string
	// Rows is the number of data rows.
	Rows int
	// Levels is nil when every feature is numeric; otherwise it has one
	// entry per feature, nil for a numeric feature and the sorted level
	// names of a categorical one, whose cells X then holds as level indices
	// (NaN for a missing cell). See ReadOptions.
	Levels [][]string
	// Reference holds, per categorical feature, the index into Levels[j] of
	// its reference level (−1 for a numeric feature); nil when Levels is.
	Reference []int
	// Weights holds the frequency weight of each row, read from the column
	// WeightColumn; nil without one.
	Weights []float64
	// WeightColumn names the weight column ("" without one); it is not a
	// feature.
	WeightColumn string
	// lines holds the 1-based file line of each row of a parsed CSV file
	// (for errors found after parsing); nil for subsets.
	lines []int
	// name is the file name of a parsed CSV file, for those errors.
	name string
}

// IsCategorical reports whether feature j holds level indices.
func (t *Table) IsCategorical(j int) bool { return t.Levels != nil && t.Levels[j] != nil }

// HasCategorical reports whether any feature is categorical.
func (t *Table) HasCategorical() bool {
	for j := range t.Features {
		if t.IsCategorical(j) {
			return true
		}
	}
	return false
}

// NumFeatures returns the number of feature columns.
func (t *Table) NumFeatures() int { return len(t.Features) }

// Row returns the features of row i. The slice aliases t.X: writing to it
// changes the table. It panics if i is out of range, like a slice index.
func (t *Table) Row(i int) []float64 {
	if i < 0 || i >= t.Rows {
		panic(fmt.Sprintf("data.Table.Row: row %d out of range [0,%d)", i, t.Rows))
	}
	nf := len(t.Features)
	return t.X[i*nf : (i+1)*nf : (i+1)*nf]
}

// Subset returns a new table holding the rows idx, in that order (an index may
// repeat). Features, labels and label names are copied, so the result shares
// no memory with t. It panics if an index is out of range.
func (t *Table) Subset(idx []int) *Table {
	nf := len(t.Features)
	out := &Table{
		Features: append([]string(nil), t.Features...),
		Label:    t.Label,
		X:        make([]float64, 0, len(idx)*nf),
		Rows:     len(idx),
	}
	if t.LabelNames != nil {
		out.LabelNames = append([]string{}, t.LabelNames...)
	}
	if t.Levels != nil {
		out.Levels = make([][]string, len(t.Levels))
		for j, l := range t.Levels {
			out.Levels[j] = slices.Clone(l)
		}
		out.Reference = slices.Clone(t.Reference)
	}
	if t.Y != nil {
		out.Y = make([]float64, len(idx))
	}
	if t.Weights != nil {
		out.Weights, out.WeightColumn = make([]float64, len(idx)), t.WeightColumn
	}
	for k, i := range idx {
		out.X = append(out.X, t.Row(i)...)
		if t.Y != nil {
			out.Y[k] = t.Y[i]
		}
		if t.Weights != nil {
			out.Weights[k] = t.Weights[i]
		}
	}
	return out
}

// NumClasses returns the number of classes of the label column: len(LabelNames)
// for string labels, max(Y)+1 when every label is a non-negative integer, and
// 0 otherwise (no label, or a real-valued target).
func (t *Table) NumClasses() int {
	if t.LabelNames != nil {
		return len(t.LabelNames)
	}
	if t.Y == nil {
		return 0
	}
	maxY := -1.0
	for _, y := range t.Y {
		if y < 0 || y != math.Trunc(y) || y > 1<<24 {
			return 0
		}
		maxY = max(maxY, y)
	}
	return int(maxY) + 1
}

// CSVError describes a problem with one place in a CSV file.
type CSVError struct {
	File   string // the file name as given to ReadCSV or ParseCSV
	Line   int    // 1-based line number; 0 when the problem concerns the whole file
	Column string // the column name, "" when the problem is not tied to one column
	Cell   string // the offending cell text (spaces trimmed), when there is one
	Msg    string // what is wrong and what is allowed
}

// Error formats the problem as "reading FILE: line N, column "C": MSG (cell "X")".
func (e *CSVError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "reading %s: ", e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d", e.Line)
		if e.Column != "" {
			fmt.Fprintf(&b, ", column %q", e.Column)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Cell != "" {
		fmt.Fprintf(&b, " (cell %q)", e.Cell)
	}
	return b.String()
}

// ReadCSV reads the CSV file at path into a Table; see ParseCSV for the rules.
func ReadCSV(path, label string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading CSV table: %w", err)
	}
	defer f.Close()
	return ParseCSV(f, path, label)
}

// ParseCSV reads a CSV table from r; name identifies the source in error messages.
//
// The first record is a header naming the columns (names trimmed of spaces,
// unique, non-empty; a UTF-8 byte-order mark is ignored). The column named
// label is the label; every other column is a feature and each of its cells
// must parse as a finite float64 (strconv.ParseFloat syntax, spaces trimmed).
// label "" means the table has no label column. A label column is numeric when
// every one of its cells parses as a number; otherwise its cells are class
// names, numbered in order of first appearance (Table.LabelNames). Empty
// cells, NaN and ±Inf are errors, as are rows whose cell count differs from
// the header's; blank lines are skipped. Every error is a *CSVError (or wraps the encoding/csv syntax
// error) naming the 1-based line, the column and the cell.
func ParseCSV(r io.Reader, name, label string) (*Table, error) {
	return parseCSV(r, name, label, parseMode{})
}

// parseMode says how parseCSV reads feature cells.
type parseMode struct {
	// missing reads an empty or NA/NaN feature cell as NaN (see LoadTableMissing).
	missing bool
	// detect makes a feature column with a non-numeric cell categorical
	// instead of an error.
	detect bool
	// categorical names the feature columns declared categorical.
	categorical map[string]bool
	// alsoCategorical names columns read as categorical when the file has them
	// (those of the training table, for a test file).
	alsoCategorical map[string]bool
}

// record is one data row of a CSV file: its cells (spaces trimmed) and the
// line of each.
type record struct {
	cells []string
	lines []int
}

// parseCSV is ParseCSV; mode says how feature cells are read.
func parseCSV(r io.Reader, name, label string, mode parseMode) (*Table, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // ragged rows are reported by us, with column names

	header, err := cr.Read()
	if err == io.EOF {
		return nil, &CSVError{File: name, Msg: "the file is empty; a CSV table needs a header line naming its columns, then one line per row"}
	}
	if err != nil {
		return nil, csvSyntaxError(name, err)
	}
	cols := make([]string, len(header))
	seen := make(map[string]int, len(header))
	for i, h := range header {
		h = strings.TrimSpace(h)
		if i == 0 {
			h = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
		}
		line, _ := cr.FieldPos(i)
		if h == "" {
			return nil, &CSVError{File: name, Line: line, Msg: fmt.Sprintf("header column %d has no name; every column needs a unique name", i+1)}
		}
		if j, dup := seen[h]; dup {
			return nil, &CSVError{File: name, Line: line, Column: h, Msg: fmt.Sprintf("header names this column twice (columns %d and %d); column names must be unique", j+1, i+1)}
		}
		seen[h] = i
		cols[i] = h
	}
	labelCol := -1
	if label != "" {
		j, ok := seen[strings.TrimSpace(label)]
		if !ok {
			return nil, &CSVError{File: name, Msg: fmt.Sprintf("no column named %q to use as the label; the header has %d columns: %s", label, len(cols), strings.Join(cols, ", "))}
		}
		labelCol = j
	}
	for c := range mode.categorical {
		j, ok := seen[c]
		if !ok {
			return nil, &CSVError{File: name, Msg: fmt.Sprintf("no column named %q to read as categorical; the header has %d columns: %s", c, len(cols), strings.Join(cols, ", "))}
		}
		if j == labelCol {
			return nil, &CSVError{File: name, Column: c, Msg: "the label column cannot also be declared categorical; text labels are class names already"}
		}
	}

	var recs []record
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvSyntaxError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(cols) {
			var cell string
			if len(rec) > 0 {
				cell = strings.TrimSpace(strings.Join(rec, ","))
			}
			return nil, &CSVError{File: name, Line: line, Cell: cell,
				Msg: fmt.Sprintf("row has %d cells but the header names %d columns; every row needs exactly one cell per column", len(rec), len(cols))}
		}
		r := record{cells: make([]string, len(rec)), lines: make([]int, len(rec))}
		for i, raw := range rec {
			r.cells[i] = strings.TrimSpace(raw)
			r.lines[i], _ = cr.FieldPos(i)
		}
		recs = append(recs, r)
	}
	// A column is categorical when declared, or (detecting) when one of its
	// present cells is not a number.
	cat := make([]bool, len(cols))
	for i, c := range cols {
		cat[i] = i != labelCol && (mode.categorical[c] || mode.alsoCategorical[c])
		if cat[i] || !mode.detect || i == labelCol {
			continue
		}
		for _, r := range recs {
			cell := r.cells[i]
			if mode.missing && isMissingCell(cell) || cell == "" {
				continue
			}
			if _, err := strconv.ParseFloat(cell, 64); err != nil && !isRangeErr(err) {
				cat[i] = true
				break
			}
		}
	}

	t := &Table{Label: "", Features: make([]string, 0, len(cols)), name: name}
	var catCells [][]string // per feature: the raw cells of a categorical column
	for i, c := range cols {
		if i == labelCol {
			t.Label = c
			continue
		}
		t.Features = append(t.Features, c)
		if cat[i] {
			catCells = append(catCells, make([]string, 0, len(recs)))
		} else {
			catCells = append(catCells, nil)
		}
	}
	var labels []string // raw label cells, resolved once every row is read
	allNumeric := true
	for _, rec := range recs {
		t.lines = append(t.lines, rec.lines[0])
		f := 0
		for i, cell := range rec.cells {
			cline := rec.lines[i]
			if i != labelCol {
				f++
			}
			if mode.missing && i != labelCol && isMissingCell(cell) {
				t.X = append(t.X, math.NaN())
				if cat[i] {
					catCells[f-1] = append(catCells[f-1], "")
				}
				continue
			}
			if cell == "" {
				return nil, &CSVError{File: name, Line: cline, Column: cols[i], Msg: "empty cell; missing values are not supported, every cell needs a value"}
			}
			if i == labelCol {
				labels = append(labels, cell)
				if v, err := strconv.ParseFloat(cell, 64); err != nil && !isRangeErr(err) {
					allNumeric = false
				} else if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, &CSVError{File: name, Line: cline, Column: cols[i], Cell: cell, Msg: "label is not a finite number; NaN and infinite labels are not allowed"}
				}
				continue
			}
			if cat[i] {
				catCells[f-1] = append(catCells[f-1], cell)
				t.X = append(t.X, 0) // the level index, set below
				continue
			}
			v, err := strconv.ParseFloat(cell, 64)
			if err != nil && !isRangeErr(err) {
				return nil, &CSVError{File: name, Line: cline, Column: cols[i], Cell: cell, Msg: "not a number; every column except the label must hold numbers"}
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, &CSVError{File: name, Line: cline, Column: cols[i], Cell: cell, Msg: "not a finite number; NaN, infinities and values beyond ±1.8e308 are not allowed"}
			}
			t.X = append(t.X, v)
		}
		t.Rows++
	}
	if t.Rows == 0 {
		return nil, &CSVError{File: name, Msg: "the file has a header but no data rows; a table needs at least one row"}
	}
	for j, cells := range catCells {
		if cells != nil {
			t.setLevels(j, cells)
		}
	}
	if labelCol >= 0 {
		t.Y = make([]float64, t.Rows)
		if allNumeric {
			for i, s := range labels {
				v, _ := strconv.ParseFloat(s, 64)
				t.Y[i] = v
			}
		} else {
			index := map[string]int{}
			t.LabelNames = []string{}
			for i, s := range labels {
				k, ok := index[s]
				if !ok {
					k = len(t.LabelNames)
					index[s] = k
					t.LabelNames = append(t.LabelNames, s)
				}
				t.Y[i] = float64(k)
			}
		}
	}
	return t, nil
}

// isRangeErr reports whether err is strconv's out-of-range error, whose value
// (±Inf or ±0) ParseFloat still returns; the caller then rejects infinities.
func isRangeErr(err error) bool {
	var ne *strconv.NumError
	return errors.As(err, &ne) && ne.Err == strconv.ErrRange
}

// csvSyntaxError turns an encoding/csv syntax error into one naming the file.
func csvSyntaxError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("reading %s: line %d, column %d: %w; fields containing commas, quotes or newlines must be quoted, with inner quotes doubled", name, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("reading %s: %w", name, err)
}
