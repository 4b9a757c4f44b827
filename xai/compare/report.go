package compare

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"

	"genxai/viz"
	"genxai/xai/augment"
)

// Cell is the accuracy of one model at one size over the seeds.
type Cell struct {
	Size, Model, Family string
	Rows                int
	// Accs holds the accuracy of each repetition, in repetition order.
	Accs     []float64
	Mean, SD float64
}

// Duel compares two models at one size by a paired t-test over the seeds
// (the pairs share the training subset).
type Duel struct {
	Size             string
	Rows             int
	Generative       string
	Discriminative   string
	GenMean, DisMean float64
	// Delta is the mean of generative − discriminative accuracy, DeltaSD
	// its standard deviation over the seeds; T and P the paired t statistic
	// and its two-sided p-value.
	Delta, DeltaSD, T, P float64
	// Winner is Generative, Discriminative, or "tie" when P ≥ alpha.
	Winner string
	// Untested is true at a size where every seed trained on the same rows
	// (the whole pool): the seeds are not independent samples, so there is
	// no test (T and P are NaN) and Winner follows the sign of Delta.
	Untested bool
}

// Crossover is the verdict on one pairing over all sizes.
type Crossover struct {
	// Pairing names what is compared, e.g. "naive_bayes vs logreg".
	Pairing string
	Duels   []Duel
	// Found is true when the first size with a significant winner is won by
	// the generative side and the last by the discriminative one, as Ng and
	// Jordan predict.
	Found bool
	// Between names the sizes the crossover lies between (when Found).
	Between [2]string
	// Verdict says in words what the duels show.
	Verdict string
}

// Results is everything a study measured.
type Results struct {
	Settings   Settings
	Dataset    string
	Classes    []string
	PoolRows   int
	TestRows   int
	Features   int
	Sizes      []Size
	Skipped    []int
	Trials     []Trial
	Cells      []Cell
	Crossovers []Crossover
	Seconds    float64
	// Device and DeviceWhy are the Study's.
	Device, DeviceWhy string

	fixed map[string]bool // sizes where every seed drew the same rows (Study.Fixed)
}

// aggregate fills Cells and Crossovers from Trials.
func (r *Results) aggregate() {
	accs := map[[2]string][]float64{}
	for _, t := range r.Trials {
		k := [2]string{t.Size, t.Model}
		accs[k] = append(accs[k], t.Accuracy)
	}
	r.Cells = nil
	for _, size := range r.Sizes {
		for _, m := range r.Settings.Models {
			a := accs[[2]string{size.Label, m}]
			if len(a) == 0 {
				continue
			}
			mean, sd := stat.MeanStdDev(a, nil)
			if len(a) < 2 {
				sd = 0
			}
			r.Cells = append(r.Cells, Cell{Size: size.Label, Model: m, Family: family(m), Rows: size.Rows, Accs: a, Mean: mean, SD: sd})
		}
	}
	r.Crossovers = nil
	if r.has("naive_bayes") && r.has("logreg") {
		r.Crossovers = append(r.Crossovers, r.crossover("naive_bayes vs logreg (Ng and Jordan's pair)",
			func(c Cell) bool { return c.Model == "naive_bayes" }, func(c Cell) bool { return c.Model == "logreg" }))
	}
	if r.has("cvae") {
		r.Crossovers = append(r.Crossovers, r.crossover("cvae vs best discriminative (the deep generative classifier)",
			func(c Cell) bool { return c.Model == "cvae" }, func(c Cell) bool { return c.Family == Discriminative }))
	}
	r.Crossovers = append(r.Crossovers, r.crossover("best generative vs best discriminative (by mean accuracy at each size)",
		func(c Cell) bool { return c.Family == Generative }, func(c Cell) bool { return c.Family == Discriminative }))
}

// has reports whether the study fitted model m.
func (r *Results) has(m string) bool {
	for _, x := range r.Settings.Models {
		if x == m {
			return true
		}
	}
	return false
}

