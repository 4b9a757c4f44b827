package glassbox

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
)

// coefHeader is the column order of every coefficient table.
var coefHeader = []string{"term", "coef", "se", "z", "p", "odds_ratio", "ci_low", "ci_high"}

// rowLabel is the table label of coefficient i; a level of a categorical
// column names its reference level: "city[Leeds] vs London".
func (m *LogReg) rowLabel(i int) string {
	c := m.Coefs[i]
	if ref := m.referenceOf(c.Feature); ref != "" {
		c.Feature += " vs " + ref
	}
	return c.Label(m.Multinomial(), m.Classes[0])
}

// referenceOf returns the reference level of the categorical column whose
// level indicator is the feature named col ("" for a numeric feature).
func (m *LogReg) referenceOf(col string) string {
	e := m.Encoding
	if e == nil {
		return ""
	}
	for j, f := range e.Features {
		if ref := e.ReferenceLevel(j); ref != "" && strings.HasPrefix(col, f+"[") {
			return ref
		}
	}
	return ""
}

// oddsRatioLines state every slope's odds ratio with its interval in words,
// for the reader who wants the one number (binary models only).
func (m *LogReg) oddsRatioLines() []string {
	if m.Multinomial() {
		return nil
	}
	var out []string
	for i, c := range m.Coefs {
		if c.Feature == "intercept" {
			continue
		}
		what := "per one-unit increase"
		if m.Standardized {
			what = "per one-SD increase"
		}
		if ref := m.referenceOf(c.Feature); ref != "" {
			what = "against the reference level " + ref
		}
		pv := "p = " + fmtP(c.P)
		if c.P < 1e-16 {
			pv = "p < 1e-16"
		}
		out = append(out, fmt.Sprintf("Odds ratio of %s (%s): %s, 95%% CI %s to %s, %s",
			m.Coefs[i].Feature, what, fmt4(c.OddsRatio), fmt4(c.CILow), fmt4(c.CIHigh), pv))
	}
	return out
}

