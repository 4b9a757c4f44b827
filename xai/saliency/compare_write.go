package saliency

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"genxai/viz"
	"genxai/xai/explain"
)

// measureColumn is one column of the comparison: its CSV name, its heading,
// whether lower is better, and how to read it from Measures.
type measureColumn struct {
	key, heading string
	lowerBetter  bool
	get          func(Measures) float64
}

// measureColumns are the columns of compare.csv, compare.md and compare.png.
var measureColumns = []measureColumn{
	{"deletion_auc", "deletion AUC ↓", true, func(m Measures) float64 { return m.Deletion }},
	{"insertion_auc", "insertion AUC ↑", false, func(m Measures) float64 { return m.Insertion }},
	{"infidelity", "infidelity ↓", true, func(m Measures) float64 { return m.Infidelity }},
	{"infidelity_scaled", "infidelity, β-scaled ↓", true, func(m Measures) float64 { return m.InfidelityScaled }},
	{"max_sensitivity", "max-sensitivity ↓", true, func(m Measures) float64 { return m.MaxSensitivity }},
	{"randomization_spearman", "randomization ρ ↓", true, func(m Measures) float64 { return m.Randomization }},
}

// sortByDeletion orders rows by deletion AUC, lowest (most faithful) first.
func sortByDeletion(rows []Measures) {
	sort.SliceStable(rows, func(a, b int) bool { return rows[a].Deletion < rows[b].Deletion })
}

// writeComparison writes compare.csv, compare.md, compare.png and
// compare_curves.png, and adds the table and the verdict on the random
// ordering to summary.
func writeComparison(out *explain.Out, rows []Measures, curves []namedCurves, spec CurveSpec, summary map[string]any) error {
	var csv, md strings.Builder
	csv.WriteString("method")
	md.WriteString("| method |")
	for _, c := range measureColumns {
		csv.WriteString("," + c.key)
		md.WriteString(" " + c.heading + " |")
	}
	csv.WriteByte('\n')
	md.WriteString("\n|---|" + strings.Repeat("---:|", len(measureColumns)) + "\n")
	table := map[string]map[string]any{}
	for _, r := range rows {
		csv.WriteString(r.Method)
		md.WriteString("| " + r.Method + " |")
		table[r.Method] = map[string]any{}
		for _, c := range measureColumns {
			v := c.get(r)
			csv.WriteString("," + formatMeasure(v, 'g'))
			md.WriteString(" " + formatMeasure(v, 'f') + " |")
			if !math.IsNaN(v) {
				table[r.Method][c.key] = v
			}
		}
		csv.WriteByte('\n')
		md.WriteByte('\n')
	}
	random := rows[slicesIndex(rows, RandomName)].Deletion
	var below, notBelow []string
	for _, r := range rows {
		switch {
		case r.Method == RandomName:
		case r.Deletion < random:
			below = append(below, r.Method)
		default:
			notBelow = append(notBelow, r.Method)
		}
	}
	fmt.Fprintf(&md, "\nMeans over %d images; curves read the %s. Deletion AUC of the random ordering: %.4f.\n",
		summary["images"], summary["curve_value"], random)
	fmt.Fprintf(&md, "Deletion AUC below the random ordering's: %s.\n", listOrNone(below))
	fmt.Fprintf(&md, "Deletion AUC not below it: %s.\n", listOrNone(notBelow))
	summary["measures"] = table
	summary["random_deletion_auc"] = random
	summary["deletion_below_random"] = below
	summary["deletion_not_below_random"] = notBelow
	if err := out.WriteFile("compare.csv", []byte(csv.String())); err != nil {
		return err
	}
	if err := out.WriteFile("compare.md", []byte(md.String())); err != nil {
		return err
	}
	if err := drawRanks(out, rows); err != nil {
		return err
	}
	return drawCurves(out, curves, spec)
}

// slicesIndex is the index of the row of method name.
func slicesIndex(rows []Measures, name string) int {
	for i, r := range rows {
		if r.Method == name {
			return i
		}
	}
	return -1
}