// crossover pits, at every size, the best-by-mean cell accepted by gen
// against the best accepted by dis and reads the sequence of winners.
func (r *Results) crossover(name string, gen, dis func(Cell) bool) Crossover {
	x := Crossover{Pairing: name}
	for _, size := range r.Sizes {
		var g, d *Cell
		for i := range r.Cells {
			c := &r.Cells[i]
			if c.Size != size.Label {
				continue
			}
			if gen(*c) && (g == nil || c.Mean > g.Mean) {
				g = c
			}
			if dis(*c) && (d == nil || c.Mean > d.Mean) {
				d = c
			}
		}
		if g == nil || d == nil {
			continue
		}
		du := Duel{Size: size.Label, Rows: size.Rows, Generative: g.Model, Discriminative: d.Model, GenMean: g.Mean, DisMean: d.Mean}
		du.Delta, du.DeltaSD, du.T, du.P = augment.PairedT(g.Accs, d.Accs)
		if r.fixed[size.Label] {
			du.Untested, du.T, du.P = true, math.NaN(), math.NaN()
		}
		switch {
		case du.Untested && du.Delta > 0:
			du.Winner = Generative
		case du.Untested && du.Delta < 0:
			du.Winner = Discriminative
		case du.P < r.Settings.Alpha && du.Delta > 0:
			du.Winner = Generative
		case du.P < r.Settings.Alpha && du.Delta < 0:
			du.Winner = Discriminative
		default:
			du.Winner = "tie"
		}
		x.Duels = append(x.Duels, du)
	}
	x.Found, x.Between, x.Verdict = readCrossover(x.Duels, r.Settings.Alpha)
	return x
}

// readCrossover reads the winners of the duels, smallest size first: the
// crossover is found when the first significant winner is generative and
// the last is discriminative; it lies between the last generative win
// before the first discriminative win and that win.
func readCrossover(duels []Duel, alpha float64) (bool, [2]string, string) {
	var sig []Duel
	for _, d := range duels {
		if d.Winner != "tie" {
			sig = append(sig, d)
		}
	}
	level := fmt.Sprintf("at the %g level", alpha)
	if slices.ContainsFunc(duels, func(d Duel) bool { return d.Untested }) {
		level += " (the whole pool, one training set, by the sign of the difference)"
	}
	if len(sig) == 0 {
		return false, [2]string{}, "not found: no size shows a significant difference " + level
	}
	first, last := sig[0], sig[len(sig)-1]
	if first.Winner == Generative && last.Winner == Discriminative {
		var lastGen, firstDis Duel
		for _, d := range sig {
			if d.Winner == Discriminative {
				firstDis = d
				break
			}
			lastGen = d
		}
		return true, [2]string{lastGen.Size, firstDis.Size}, fmt.Sprintf("found: generative better up to %s rows per class (%s), discriminative better from %s (%s), %s",
			lastGen.Size, lastGen.Generative, firstDis.Size, firstDis.Discriminative, level)
	}
	wins := map[string][]string{}
	for _, d := range sig {
		wins[d.Winner] = append(wins[d.Winner], d.Size)
	}
	switch {
	case len(wins[Generative]) == 0:
		return false, [2]string{}, fmt.Sprintf("not found: discriminative better at sizes %s, never generative %s", strings.Join(wins[Discriminative], ", "), level)
	case len(wins[Discriminative]) == 0:
		return false, [2]string{}, fmt.Sprintf("not found: generative better at sizes %s, never discriminative %s", strings.Join(wins[Generative], ", "), level)
	}
	return false, [2]string{}, fmt.Sprintf("not found: generative better at sizes %s, discriminative at %s, not in the predicted order %s",
		strings.Join(wins[Generative], ", "), strings.Join(wins[Discriminative], ", "), level)
}

// ftoa formats a number for the CSV files.
func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

// cellRows is the body of results.csv.
func (r *Results) cellRows() [][]string {
	rows := make([][]string, len(r.Cells))
	for i, c := range r.Cells {
		rows[i] = []string{c.Size, strconv.Itoa(c.Rows), c.Model, c.Family, ftoa(c.Mean), ftoa(c.SD), strconv.Itoa(len(c.Accs))}
	}
	return rows
}

// trialRows is the body of trials.csv.
func (r *Results) trialRows() [][]string {
	rows := make([][]string, len(r.Trials))
	for i, t := range r.Trials {
		rows[i] = []string{t.Size, strconv.Itoa(t.Rows), strconv.Itoa(t.Rep), strconv.FormatInt(t.Seed, 10), t.Model, t.Family,
			strconv.Itoa(t.Features), ftoa(t.Accuracy), ftoa(t.Seconds), t.Detail}
	}
	return rows
}

