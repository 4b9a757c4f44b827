package report

import (
	"bytes"
	"encoding/base64"
	"html"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"genxai/xai/progress"
)

// writeFile writes content to dir/name, creating folders.
func writeFile(t *testing.T, dir, name string, content []byte) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
}

// tinyPNG encodes a 4×4 grey picture of shade v.
func tinyPNG(t *testing.T, v uint8) []byte {
	img := image.NewGray(image.Rect(0, 0, 4, 4))
	for i := range img.Pix {
		img.Pix[i] = v
	}
	img.SetGray(0, 0, color.Gray{Y: 255 - v})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// tinyRun lays out a training run as genxai writes one, a saliency result
// beside it naming it as source, an unrelated sibling, and a glass-box
// result in another folder (found only through Also).
func tinyRun(t *testing.T) (run, also string) {
	root := t.TempDir()
	run = filepath.Join(root, "vae")
	writeFile(t, run, "run.json", []byte(`{"command":"train"}`))
	writeFile(t, run, "config.yaml", []byte("model:\n  kind: vae\nseed: 1\n"))
	writeFile(t, run, "summary.json", []byte(`{"test_loss": 25.5, "device": "cpu", "versions": {"go": "x"}}`))
	writeFile(t, run, "metrics.jsonl", []byte(`{"step":10,"loss":40.1,"lr":0.001}
{"step":20,"loss":30.2,"lr":0.001,"test_loss":31}
{"step":30,"loss":27.9,"lr":0.001,"test_loss":28}
`))
	for e := 1; e <= 3; e++ {
		writeFile(t, run, filepath.Join("epochs", "samples_epoch00"+string(rune('0'+e))+".png"), tinyPNG(t, uint8(60*e)))
	}
	writeFile(t, run, "samples.png", tinyPNG(t, 180))
	writeFile(t, run, "loss.png", tinyPNG(t, 10))
	writeFile(t, run, "per_class.csv", []byte("class,accuracy\n0,0.9\n1,0.75\n"))
	writeFile(t, run, "sample.txt", []byte("generated text\n"))

	sal := filepath.Join(root, "saliency")
	writeFile(t, sal, "run.json", []byte(`{"command":"explain saliency"}`))
	writeFile(t, sal, "summary.json", []byte(`{"method":"saliency","source":["`+run+`"]}`))
	writeFile(t, sal, "saliency_gradient.png", tinyPNG(t, 99))

	other := filepath.Join(root, "other")
	writeFile(t, other, "summary.json", []byte(`{"source":["/somewhere/else"]}`))
	writeFile(t, other, "unrelated.png", tinyPNG(t, 1))

	also = filepath.Join(t.TempDir(), "elsewhere")
	writeFile(t, filepath.Join(also, "ebm"), "summary.json", []byte(`{"model":"ebm","source":"`+run+`"}`))
	writeFile(t, filepath.Join(also, "ebm"), "importances.csv", []byte("feature,importance\nb,0.2\na,0.5\n"))
	return run, also
}

// The report of a tiny run holds every section, no URL, pictures that
// decode as PNG, and exactly the results that name the run as source.
func TestReportOfTinyRun(t *testing.T) {
	run, also := tinyRun(t)
	var log strings.Builder
	path, err := Write(run, Options{Also: []string{also}, Progress: progress.Unthrottled(&log, "report")})
	if err != nil {
		t.Fatal(err)
	}
	// One progress line per section: the run, the saliency, the EBM.
	if got := log.String(); strings.Count(got, "\n") != 3 || !strings.Contains(got, "report: 3/3 sections") {
		t.Errorf("progress lines:\n%s", got)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{
		"Headline numbers", "test_loss", "25.5", // summary
		"Metrics (metrics.jsonl)", "<svg", "Losses", "optimizer step", "loss (nats)", "learning rate", // plots
		"Pictures by epoch", `type="range"`, // the strip with its slider
		"loss.png", "per_class.csv", "<table class=\"sortable\"", "generated text", // pictures, tables, texts
		"Resolved config", "kind: vae", // config
		"saliency_gradient.png", "explain saliency", "importances.csv", // results naming the run
		`font-family: "Go"; src: url("data:font/ttf;base64,`, "font-family:Go,sans-serif", // the plots' font, embedded
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if strings.Contains(page, "</a><a") {
		t.Error("links follow each other without a space: the navigation bar cannot wrap")
	}
	if strings.Contains(page, "unrelated.png") {
		t.Error("the report shows a sibling that does not name the run as its source")
	}
	if strings.Contains(page, "versions") {
		t.Error("the report shows summary bookkeeping (versions)")
	}
	if u := URLOutsideData(page); u != "" {
		t.Errorf("the report holds a URL: %q", u)
	}
	uris := regexp.MustCompile(`data:image/png;base64,([A-Za-z0-9+/=]+)`).FindAllStringSubmatch(html.UnescapeString(page), -1)
	if len(uris) < 5 {
		t.Fatalf("the report embeds %d pictures, want at least 5 (3 epochs, loss.png, saliency)", len(uris))
	}
	for _, u := range uris {
		raw, err := base64.StdEncoding.DecodeString(u[1])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(raw)); err != nil {
			t.Fatalf("an embedded picture is not a PNG: %v", err)
		}
	}
}

// Related finds siblings and --also results by source, and nothing else.
func TestRelated(t *testing.T) {
	run, also := tinyRun(t)
	got, err := Related(run, []string{also})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(also, "ebm"), filepath.Join(filepath.Dir(run), "saliency")}
	slices.Sort(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Related = %v, want %v", got, want)
	}
}

// probeScript, appended to a copy of a page, records after the load event
// what the page fetched and how its pictures decoded into a <pre id="probe">
// that chromium's --dump-dom prints: one line "net URL" per resource the
// browser loaded (performance resource timing) or element URL that is not
// data:, file:, about: or a fragment, and one line "img I WIDTH" per <img>
// with its natural width (0: it did not decode).
const probeScript = `<script>
window.addEventListener("load", function () {
  var lines = [];
  performance.getEntriesByType("resource").forEach(function (e) {
    if (!/^(data|file|about):/.test(e.name)) lines.push("net " + e.name);
  });
  document.querySelectorAll("[src],[href]").forEach(function (el) {
    var u = el.src || el.href || "";
    if (u && !/^(data|file|about|javascript):/.test(u)) lines.push("net " + u);
  });
  document.querySelectorAll("img").forEach(function (im, i) {
    lines.push("img " + i + " " + im.naturalWidth);
  });
  var pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = lines.join("\n");
  document.body.appendChild(pre);
});
</script>`

// chromiumProbe loads page (an HTML file) with probeScript appended in
// headless chromium and returns the network URLs it saw, the natural widths
// of its images, and chromium's log.
func chromiumProbe(t *testing.T, bin, page string) (net []string, widths []int, log string) {
	t.Helper()
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	probed := filepath.Join(filepath.Dir(page), "probed-"+filepath.Base(page))
	writeFile(t, filepath.Dir(probed), filepath.Base(probed), append(b, []byte(probeScript)...))
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
		"--virtual-time-budget=5000", "--dump-dom", "file://"+probed)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium --dump-dom %s: %v\n%s", probed, err, stderr.String())
	}
	m := regexp.MustCompile(`(?s)<pre id="probe">(.*?)</pre>`).FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("chromium's DOM of %s holds no probe: the load event never came\n%.500s", probed, stdout.String())
	}
	for _, line := range strings.Split(html.UnescapeString(m[1]), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && f[0] == "net":
			net = append(net, f[1])
		case len(f) == 3 && f[0] == "img":
			w, err := strconv.Atoi(f[2])
			if err != nil {
				t.Fatalf("probe line %q", line)
			}
			widths = append(widths, w)
		}
	}
	return net, widths, stderr.String()
}

