package data

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

// The yearly sunspot numbers 1700–2008 (public domain; provenance in
// embedded/PROVENANCE.md).
//
//go:embed embedded/sunspots.csv
var sunspotsCSV []byte

// BuiltinSunspots is the spec ReadSeries accepts for the embedded yearly
// sunspot numbers: time column YEAR (1700..2008), value column SUNACTIVITY.
const BuiltinSunspots = "builtin:sunspots"

// Fill policies for gaps and missing values in a time series.
const (
	FillNone     = "none"     // refuse the series, naming file, line and column
	FillPrevious = "previous" // carry the last observed value forward
	FillLinear   = "linear"   // interpolate linearly in time between the observed neighbours
)

// SeriesOptions says how ReadSeries reads a time series.
type SeriesOptions struct {
	// Time is the time column; "" means the rows are consecutive steps
	// 0, 1, 2, ….
	Time string
	// Columns are the value columns to read; nil means every column except
	// Time.
	Columns []string
	// Fill is FillNone (the default when ""), FillPrevious or FillLinear.
	Fill string
}

// Series is a regularly spaced time series with one or more value columns.
type Series struct {
	Source   string      // the file name or built-in spec it was read from
	TimeName string      // the time column, "" when the rows are the steps
	Time     []float64   // time of each step, equally spaced by Step
	Step     float64     // the time step
	Columns  []string    // value column names
	Values   [][]float64 // Values[j][i]: column j at step i
	// Filled counts, per column, the values that were missing in the file
	// or belonged to an inserted gap row and were filled by the policy.
	Filled []int
	// GapRows counts the steps inserted to close gaps in the time column.
	GapRows int
}

// Len returns the number of time steps.
func (s *Series) Len() int { return len(s.Time) }

// Column returns the values of the named column, or an error listing the
// columns there are.
func (s *Series) Column(name string) ([]float64, error) {
	j := slices.Index(s.Columns, name)
	if j < 0 {
		return nil, fmt.Errorf("series %s has no value column %q; its columns are %s", s.Source, name, strings.Join(s.Columns, ", "))
	}
	return s.Values[j], nil
}

// ReadOneSeries reads the series spec with one value column, column (or the
// only one when column is ""), as the AR and forecaster commands read it:
// the embedded sunspots' time column is YEAR unless timeCol names another.
// choose tells the user how to pick a column when the file has several.
func ReadOneSeries(spec, timeCol, column, fill, choose string) (*Series, error) {
	if timeCol == "" && strings.TrimSpace(spec) == BuiltinSunspots {
		timeCol = "YEAR"
	}
	var cols []string
	if column != "" {
		cols = []string{column}
	}
	s, err := ReadSeries(spec, SeriesOptions{Time: timeCol, Columns: cols, Fill: fill})
	if err != nil {
		return nil, err
	}
	if len(s.Columns) != 1 {
		return nil, fmt.Errorf("%s has %d value columns (%s): %s", spec, len(s.Columns), strings.Join(s.Columns, ", "), choose)
	}
	return s, nil
}

// ReadSeries reads a time series named by a config value: BuiltinSunspots,
// or the path of a CSV file with a header row. Every value column must be
// numeric; a cell that is empty or reads NA or NaN is missing. The time
// column, when given, must be numeric (a year, a step number) and strictly
// increasing, equally spaced by the smallest difference between rows; a
// larger difference that is a whole multiple of that step is a gap. With
// Fill "none" a gap or a missing value is an error naming the file, the
// line and the column; "previous" and "linear" fill them (the counts are in
// Series.Filled and Series.GapRows, for the caller to report). A missing
// value with no observed value before it (previous) or on one side
// (linear) cannot be filled and is an error.
func ReadSeries(spec string, opt SeriesOptions) (*Series, error) {
	s := strings.TrimSpace(spec)
	switch {
	case s == BuiltinSunspots:
		return ParseSeries(bytes.NewReader(sunspotsCSV), "embedded sunspots.csv", opt)
	case strings.HasPrefix(s, "builtin:"):
		return nil, fmt.Errorf("unknown built-in series %q; available is %s, or give the path of a CSV file", spec, BuiltinSunspots)
	case s == "":
		return nil, fmt.Errorf("no series given; use %s or the path of a CSV file", BuiltinSunspots)
	}
	f, err := os.Open(s)
	if err != nil {
		return nil, fmt.Errorf("reading time series: %w", err)
	}
	defer f.Close()
	return ParseSeries(f, s, opt)
}