// Plot draws test accuracy against log₁₀ of the training rows, one line
// per model with ± one standard deviation over the seeds.
func (r *Results) Plot(path string) error {
	var series []viz.Series
	for _, m := range r.Settings.Models {
		s := viz.Series{Name: fmt.Sprintf("%s (%s)", m, family(m))}
		for _, c := range r.Cells {
			if c.Model == m {
				s.X, s.Y, s.YErr = append(s.X, math.Log10(float64(c.Rows))), append(s.Y, c.Mean), append(s.YErr, c.SD)
			}
		}
		series = append(series, s)
	}
	title := fmt.Sprintf("Generative vs discriminative on %s (mean ± sd over %d seeds)", r.Dataset, r.Settings.Seeds)
	if err := viz.LinePlot(path, title, "log10 training rows (all classes)", "test accuracy", series); err != nil {
		return fmt.Errorf("drawing %s: %w", path, err)
	}
	return nil
}

// Markdown renders the accuracy table (mean ± sd per size and model) and
// the crossover verdicts.
func (r *Results) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Test accuracy on %s (%d test rows, %d features), mean ± sd over %d seeds:\n\n", r.Dataset, r.TestRows, r.Features, r.Settings.Seeds)
	b.WriteString("| rows per class | train rows |")
	for _, m := range r.Settings.Models {
		fmt.Fprintf(&b, " %s |", m)
	}
	b.WriteString("\n|---|---|" + strings.Repeat("---|", len(r.Settings.Models)) + "\n")
	for _, size := range r.Sizes {
		fmt.Fprintf(&b, "| %s | %d |", size.Label, size.Rows)
		for _, m := range r.Settings.Models {
			for _, c := range r.Cells {
				if c.Size == size.Label && c.Model == m {
					fmt.Fprintf(&b, " %.4f ± %.4f |", c.Mean, c.SD)
				}
			}
		}
		b.WriteString("\n")
	}
	for _, x := range r.Crossovers {
		fmt.Fprintf(&b, "\n%s: crossover %s\n", x.Pairing, x.Verdict)
		for _, d := range x.Duels {
			test := fmt.Sprintf("p = %.3g", d.P)
			if d.Untested {
				test = "one training set, untested"
			}
			fmt.Fprintf(&b, "  %s per class: %s %.4f vs %s %.4f, difference %+.4f ± %.4f, %s → %s\n",
				d.Size, d.Generative, d.GenMean, d.Discriminative, d.DisMean, d.Delta, d.DeltaSD, test, d.Winner)
		}
	}
	return b.String()
}

// Summary returns the headline numbers for summary.json.
func (r *Results) Summary() map[string]any {
	acc := map[string]map[string]any{}
	for _, c := range r.Cells {
		if acc[c.Size] == nil {
			acc[c.Size] = map[string]any{"train_rows": c.Rows}
		}
		acc[c.Size][c.Model] = map[string]float64{"mean": c.Mean, "sd": c.SD}
	}
	var xs []map[string]any
	for _, x := range r.Crossovers {
		var duels []map[string]any
		for _, d := range x.Duels {
			duels = append(duels, map[string]any{"size": d.Size, "train_rows": d.Rows, "generative": d.Generative,
				"discriminative": d.Discriminative, "difference": d.Delta, "difference_sd": d.DeltaSD, "t": nanToNil(d.T), "p": nanToNil(d.P), "untested": d.Untested, "winner": d.Winner})
		}
		e := map[string]any{"pairing": x.Pairing, "found": x.Found, "verdict": x.Verdict, "duels": duels}
		if x.Found {
			e["between"] = x.Between
		}
		xs = append(xs, e)
	}
	labels := make([]string, len(r.Sizes))
	for i, s := range r.Sizes {
		labels[i] = s.Label
	}
	return map[string]any{
		"dataset": r.Dataset, "classes": len(r.Classes), "pool_rows": r.PoolRows, "test_rows": r.TestRows,
		"features": r.Features, "sizes": labels, "sizes_skipped": r.Skipped, "seeds": r.Settings.Seeds,
		"models": r.Settings.Models, "accuracy": acc, "crossover": xs, "fits": len(r.Trials), "seconds": r.Seconds,
		"device": r.Device, "device_reason": r.DeviceWhy,
	}
}

// nanToNil keeps ±Inf and NaN t statistics out of JSON, which has no such
// numbers.
func nanToNil(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}
