// Draws the page written by schoolsim/view.py. plotly.js, the payload JSON and the typed arrays
// it refers to are embedded gzip-compressed (base64) in <script type="application/gzip-base64">
// blocks; they are inflated with the browser's DecompressionStream and plotly.js is loaded from a
// blob. Maps are scattergl (WebGL) traces, so 20,000 schools stay responsive; moving the term
// slider restyles the existing traces instead of rebuilding the plots.
"use strict";

async function inflate(id) {
  // atob and a loop: faster in chromium than fetching a data: URL of the same 10 MB.
  const text = atob(document.getElementById(id).textContent);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).arrayBuffer();
}

async function loadScript(buffer) {
  const url = URL.createObjectURL(new Blob([buffer], { type: "text/javascript" }));
  await new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = resolve;
    script.onerror = () => reject(new Error("plotly.js could not be loaded"));
    document.head.appendChild(script);
  });
  URL.revokeObjectURL(url);
}

(async function main() {
  if (typeof DecompressionStream === "undefined") {
    throw new Error("this browser lacks DecompressionStream (Chrome 80, Firefox 113, Safari 16.4 or newer needed)");
  }
  // performance marks name the stages of loading (tests/browser/measure_view.mjs prints them).
  const [plotly, json, binary] = await Promise.all(["plotly-js", "view-data", "view-binary"].map(inflate));
  performance.mark("schoolsim:inflated");
  await loadScript(plotly);
  performance.mark("schoolsim:plotly-loaded");
  drawView(JSON.parse(new TextDecoder().decode(json)), binary);
})().catch((error) => {
  document.getElementById("term-label").textContent = "cannot show the view: " + error.message;
  throw error;
});