// listOrNone joins names, or says none.
func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// formatMeasure writes v with 4 significant digits (fmt 'g') or 4 decimals
// ('f', switching to 'g' for magnitudes outside [1e-3, 1e4)); NaN is "—" in
// the markdown table and empty in the CSV.
func formatMeasure(v float64, fmtc byte) string {
	if math.IsNaN(v) {
		if fmtc == 'g' {
			return ""
		}
		return "—"
	}
	if fmtc == 'f' && v != 0 && (math.Abs(v) < 1e-3 || math.Abs(v) >= 1e4) {
		fmtc = 'g'
	}
	return strconv.FormatFloat(v, fmtc, 4, 64)
}

// measureRanks are each method's rank on each measure (1 = best; NaN where the
// measure was not taken).
func measureRanks(rows []Measures) [][]float64 {
	out := make([][]float64, len(rows))
	for i := range out {
		out[i] = make([]float64, len(measureColumns))
	}
	for j, c := range measureColumns {
		for i, r := range rows {
			v := c.get(r)
			if math.IsNaN(v) {
				out[i][j] = math.NaN()
				continue
			}
			rank := 1.0
			for _, o := range rows {
				w := c.get(o)
				if !math.IsNaN(w) && ((c.lowerBetter && w < v) || (!c.lowerBetter && w > v)) {
					rank++
				}
			}
			out[i][j] = rank
		}
	}
	return out
}

// drawRanks draws compare.png: the rank of each method on each measure.
func drawRanks(out *explain.Out, rows []Measures) error {
	labels, heads := make([]string, len(rows)), make([]string, len(measureColumns))
	for i, r := range rows {
		labels[i] = r.Method
	}
	for j, c := range measureColumns {
		heads[j] = c.heading
	}
	if err := viz.Heatmap(out.Dir.File("compare.png"), "Faithfulness rank (1 = best)",
		labels, heads, measureRanks(rows), false); err != nil {
		return err
	}
	out.Record("compare.png")
	return nil
}

// drawCurves draws compare_curves.png: the mean deletion and insertion
// curve of each method.
func drawCurves(out *explain.Out, curves []namedCurves, spec CurveSpec) error {
	var series []viz.Series
	for _, nc := range curves {
		for _, part := range []struct {
			what string
			cs   []Curve
		}{{"deletion", nc.deletion}, {"insertion", nc.insertion}} {
			s := viz.Series{Name: nc.method + " " + part.what, X: part.cs[0].Frac, Y: make([]float64, len(part.cs[0].Frac))}
			for _, c := range part.cs {
				for k, v := range c.Value {
					s.Y[k] += v / float64(len(part.cs))
				}
			}
			series = append(series, s)
		}
	}
	if err := viz.LinePlot(out.Dir.File("compare_curves.png"), "Mean deletion and insertion curves",
		"fraction of pixels deleted or inserted, most attributed first", curveValue(spec), series); err != nil {
		return err
	}
	out.Record("compare_curves.png")
	return nil
}

// drawComparedMaps draws compare_maps.png: one row per image, the input and
// each method's map (channels summed), coloured by the scale mode.
func drawComparedMaps(out *explain.Out, mode string, chosen []method, attrs map[string][][]float32,
	pixels [][]float32, inputs []explain.Input, c, h, w int) error {
	var maps [][]float64
	for i := range pixels {
		for _, meth := range chosen {
			maps = append(maps, explain.ChannelSum(attrs[meth.name][i], c, h, w))
		}
	}
	scales, err := explain.MapScales(maps, mode)
	if err != nil {
		return err
	}
	var tiles [][]float32
	rowLabels := make([]string, len(pixels))
	k := 0
	for i := range pixels {
		tiles = append(tiles, explain.GrayTile(pixels[i], c, h, w))
		for range chosen {
			norm := make([]float64, len(maps[k]))
			for j, v := range maps[k] {
				norm[j] = v / scales[k]
			}
			tiles = append(tiles, explain.ColorTile(norm, h, w, -1, 1, true))
			k++
		}
		rowLabels[i] = inputs[i].String()
	}
	sheet := explain.Sheet(explain.SheetSpec{
		Title: fmt.Sprintf("Attributions of every method (%s colour scale)", mode), Columns: append([]string{"input"}, names(chosen)...),
		RowLabels: rowLabels, Tiles: tiles, H: h, W: w, Cols: 1 + len(chosen),
		Bar: &explain.Bar{Lo: -1, Hi: 1, Diverging: true, Label: explain.ScaleLabel(mode, scales)},
	})
	return out.PNG("compare_maps.png", sheet)
}
