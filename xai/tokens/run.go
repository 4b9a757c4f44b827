package tokens

import (
	"fmt"
	"html"
	"math"
	"strings"

	"genxai/viz"
	"genxai/xai/explain"
)

// Run explains a prompt and writes tokens.png (importance of each input
// character, columns, for each generated character, rows; each row divided by
// its largest value), attention_l<L>_h<H>.png (the attention weights of every
// layer and head over the window, query rows and key columns), tokens.html
// (the text, where pointing at a generated character colours the input
// characters by their importance for it) and summary.json (the matrix, the
// generated text and the causality check: max_future_importance, the largest
// importance of a position after the output's own, which must be 0).
func Run(o Options) (map[string]any, error) {
	ex, err := Explain(o)
	if err != nil {
		return nil, err
	}
	out, err := explain.Begin(o.Out, "tokens", o.Flags())
	if err != nil {
		return nil, err
	}
	n := len(ex.Text) - 1
	inputs := make([]string, n)
	for u := 0; u < n; u++ {
		inputs[u] = show(ex.Text[u])
	}
	var rows []string
	var norm [][]float64
	future, violations := 0.0, 0
	for k, row := range ex.Importance {
		t := ex.Prompt - 1 + k
		rows = append(rows, fmt.Sprintf("%s (%d)", show(ex.Text[t+1]), t+1))
		m := 0.0
		for _, v := range row {
			m = math.Max(m, v)
		}
		if m == 0 {
			m = 1
		}
		nr := make([]float64, len(row))
		for u, v := range row {
			nr[u] = v / m
			if u > t {
				future = math.Max(future, math.Abs(v))
				if v != 0 {
					violations++
				}
			}
		}
		norm = append(norm, nr)
	}
	title := "Importance |e * dlog p/de| of each input character (columns) for each generated one (rows), per row / row max"
	if err := viz.Heatmap(out.Dir.File("tokens.png"), title, rows, inputs, norm, false); err != nil {
		return nil, err
	}
	out.Record("tokens.png")
	for l, heads := range ex.Attention {
		for h, mat := range heads {
			name := fmt.Sprintf("attention_l%d_h%d.png", l, h)
			t := fmt.Sprintf("Attention of layer %d head %d (rows: query position, columns: key position)", l, h)
			if err := viz.Heatmap(out.Dir.File(name), t, inputs, inputs, mat, false); err != nil {
				return nil, err
			}
			out.Record(name)
		}
	}
	if err := out.WriteFile("tokens.html", []byte(page(ex, norm))); err != nil {
		return nil, err
	}
	summary := map[string]any{
		"run": o.Run, "prompt": string(ex.Text[:ex.Prompt]), "continuation": string(ex.Text[ex.Prompt:]),
		"importance": ex.Importance, "max_future_importance": future, "causality_violations": violations,
		"layers": len(ex.Attention), "importance_method": "L2 norm of embedding * gradient of log p(generated char)",
	}
	if len(ex.Attention) > 0 {
		summary["heads"] = len(ex.Attention[0])
	}
	if err := out.Finish("tokens", summary); err != nil {
		return nil, err
	}
	return summary, nil
}

// show makes a character visible as an axis label.
func show(r rune) string {
	switch r {
	case ' ':
		return "·"
	case '\n':
		return "\\n"
	case '\t':
		return "\\t"
	}
	return string(r)
}

// page is tokens.html: the window's characters; pointing at a generated one
// shades the characters before it by their (row-normalized) importance.
func page(ex *Explanation, norm [][]float64) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Token importance</title>
<style>
body{font-family:sans-serif;margin:2em}
#text span{font-family:monospace;font-size:22px;padding:2px 1px;white-space:pre;border-bottom:2px solid transparent}
#text span.gen{border-bottom:2px solid #2166ac;cursor:pointer}
#text span.cur{outline:2px solid #b2182b}
#info{margin-top:1em;color:#333}
</style></head><body>
<h1>Which characters made the model write each character?</h1>
<p>Point at an underlined (generated) character: every earlier character is shaded by its importance for it,
the norm of embedding × gradient of the log-probability of the pointed character, divided by the row's largest value.
Characters after it have importance 0: the model is causal.</p>
<div id="text">`)
	for i, r := range ex.Text {
		class := ""
		if i >= ex.Prompt {
			class = ` class="gen"`
		}
		fmt.Fprintf(&b, `<span id="c%d"%s data-i="%d">%s</span>`, i, class, i, html.EscapeString(visible(r)))
	}
	b.WriteString(`</div><div id="info">Point at a generated character.</div>
<script>
const prompt = ` + fmt.Sprint(ex.Prompt) + `;
const rows = [`)
	for k, row := range norm {
		if k > 0 {
			b.WriteString(",")
		}
		b.WriteString("[")
		for u, v := range row {
			if u > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "%.4g", v)
		}
		b.WriteString("]")
	}
	b.WriteString(`];
const spans = document.querySelectorAll('#text span');
function clear(){ spans.forEach(s => { s.style.background = ''; s.classList.remove('cur'); }); }
spans.forEach(s => s.addEventListener('mouseenter', () => {
  const i = +s.dataset.i; const k = i - prompt;
  if (k < 0 || k >= rows.length) return;
  clear(); s.classList.add('cur');
  rows[k].forEach((v, u) => { spans[u].style.background = 'rgba(178,24,43,' + v.toFixed(3) + ')'; });
  let top = rows[k].map((v, u) => [v, u]).sort((a, b) => b[0] - a[0]).slice(0, 3)
    .map(p => JSON.stringify(spans[p[1]].textContent) + ' at ' + p[1] + ' (' + p[0].toFixed(2) + ')').join(', ');
  document.getElementById('info').textContent = 'Character ' + i + ' ' + JSON.stringify(s.textContent) + ': most important inputs ' + top;
}));
</script></body></html>
`)
	return b.String()
}

// visible shows a line break as ↵ in the text line.
func visible(r rune) string {
	if r == '\n' {
		return "↵"
	}
	return string(r)
}