// The page opens from disk in headless Chromium without script errors or
// network requests, every picture decodes, and it renders to a full-size
// screenshot. A control page with a remote picture shows that the probe
// sees both a request and an undecoded image. Skips where chromium is not
// installed.
func TestReportInChromium(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (apt-get install chromium); the page is checked without a browser in TestReportOfTinyRun")
	}
	run, also := tinyRun(t)
	path, err := Write(run, Options{Also: []string{also}})
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(path)

	net, widths, log := chromiumProbe(t, bin, abs)
	for _, u := range net {
		t.Errorf("the report requested %s; it must need no network", u)
	}
	// The epoch strip (ending on samples.png) is one <img> whose picture
	// the slider swaps.
	if len(widths) < 3 {
		t.Errorf("chromium saw %d images, want at least 3 (the epoch strip, loss, saliency)", len(widths))
	}
	for i, w := range widths {
		if w <= 0 {
			t.Errorf("image %d of the report did not decode (naturalWidth %d)", i, w)
		}
	}
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "CONSOLE") || strings.Contains(line, "Uncaught") {
			t.Errorf("console message while loading the report: %s", line)
		}
	}

	control := filepath.Join(t.TempDir(), "control.html")
	writeFile(t, filepath.Dir(control), filepath.Base(control),
		[]byte(`<!doctype html><html><body><img src="http://127.0.0.1:9/missing.png"></body></html>`))
	if net, widths, _ := chromiumProbe(t, bin, control); len(net) == 0 || len(widths) != 1 || widths[0] != 0 {
		t.Errorf("the probe misses a remote picture: requests %q, widths %v", net, widths)
	}

	shot := filepath.Join(t.TempDir(), "shot.png")
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--window-size=1200,1600", "--screenshot="+shot, "file://"+abs)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 1600 {
		t.Errorf("screenshot is %v, want 1200×1600", b)
	}
}