// seriesRow is one parsed data row: its line, time and values (NaN: missing).
type seriesRow struct {
	line int
	time float64
	vals []float64
}

// ParseSeries reads a time series CSV from r; name is used in errors. See
// ReadSeries for the rules.
func ParseSeries(r io.Reader, name string, opt SeriesOptions) (*Series, error) {
	fill := opt.Fill
	if fill == "" {
		fill = FillNone
	}
	if fill != FillNone && fill != FillPrevious && fill != FillLinear {
		return nil, fmt.Errorf("reading %s: fill %q unknown; use %s, %s or %s", name, fill, FillNone, FillPrevious, FillLinear)
	}
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &CSVError{File: name, Msg: "the file is empty; want a header row and at least two data rows"}
	}
	if err != nil {
		return nil, csvSyntaxError(name, err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	tcol, vcols, err := seriesColumns(name, header, opt)
	if err != nil {
		return nil, err
	}
	rows, err := readSeriesRows(cr, name, header, tcol, vcols)
	if err != nil {
		return nil, err
	}
	if len(rows) < 2 {
		return nil, &CSVError{File: name, Msg: fmt.Sprintf("%d data rows; a time series needs at least two", len(rows))}
	}
	out := &Series{Source: name, Step: 1, Filled: make([]int, len(vcols))}
	if tcol >= 0 {
		out.TimeName = header[tcol]
		if rows, err = closeGaps(name, header[tcol], rows, fill, out); err != nil {
			return nil, err
		}
	}
	for _, j := range vcols {
		out.Columns = append(out.Columns, header[j])
	}
	out.Values = make([][]float64, len(vcols))
	for k := range vcols {
		col := make([]float64, len(rows))
		for i, r := range rows {
			col[i] = r.vals[k]
		}
		if err := fillMissing(name, out.Columns[k], col, rows, fill, &out.Filled[k]); err != nil {
			return nil, err
		}
		out.Values[k] = col
	}
	for _, r := range rows {
		out.Time = append(out.Time, r.time)
	}
	return out, nil
}

// seriesColumns finds the time column (−1 when none) and the value columns.
func seriesColumns(name string, header []string, opt SeriesOptions) (int, []int, error) {
	tcol := -1
	if opt.Time != "" {
		if tcol = slices.Index(header, opt.Time); tcol < 0 {
			return 0, nil, &CSVError{File: name, Line: 1, Msg: fmt.Sprintf("no time column %q; the header has %s", opt.Time, strings.Join(header, ", "))}
		}
	}
	var vcols []int
	if len(opt.Columns) == 0 {
		for j := range header {
			if j != tcol {
				vcols = append(vcols, j)
			}
		}
	}
	for _, c := range opt.Columns {
		j := slices.Index(header, c)
		if j < 0 {
			return 0, nil, &CSVError{File: name, Line: 1, Msg: fmt.Sprintf("no value column %q; the header has %s", c, strings.Join(header, ", "))}
		}
		if j == tcol {
			return 0, nil, &CSVError{File: name, Line: 1, Column: c, Msg: "the time column cannot also be a value column"}
		}
		vcols = append(vcols, j)
	}
	if len(vcols) == 0 {
		return 0, nil, &CSVError{File: name, Line: 1, Msg: "no value column; the file needs at least one besides the time column"}
	}
	return tcol, vcols, nil
}

// readSeriesRows parses the data rows: the time (the row index when tcol
// is −1), strictly increasing, and the values, NaN where missing.
func readSeriesRows(cr *csv.Reader, name string, header []string, tcol int, vcols []int) ([]seriesRow, error) {
	var rows []seriesRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, csvSyntaxError(name, err)
		}
		line, _ := cr.FieldPos(0)
		r := seriesRow{line: line, time: float64(len(rows)), vals: make([]float64, len(vcols))}
		if tcol >= 0 {
			cell := strings.TrimSpace(rec[tcol])
			t, err := strconv.ParseFloat(cell, 64)
			if err != nil || math.IsNaN(t) || math.IsInf(t, 0) {
				return nil, &CSVError{File: name, Line: line, Column: header[tcol], Cell: cell, Msg: "the time is not a finite number; the time column must hold numbers (years, step numbers)"}
			}
			if n := len(rows); n > 0 && t <= rows[n-1].time {
				return nil, &CSVError{File: name, Line: line, Column: header[tcol], Cell: cell,
					Msg: fmt.Sprintf("time out of order: %v does not come after %v on line %d; sort the file by time and remove duplicate times", t, rows[n-1].time, rows[n-1].line)}
			}
			r.time = t
		}
		for k, j := range vcols {
			cell := strings.TrimSpace(rec[j])
			if isMissingCell(cell) {
				r.vals[k] = math.NaN()
				continue
			}
			v, err := strconv.ParseFloat(cell, 64)
			if err != nil && !isRangeErr(err) || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, &CSVError{File: name, Line: line, Column: header[j], Cell: cell, Msg: "not a finite number; a series value must be numeric (empty, NA or NaN mark a missing value)"}
			}
			r.vals[k] = v
		}
		rows = append(rows, r)
	}
}