// WriteCSV writes the coefficient table as CSV with full precision, one row
// per coefficient (columns term, coef, se, z, p, odds_ratio, ci_low,
// ci_high).
func (m *LogReg) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(coefHeader); err != nil {
		return err
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 12, 64) }
	for i, c := range m.Coefs {
		rec := []string{m.rowLabel(i), f(c.Coef), f(c.SE), f(c.Z), f(c.P), f(c.OddsRatio), f(c.CILow), f(c.CIHigh)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// fmtP formats a p-value for reading: 4 significant digits, "<1e-16" below
// the resolution of double precision.
func fmtP(p float64) string {
	if p < 1e-16 {
		return "<1e-16"
	}
	return fmt.Sprintf("%.4g", p)
}

func fmt4(v float64) string {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%.4g", v)
}

// headerLines are the lines above the table: model, fit statistics, scale
// and warnings.
func (m *LogReg) headerLines() []string {
	kind := "binary"
	if m.Multinomial() {
		kind = fmt.Sprintf("multinomial (%d classes)", len(m.Classes))
	}
	rows := fmt.Sprintf("%d rows", m.N)
	if m.WeightColumn != "" {
		rows = fmt.Sprintf("%d rows standing for %.10g observations (frequency weights from column %q)", m.N, m.Observations, m.WeightColumn)
	}
	lines := []string{
		fmt.Sprintf("Logistic regression, %s, %s, %d features; reference class %q (odds of each other class against it)", kind, rows, len(m.Features), m.Classes[0]),
		fmt.Sprintf("Log-likelihood %.6g; intercept-only %.6g; LR test χ²(%d) = %.4g, p = %s; McFadden pseudo-R² = %.4f; %d Newton iterations",
			m.LogLik, m.NullLogLik, m.LRDF, m.LRStat, fmtP(m.LRP), m.PseudoR2, m.Iterations),
		"Odds ratios are " + m.Scale() + "; 95% Wald intervals exp(coef ± 1.96·se); p two-sided from the normal.",
	}
	if e := m.Encoding; e != nil {
		for j, f := range e.Features {
			if ref := e.ReferenceLevel(j); ref != "" {
				lines = append(lines, fmt.Sprintf("Categorical column %q: one indicator per level, odds ratios against its reference level %q (levels: %s)", f, ref, strings.Join(e.Levels[j], ", ")))
			}
		}
	}
	for _, w := range m.Warnings {
		lines = append(lines, "Note: "+w)
	}
	return lines
}

// WriteMarkdown writes the table as a Markdown document: the fit statistics,
// the scale of the odds ratios, the warnings, then the table.
func (m *LogReg) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# Logistic regression\n\n")
	for _, l := range m.headerLines() {
		b.WriteString(l + "\n\n")
	}
	b.WriteString("| " + strings.Join(coefHeader, " | ") + " |\n")
	b.WriteString("|" + strings.Repeat("---|", len(coefHeader)) + "\n")
	for i, c := range m.Coefs {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", strings.ReplaceAll(m.rowLabel(i), "|", `\|`),
			fmt4(c.Coef), fmt4(c.SE), fmt4(c.Z), fmtP(c.P), fmt4(c.OddsRatio), fmt4(c.CILow), fmt4(c.CIHigh))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteText writes the table for the terminal: the header lines and aligned
// columns.
func (m *LogReg) WriteText(w io.Writer) error {
	for _, l := range m.headerLines() {
		if _, err := fmt.Fprintln(w, l); err != nil {
			return err
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, strings.Join(coefHeader, "\t")+"\t")
	for i, c := range m.Coefs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", m.rowLabel(i),
			fmt4(c.Coef), fmt4(c.SE), fmt4(c.Z), fmtP(c.P), fmt4(c.OddsRatio), fmt4(c.CILow), fmt4(c.CIHigh))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, l := range m.oddsRatioLines() {
		if _, err := fmt.Fprintln(w, l); err != nil {
			return err
		}
	}
	return nil
}

// CoefficientRecords returns the table as summary.json records: keys
// feature ("intercept" for the intercept; "feature [class k vs ref]" for a
// multinomial model), coef, se, z, p, odds_ratio, ci_low, ci_high, and class.
func (m *LogReg) CoefficientRecords() []map[string]any {
	out := make([]map[string]any, len(m.Coefs))
	for i, c := range m.Coefs {
		out[i] = map[string]any{
			"feature": m.rowLabel(i), "class": c.Class, "coef": c.Coef, "se": c.SE, "z": c.Z, "p": c.P,
			"odds_ratio": c.OddsRatio, "ci_low": c.CILow, "ci_high": c.CIHigh,
		}
	}
	return out
}

// WriteImportancesCSV writes the EBM's term importances, most important
// first (columns rank, term, importance).
func (m *EBM) WriteImportancesCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"rank", "term", "importance"})
	for i, im := range m.Importances() {
		cw.Write([]string{strconv.Itoa(i + 1), im.Term, strconv.FormatFloat(im.Importance, 'g', 10, 64)})
	}
	cw.Flush()
	return cw.Error()
}

// WriteShapesCSV writes every term's shape function, one row per bin (main
// effects) or cell (pairs), with the columns term, bin, label, low, high
// (the bin's value range; empty for pair cells), score and sd (across bags).
func (m *EBM) WriteShapesCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"term", "bin", "label", "low", "high", "score", "sd"})
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }
	for _, t := range m.Terms {
		if !t.IsPair() {
			b := &m.Bins[t.Features[0]]
			for k := range t.Scores {
				lo, hi := b.Edges(k)
				cw.Write([]string{t.Name, strconv.Itoa(k), b.BinLabel(k), f(lo), f(hi), f(t.Scores[k]), f(t.StdDev[k])})
			}
			continue
		}
		ba, bb := &m.PairBins[t.Features[0]], &m.PairBins[t.Features[1]]
		nb := bb.NumBins()
		for k := range t.Scores {
			i, j := k/nb, k%nb
			cw.Write([]string{t.Name, fmt.Sprintf("%d,%d", i, j), ba.BinLabel(i) + " × " + bb.BinLabel(j), "", "", f(t.Scores[k]), f(t.StdDev[k])})
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteImportancesText prints the importances as an aligned list.
func (m *EBM) WriteImportancesText(w io.Writer, top int) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "rank\tterm\timportance (mean |contribution|)")
	for i, im := range m.Importances() {
		if top > 0 && i >= top {
			break
		}
		fmt.Fprintf(tw, "%d\t%s\t%.4f\n", i+1, im.Term, im.Importance)
	}
	return tw.Flush()
}