function drawView(payload, binary) {
  const S = payload.static;
  const N = S.n;
  const terms = payload.terms;
  const LINK_COLOURS = ["#1f77b4", "#2ca02c", "#9467bd", "#d62728", "#ff7f0e"];
  const GRADE_SCALE = [[0, "#1a9850"], [1 / 3, "#91cf60"], [2 / 3, "#fc8d59"], [1, "#d73027"]];
  const PHASES = ["primary", "secondary"];
  const ARRAY_TYPES = { uint8: Uint8Array, uint16: Uint16Array, int32: Int32Array };

  // A typed array of the embedded binary, from its {offset, count, type} reference.
  function decode(ref) {
    return new ARRAY_TYPES[ref.type](binary, ref.offset, ref.count);
  }

  // A per-term school variable: one plane of codes (frames x schools) with value =
  // offset + scale * code; the largest code of the type marks a missing value. A term's values
  // are decoded when it is first shown, so the first frame draws without decoding the others.
  function quantised(ref) {
    const codes = decode(ref.plane);
    const missing = ref.plane.type === "uint16" ? 0xffff : 0xff;
    const frames = new Map();
    return (f) => {
      if (!frames.has(f)) {
        const slice = codes.subarray(f * N, (f + 1) * N);
        frames.set(f, Float64Array.from(slice, (c) => (c === missing ? NaN : ref.offset + ref.scale * c)));
      }
      return frames.get(f);
    };
  }

  const runs = payload.runs.map((r) => ({
    label: r.label,
    attainment: quantised(r.attainment),
    grade: quantised(r.grade),
    capacity: quantised(r.capacity),
    pupils: quantised(r.pupils),
    partnerships: r.partnerships.map(decode),
  }));

  // One map per run side by side; one map of B - A in diff mode. Colour ranges and trajectory
  // means of every variable come precomputed with the panel.
  const panels = payload.panels.map((p) => ({
    runs: p.runs.map((r) => runs[r]), title: p.title, ranges: p.ranges, means: p.means,
  }));
  const disadvantage = Float64Array.from(S.disadvantage);

  function runValues(run, variable, f) {
    if (variable === "disadvantage") return disadvantage;
    if (variable === "change") {
      const now = run.attainment(f), first = run.attainment(0);
      return now.map((v, i) => v - first[i]);
    }
    return run[variable](f);
  }

  function panelValues(panel, variable, f) {
    if (panel.runs.length === 1) return runValues(panel.runs[0], variable, f);
    const a = runValues(panel.runs[0], variable, f), b = runValues(panel.runs[1], variable, f);
    return b.map((v, i) => v - a[i]);
  }

  const diverging = (variable) => variable === "change" || payload.mode === "diff";

  function colourScale(variable) {
    if (diverging(variable)) return { colorscale: "RdBu", reversescale: true };
    if (variable === "grade") return { colorscale: GRADE_SCALE, reversescale: false };
    if (variable === "disadvantage") return { colorscale: "Cividis", reversescale: false };
    return { colorscale: "Viridis", reversescale: false };
  }

  // One colour range over every term and map, so colours compare across the slider.
  function colourRange(variable) {
    if (variable === "grade" && payload.mode !== "diff") return [1, 4];
    const lo = Math.min(...panels.map((p) => p.ranges[variable][0]));
    const hi = Math.max(...panels.map((p) => p.ranges[variable][1]));
    if (diverging(variable)) {
      const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
      return [-m, m];
    }
    return [lo, hi];
  }

  // Partnerships of a run at a frame: [{category, members}].
  function partnershipsAt(run, f) {
    const codes = run.partnerships[f], out = [];
    for (let k = 0; k < codes.length;) {
      const size = codes[k + 1];
      out.push({ category: codes[k], members: codes.subarray(k + 2, k + 2 + size) });
      k += 2 + size;
    }
    return out;
  }

  // Star links from each partnership's first member, at most maxLinks, as one polyline per category.
  function links(run, f) {
    const xs = payload.linkCategories.map(() => []), ys = payload.linkCategories.map(() => []);
    let drawn = 0, total = 0;
    for (const p of partnershipsAt(run, f)) {
      const hub = p.members[0];
      for (let m = 1; m < p.members.length; m++) {
        total++;
        if (drawn >= payload.maxLinks) continue;
        const other = p.members[m];
        xs[p.category].push(S.x[hub], S.x[other], null);
        ys[p.category].push(S.y[hub], S.y[other], null);
        drawn++;
      }
    }
    return { xs, ys, drawn, total };
  }

  function partnersOf(run, f) {
    const partners = new Map();
    for (const p of partnershipsAt(run, f)) {
      for (const a of p.members) {
        if (!partners.has(a)) partners.set(a, new Set());
        for (const b of p.members) if (b !== a) partners.get(a).add(b);
      }
    }
    return partners;
  }

  const fmt = (v, digits) => (Number.isInteger(v) ? String(v) : v.toFixed(digits));

  // Register names go into plotly's hover text, which renders a subset of HTML.
  const escapeHtml = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

  function schoolName(i) {
    if (!S.labels) return "school " + i;
    return "school " + i + " · URN " + S.labels.urn[i] + " " + escapeHtml(S.labels.name[i]);
  }

  function laName(code) {
    return S.labels && S.labels.la_name[code] ? "LA " + code + " " + escapeHtml(S.labels.la_name[code]) : "LA " + code;
  }

  function hoverTexts(panel, variable, f, values) {
    const partnerSets = panel.runs.map((run) => partnersOf(run, f));
    const grades = panel.runs.map((run) => run.grade(f));
    const attainments = panel.runs.map((run) => run.attainment(f));
    const texts = new Array(N);
    for (let i = 0; i < N; i++) {
      const lines = [schoolName(i), laName(S.la[i]) + " · " + PHASES[S.phase[i]]];
      panel.runs.forEach((run, r) => {
        const prefix = panel.runs.length > 1 ? run.label + ": " : "";
        const partners = partnerSets[r].has(i) ? Array.from(partnerSets[r].get(i)).sort((a, b) => a - b) : [];
        const shown = partners.slice(0, 12).join(", ") + (partners.length > 12 ? ", …" : "");
        lines.push(prefix + "grade " + grades[r][i] + " · attainment " + attainments[r][i].toFixed(3));
        lines.push(prefix + "partners (" + partners.length + "): " + (shown || "none"));
      });
      if (variable !== "attainment" && variable !== "grade" || panel.runs.length > 1) {
        lines.push((panel.runs.length > 1 ? "B − A " : "") + variable + ": " + fmt(values[i], 3));
      }
      texts[i] = lines.join("<br>");
    }
    return texts;
  }

  const median = (values) => Float64Array.from(values).sort()[Math.floor(values.length / 2)] || 1;
  const rollMedian = median(runs[0].pupils(0));

  function sizes(panel, f) {
    const pupils = panel.runs[panel.runs.length - 1].pupils(f);
    return Array.from(pupils, (p) => Math.min(16, Math.max(2, 1 + 3 * Math.sqrt(Math.max(p, 0) / rollMedian))));
  }

  // Trace order of a map: LA outlines, region outline, one trace per link category, schools.
  const REGION = S.region.name ? 1 : 0;
  const FIRST_LINK = 1 + REGION;
  const SCHOOLS = FIRST_LINK + payload.linkCategories.length;
  const linkTraceIndices = payload.linkCategories.map((_, c) => FIRST_LINK + c);

  const state = { variable: payload.variable, frame: 0, range: null, playing: null };

  function mapTraces(panel, f) {
    const run = panel.runs[panel.runs.length - 1];
    const l = links(run, f);
    const values = panelValues(panel, state.variable, f);
    const traces = [{
      type: "scattergl", mode: "lines", name: "LA outline", hoverinfo: "skip",
      x: S.laOutline.x, y: S.laOutline.y, line: { color: "#d0d0d0", width: 0.5 },
    }];
    if (REGION) {
      traces.push({
        type: "scattergl", mode: "lines", name: "programme region: " + S.region.name, hoverinfo: "skip",
        x: S.region.outline.x, y: S.region.outline.y, line: { color: "#ff7f0e", width: 2.5 },
      });
    }
    payload.linkCategories.forEach((name, c) => traces.push({
      type: "scattergl", mode: "lines", name: name, hoverinfo: "skip", connectgaps: false,
      x: l.xs[c], y: l.ys[c], line: { color: LINK_COLOURS[c], width: 1.8 }, opacity: 0.9,
    }));
    const scale = colourScale(state.variable);
    traces.push({
      type: "scattergl", mode: "markers", name: "schools", hoverinfo: "text",
      x: S.x, y: S.y, text: hoverTexts(panel, state.variable, f, values),
      marker: {
        color: Array.from(values), size: sizes(panel, f), cmin: state.range[0], cmax: state.range[1],
        colorscale: scale.colorscale, reversescale: scale.reversescale, line: { width: 0 },
        colorbar: { title: { text: state.variable, side: "right" }, thickness: 12 },
      },
    });
    panel.linkCount = { drawn: l.drawn, total: l.total };
    return traces;
  }

  function mapLayout(panel) {
    return {
      title: { text: panel.title, font: { size: 14 } },
      margin: { l: 40, r: 10, t: 40, b: 30 },
      xaxis: { title: S.axes.x, zeroline: false },
      yaxis: { title: S.axes.y, zeroline: false, scaleanchor: "x", scaleratio: S.axes.aspect },
      legend: { orientation: "h", y: -0.08 },
      hovermode: "closest",
      uirevision: "map",
    };
  }

  function trajectoryTraces() {
    const traces = [];
    panels.forEach((panel) => {
      const means = panel.means[state.variable];
      traces.push({ x: terms, y: means.all, mode: "lines+markers", name: panel.title + ": all schools" });
      if (REGION) {
        traces.push({
          x: terms, y: means.region, mode: "lines+markers",
          name: panel.title + ": " + S.region.name, line: { dash: "dash" },
        });
      }
    });
    return traces;
  }

  function trajectoryLayout() {
    return {
      margin: { l: 50, r: 10, t: 10, b: 35 },
      xaxis: { title: "term" },
      yaxis: { title: "mean " + state.variable },
      shapes: [{
        type: "line", xref: "x", yref: "paper", x0: terms[state.frame], x1: terms[state.frame],
        y0: 0, y1: 1, line: { color: "#d62728", width: 2 },
      }],
    };
  }

  const maps = document.getElementById("maps");
  const slider = document.getElementById("term-slider");
  const termLabel = document.getElementById("term-label");
  const note = document.getElementById("note");
  const select = document.getElementById("colour-variable");
  const playButton = document.getElementById("play");
  const trajectory = document.getElementById("trajectory");
  panels.forEach((panel, p) => {
    panel.div = document.createElement("div");
    panel.div.id = "map-" + p;
    panel.div.className = "map";
    maps.appendChild(panel.div);
  });
  for (const [name, label] of Object.entries(payload.variables)) {
    const option = document.createElement("option");
    option.value = name;
    option.textContent = label;
    select.appendChild(option);
  }
  select.value = state.variable;
  slider.max = String(terms.length - 1);

  function describe() {
    termLabel.textContent = "term " + terms[state.frame] + " (" + (state.frame + 1) + " of " + terms.length + " shown)";
    const counts = panels.map((panel) => panel.title + ": " + panel.linkCount.drawn + " of " + panel.linkCount.total + " links drawn");
    note.textContent = counts.join("; ") + ". Terms shown: " + terms.length + " of " + S.terms.length +
      ". Thinning: python -m schoolsim view --every K (terms) --max-links M (links per term; now " + payload.maxLinks + ").";
  }

  // Redraws every map and the trajectory marker for the current frame and variable.
  function draw() {
    const f = state.frame;
    const updates = panels.map((panel) => {
      const traces = mapTraces(panel, f);
      const links = linkTraceIndices.map((k) => traces[k]);
      const schools = traces[SCHOOLS];
      const m = schools.marker;
      return Plotly.restyle(panel.div, { x: links.map((t) => t.x), y: links.map((t) => t.y) }, linkTraceIndices)
        .then(() => Plotly.restyle(panel.div, {
          text: [schools.text], "marker.color": [m.color], "marker.size": [m.size],
          "marker.cmin": m.cmin, "marker.cmax": m.cmax, "marker.colorscale": [m.colorscale],
          "marker.reversescale": m.reversescale, "marker.colorbar.title.text": state.variable,
        }, [SCHOOLS]));
    });
    updates.push(Plotly.relayout(trajectory, { shapes: trajectoryLayout().shapes }));
    describe();
    return Promise.all(updates).then(() => {
      document.body.dataset.drawnFrame = String(f);
      document.body.dataset.drawnVariable = state.variable;
    });
  }

  function setFrame(f) {
    state.frame = f;
    slider.value = String(f);
    return draw();
  }

  function setVariable(variable) {
    state.variable = variable;
    state.range = colourRange(variable);
    return Promise.all([draw(), Plotly.react(trajectory, trajectoryTraces(), trajectoryLayout())]);
  }

  function stop() {
    clearTimeout(state.playing);
    state.playing = null;
    playButton.textContent = "Play";
  }

  // Play: advance one frame after the previous one is drawn (never queues draws).
  function play() {
    if (state.playing !== null) return stop();
    playButton.textContent = "Pause";
    if (state.frame === terms.length - 1) state.frame = -1;
    const step = () => {
      if (state.frame >= terms.length - 1) return stop();
      setFrame(state.frame + 1).then(() => {
        if (state.playing !== null) state.playing = setTimeout(step, 600);
      });
    };
    state.playing = setTimeout(step, 0);
  }

  slider.addEventListener("input", () => setFrame(Number(slider.value)));
  select.addEventListener("change", () => setVariable(select.value));
  playButton.addEventListener("click", play);

  state.range = colourRange(state.variable);
  const config = { responsive: true, displaylogo: false };
  const first = panels.map((panel) => Plotly.newPlot(panel.div, mapTraces(panel, 0), mapLayout(panel), config));
  first.push(Plotly.newPlot(trajectory, trajectoryTraces(), trajectoryLayout(), config));
  describe();
  performance.mark("schoolsim:traces-built");
  Promise.all(first).then(() => {
    document.body.dataset.drawnFrame = "0";
    document.body.dataset.drawnVariable = state.variable;
    window.schoolsimView = { ready: true, readyMs: performance.now(), panels: panels.map((p) => p.div.id), terms, setFrame, setVariable };
    document.body.dataset.ready = "1";
  });
}