// closeGaps sets out.Step to the smallest time difference and, where two
// rows are a whole number k > 1 of steps apart, either refuses the gap
// (fill none) or inserts k−1 rows of missing values for fillMissing.
func closeGaps(name, tname string, rows []seriesRow, fill string, out *Series) ([]seriesRow, error) {
	step := math.Inf(1)
	for i := 1; i < len(rows); i++ {
		step = math.Min(step, rows[i].time-rows[i-1].time)
	}
	out.Step = step
	var full []seriesRow
	for i, r := range rows {
		if i > 0 {
			prev := rows[i-1]
			ratio := (r.time - prev.time) / step
			k := math.Round(ratio)
			if math.Abs(ratio-k) > 1e-9*k {
				return nil, &CSVError{File: name, Line: r.line, Column: tname, Cell: strconv.FormatFloat(r.time, 'g', -1, 64),
					Msg: fmt.Sprintf("irregular time step: %v after %v is not a whole number of steps of %v; the series must be equally spaced", r.time, prev.time, step)}
			}
			if k > 1 && fill == FillNone {
				return nil, &CSVError{File: name, Line: r.line, Column: tname, Cell: strconv.FormatFloat(r.time, 'g', -1, 64),
					Msg: fmt.Sprintf("gap: %d missing time steps between %v (line %d) and %v (step %v); add the rows or set fill: previous or linear", int(k)-1, prev.time, prev.line, r.time, step)}
			}
			for m := 1; m < int(k); m++ {
				vals := make([]float64, len(r.vals))
				for j := range vals {
					vals[j] = math.NaN()
				}
				full = append(full, seriesRow{line: r.line, time: prev.time + float64(m)*step, vals: vals})
				out.GapRows++
			}
		}
		full = append(full, r)
	}
	return full, nil
}

// fillMissing fills the NaNs of col by the policy, counting them in *n.
func fillMissing(name, column string, col []float64, rows []seriesRow, fill string, n *int) error {
	for i, v := range col {
		if !math.IsNaN(v) {
			continue
		}
		fail := func(why string) error {
			return &CSVError{File: name, Line: rows[i].line, Column: column, Msg: why}
		}
		prev := i - 1
		switch fill {
		case FillNone:
			return fail(fmt.Sprintf("missing value at time %v; fill it in the file or set fill: previous or linear", rows[i].time))
		case FillPrevious:
			if prev < 0 {
				return fail("missing value in the first row, with no previous value to carry forward; remove the row or fill it in the file")
			}
			col[i] = col[prev]
		case FillLinear:
			next := i + 1
			for next < len(col) && math.IsNaN(col[next]) {
				next++
			}
			if prev < 0 || next == len(col) {
				return fail(fmt.Sprintf("missing value at time %v with no observed value on one side to interpolate from; remove the row or use fill: previous", rows[i].time))
			}
			w := (rows[i].time - rows[prev].time) / (rows[next].time - rows[prev].time)
			col[i] = col[prev] + w*(col[next]-col[prev])
		}
		*n++
	}
	return nil
}
