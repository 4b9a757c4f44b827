package report

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"math"
	"regexp"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"genxai/viz" // also registers the Go fonts as gonum's default typeface
)

// palette is the Tableau 10 palette, as viz uses for its PNG plots.
var palette = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, {0xff, 0x7f, 0x0e, 0xff}, {0x2c, 0xa0, 0x2c, 0xff}, {0xd6, 0x27, 0x28, 0xff},
	{0x94, 0x67, 0xbd, 0xff}, {0x8c, 0x56, 0x4b, 0xff}, {0xe3, 0x77, 0xc2, 0xff}, {0x7f, 0x7f, 0x7f, 0xff},
}

// Plot is one metric chart of a run: an SVG drawn from metrics.jsonl.
type Plot struct {
	Title string
	SVG   template.HTML
}

// fontFamily matches the font-family of an SVG text style.
var fontFamily = regexp.MustCompile(`font-family:[^;"]*`)

// xmlns matches the namespace attributes of an SVG element.
var xmlns = regexp.MustCompile(`\s+xmlns(:\w+)?="[^"]*"`)

// series is one metric's curve: the metric records' step against its value.
type series struct {
	key  string
	x, y []float64
}

// notMetrics are numeric fields of metrics records that are positions or
// bookkeeping, not curves worth a plot.
var notMetrics = map[string]bool{"step": true, "epoch": true, "seconds": true, "elapsed": true, "time": true}

// metricPlots draws the numeric fields of metrics records: every field whose
// name holds "loss" on one chart of losses, every other field on a chart of
// its own, each against the optimizer step.
func metricPlots(recs []map[string]any) ([]Plot, error) {
	bykey := map[string]*series{}
	for i, rec := range recs {
		x := float64(i)
		if s, ok := rec["step"].(float64); ok {
			x = s
		}
		for k, v := range rec {
			f, ok := v.(float64)
			if !ok || notMetrics[k] || math.IsNaN(f) || math.IsInf(f, 0) {
				continue
			}
			s := bykey[k]
			if s == nil {
				s = &series{key: k}
				bykey[k] = s
			}
			s.x, s.y = append(s.x, x), append(s.y, f)
		}
	}
	keys := make([]string, 0, len(bykey))
	for k := range bykey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var losses, others []*series
	for _, k := range keys {
		if strings.Contains(k, "loss") {
			losses = append(losses, bykey[k])
		} else {
			others = append(others, bykey[k])
		}
	}
	var groups [][]*series
	if len(losses) > 0 {
		groups = append(groups, losses)
	}
	for _, s := range others {
		groups = append(groups, []*series{s})
	}
	var out []Plot
	for _, g := range groups {
		title := g[0].key
		if len(g) > 1 || strings.Contains(title, "loss") {
			title = "Losses"
		}
		svg, err := svgPlot(title, "optimizer step", unitOf(g[0].key), g)
		if err != nil {
			return nil, err
		}
		out = append(out, Plot{Title: title, SVG: svg})
	}
	return out, nil
}

// unitOf names the y axis of a metric from its key.
func unitOf(key string) string {
	switch {
	case strings.Contains(key, "bits_per"):
		return key + " (bits per character)"
	case strings.Contains(key, "loss"):
		return "loss (nats)"
	case strings.Contains(key, "recon") || strings.Contains(key, "kl"):
		return key + " (nats per image)"
	case strings.Contains(key, "accuracy"):
		return key + " (fraction correct)"
	case key == "lr":
		return "learning rate"
	case strings.Contains(key, "norm"):
		return key + " (L2 norm)"
	}
	return key
}

// svgPlot draws the series as lines with a legend on one pair of axes, as an
// inline SVG element 640×300 px. Fonts are not embedded (the page's sans
// serif is used).
func svgPlot(title, xlabel, ylabel string, ss []*series) (template.HTML, error) {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.X.Tick.Label.Font.Size, p.Y.Tick.Label.Font.Size = vg.Points(11), vg.Points(11)
	p.X.Tick.Marker, p.Y.Tick.Marker = viz.CompactTicks{}, viz.CompactTicks{}
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	for i, s := range ss {
		pts := make(plotter.XYs, len(s.x))
		for j := range s.x {
			pts[j].X, pts[j].Y = s.x[j], s.y[j]
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return "", fmt.Errorf("plotting %s: %w", s.key, err)
		}
		l.Color = palette[i%len(palette)]
		l.Width = vg.Points(1.5)
		p.Add(l)
		if len(pts) <= 12 {
			// Few points (one per epoch of a short run): mark them, so
			// a straight line between two is not read as a trend.
			sc, _ := plotter.NewScatter(pts)
			sc.Color = l.Color
			sc.Radius = vg.Points(2.5)
			p.Add(sc)
		}
		if len(ss) > 1 {
			// One curve is named by the title; a legend would only
			// cover data.
			p.Legend.Add(s.key, l)
		}
	}
	padFlat(p)
	// A margin of 4% above and below keeps the extreme points off the
	// frame; a legend gets room above the curves.
	m := 0.04 * (p.Y.Max - p.Y.Min)
	p.Y.Min, p.Y.Max = p.Y.Min-m, p.Y.Max+m
	if len(ss) > 1 {
		viz.LegendRoom(p, len(ss), 225-60)
	}
	c := vgsvg.New(vg.Points(480), vg.Points(225))
	p.Draw(draw.New(c))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return "", fmt.Errorf("writing the SVG of %s: %w", title, err)
	}
	svg := b.String()
	// Drop the XML prologue and the namespace declarations: the SVG goes
	// inline into an HTML page, which needs neither, and the page then holds
	// no URL at all.
	if i := strings.Index(svg, "<svg"); i > 0 {
		svg = svg[i:]
	}
	svg = xmlns.ReplaceAllString(svg, "")
	// gonum lays text out with the Go fonts' metrics (viz makes them its
	// default); the page embeds those fonts as the "Go" family.
	svg = fontFamily.ReplaceAllString(svg, "font-family:Go,sans-serif")
	return template.HTML(svg), nil
}

// padFlat widens a y range that is one value (a constant learning rate, say)
// to ±50% of it, so the axis shows the value instead of a range around 0.
func padFlat(p *plot.Plot) {
	if p.Y.Max-p.Y.Min > 1e-12*math.Max(1, math.Abs(p.Y.Max)) {
		return
	}
	v := p.Y.Max
	d := math.Abs(v) / 2
	if d == 0 {
		d = 1
	}
	p.Y.Min, p.Y.Max = v-d, v+d
}
