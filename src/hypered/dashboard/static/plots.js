// Plotly figures of a study, and what they share (loading Plotly, colours, axes, the selection's
// look). Every user string given to Plotly goes through plotText (escaped); missing values are
// null, which Plotly leaves out. Plotly itself (1.5 MB) is loaded on first use, so the page's own
// scripts and the first screen's text never wait for it. The scatter grid and the model's slices
// are in grid.js, parallel coordinates in parcoords.js, learning curves in curves.js.
// A point that stands for a trial carries its number as `customdata`: a box or lasso selection in
// a plot reads the trials' numbers from it (selection.js).
import { cut, plotText } from "./dom.js";

const PLOTLY_URL = "/static/vendor/plotly-cartesian-4.1.1.min.js"; // server.py's PLOTLY_URL
export const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["sendDataToCloud"] };
export const BLUE = "#2563eb";
export const RED = "#dc2626";
export const GREEN = "#16a34a";
export const GRAY = "#9ca3af";
export const PURPLE = "#7c3aed";
export const AMBER = "#d97706";
const MARGIN = { l: 60, r: 20, t: 30, b: 50 };
// The longest name or category drawn in a plot (the whole of it is in the hover text and the table)
export const NAME_CHARS = 48;
export const TICK_CHARS = 32;

// A user string as plot text: escaped, cut to `max` characters.
export const label = (value, max = NAME_CHARS) => plotText(cut(value, max));

let loading = null;

// Plotly, run once on first use. Its UMD bundle runs as a module too (setting window.Plotly), and
// a module can be fetched and compiled ahead (the server's Link: modulepreload) yet run only now.
export function loadPlotly() {
  if (!loading) {
    loading = import(PLOTLY_URL).then(() => window.Plotly, () => {
      loading = null;
      throw new Error("could not load the plotting library (" + PLOTLY_URL + ")");
    });
  }
  return loading;
}

const drawing = new WeakSet(); // plots being drawn now

// Whether `div` is being drawn: Plotly then reports its own selection events (a redraw without
// the user's selection box reports an empty selection), which are not the user's.
export function isDrawing(div) {
  return drawing.has(div);
}

export async function draw(div, figure) {
  const Plotly = await loadPlotly();
  // a redraw keeps the drag mode the user chose in the plot's toolbar (zoom, pan, box or lasso select)
  const dragmode = div.layout && div.layout.dragmode !== undefined ? { dragmode: div.layout.dragmode } : {};
  const layout = { margin: MARGIN, hovermode: "closest", font: { size: 11 }, ...dragmode, ...figure.layout };
  drawing.add(div);
  try {
    return await Plotly.react(div, figure.data, layout, { ...CONFIG, ...figure.config });
  } finally {
    drawing.delete(div);
  }
}

export function purge(div) {
  if (window.Plotly) window.Plotly.purge(div);
}

// Whether a log axis can show these values: some present, and every present one above zero.
export function positive(values) {
  let any = false;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (!(v > 0)) return false;
    any = true;
  }
  return any;
}

// The step between ticks: 1, 2 or 5 times a power of ten, at least `rough`.
export function niceStep(rough) {
  const power = 10 ** Math.floor(Math.log10(Math.max(rough, 1e-300)));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= rough);
}

// The axis of a variable: log for log-scale ones, categories (in the space's order, long names
// cut on the ticks) for categorical, whole-number ticks for integers.
export function axisFor(variable, title) {
  const axis = { title: { text: label(title ?? variable.name) }, automargin: true };
  if (variable.type === "categorical") {
    axis.type = "category";
    axis.categoryorder = "array";
    axis.categoryarray = variable.choices.map(plotText);
    axis.tickmode = "array";
    axis.tickvals = axis.categoryarray;
    axis.ticktext = variable.choices.map((c) => label(c, TICK_CHARS));
  } else if (variable.log) {
    axis.type = "log";
  } else if (variable.type === "integer") {
    const span = variable.low !== null && variable.high !== null ? variable.high - variable.low : 10;
    Object.assign(axis, { tickmode: "linear", tick0: 0, dtick: Math.max(1, niceStep(span / 6)), tickformat: "d" });
  }
  return axis;
}

export function plotValues(variable, values) {
  return variable.type === "categorical" ? values.map((v) => (v === null ? null : plotText(v))) : values;
}

export function rows(cols, test) {
  const out = [];
  for (let i = 0; i < cols.number.length; i++) if (test(i)) out.push(i);
  return out;
}

export const pick = (values, idx) => idx.map((i) => values[i]);

const UNSELECTED_OPACITY = 0.12;

// How the points of a trace (trial `numbers`, one a point) show `selection` (a Set of numbers, or
// null for none): through Plotly's own selection styling, the selected as they are, the others faded.
export function selectedPoints(numbers, selection) {
  if (selection === null) return { selectedpoints: null };
  const idx = [];
  numbers.forEach((n, k) => { if (selection.has(n)) idx.push(k); });
  return { selectedpoints: idx, unselected: { marker: { opacity: UNSELECTED_OPACITY } } };
}

// A trace's trials: their numbers as `customdata`, and how `selection` shows on them.
function trials(cols, idx, selection) {
  const numbers = pick(cols.number, idx);
  return { customdata: numbers, ...selectedPoints(numbers, selection) };
}

// The trials the plots mark, from the study's detail: `star` the trial the study recommends (the
// best observed until the model judges), `observed` the best observed trial when it is another
// (a noisy objective: the recommendation is the best posterior mean), else null; their values,
// and each one's hover text.
export function markedTrials(detail) {
  const rec = detail.recommendation ?? null;
  const best = detail.best ?? null;
  const num = (v) => (typeof v === "number" ? v : null);
  if (!best || !rec || rec.best_observed) {
    return { star: best ? best.number : null, starValue: best ? num(best.value) : null, starText: "best trial",
      observed: null, observedValue: null, observedText: "" };
  }
  return { star: rec.number, starValue: num(rec.value),
    starText: plotText(`trial ${rec.number}: recommended, ${rec.recommended_by}`),
    observed: best.number, observedValue: num(best.value),
    observedText: plotText(`trial ${best.number}: best observed value (not recommended: may be a lucky draw)`) };
}

// The recommended trial (★) and the best observed one (a ring) when they differ: two traces, each
// in the legend; none when they are the same trial.
function recommendedTraces(marked) {
  if (marked.observed === null) return [];
  return [
    { type: "scatter", mode: "markers", name: `recommended (trial ${marked.star})`, x: [marked.star],
      y: [marked.starValue], text: [marked.starText], hoverinfo: "text", meta: "recommended",
      marker: { color: GREEN, size: 14, symbol: "star", line: { color: "#14532d", width: 1 } } },
    { type: "scatter", mode: "markers", name: `best observed (trial ${marked.observed})`, x: [marked.observed],
      y: [marked.observedValue], text: [marked.observedText], hoverinfo: "text", meta: "best observed",
      marker: { color: GREEN, size: 13, symbol: "circle-open", line: { width: 2 } } },
  ];
}

// Each trial's objective against its number, the best so far, failed and stopped trials marked;
// `marked` (markedTrials): the recommended trial starred when it is not the best observed.
export function convergence(cols, objective, logY = false, selection = null, marked = null) {
  const done = rows(cols, (i) => cols.state[i] === "complete" && cols.value[i] !== null);
  const failed = rows(cols, (i) => cols.state[i] === "failed");
  const pruned = rows(cols, (i) => cols.state[i] === "pruned" && cols.value[i] !== null);
  const values = pick(cols.value, done);
  const worst = values.length ? (objective.direction === "minimize" ? Math.max(...values) : Math.min(...values)) : 0;
  const hover = (i) => `trial ${cols.number[i]}`;
  return {
    data: [
      { type: "scatter", mode: "markers", name: "trial value", x: pick(cols.number, done), y: values,
        text: done.map(hover), marker: { color: BLUE, size: 6, opacity: 0.7 }, ...trials(cols, done, selection) },
      { type: "scatter", mode: "lines", name: "best so far", x: cols.number, y: cols.best_so_far,
        line: { color: GREEN, shape: "hv", width: 2 }, connectgaps: true, hoverinfo: "skip" },
      { type: "scatter", mode: "markers", name: "failed", x: pick(cols.number, failed),
        y: failed.map(() => worst), text: failed.map((i) => `trial ${cols.number[i]} failed`),
        marker: { color: RED, symbol: "x", size: 8 }, ...trials(cols, failed, selection) },
      { type: "scatter", mode: "markers", name: "stopped early", x: pick(cols.number, pruned), y: pick(cols.value, pruned),
        text: pruned.map((i) => `trial ${cols.number[i]} stopped early (its last report)`),
        marker: { color: PURPLE, symbol: "triangle-down", size: 8, opacity: 0.8 }, ...trials(cols, pruned, selection) },
      ...(marked ? recommendedTraces(marked) : []),
    ],
    layout: {
      xaxis: { title: { text: "trial" }, tick0: 0, dtick: Math.max(1, niceStep(Math.max(0, ...cols.number) / 8)) },
      yaxis: { title: { text: label(objective.name) }, type: logY ? "log" : "linear" },
      legend: { orientation: "h", y: 1.12 },
    },
  };
}

const STATE_COLORS = { complete: BLUE, failed: RED, running: AMBER, pruned: PURPLE, interrupted: GRAY };

// When each trial ran: a bar from its start to its end (to `now`, unix seconds, while it runs),
// one trace per state. `leftRunning`: the study's driver has stopped, so running trials will not
// end: their bars stop at the study's last activity (drawn to now, one left a year ago would
// squeeze every other bar into a line).
export function timeline(cols, now, leftRunning = false, selection = null) {
  // Plotly shows a date axis as given, in no time zone: shifted so it reads as local time, as the table does
  const local = (unix) => unix * 1000 - new Date(unix * 1000).getTimezoneOffset() * 60_000;
  const times = [...cols.started, ...cols.finished].filter((t) => t !== null);
  const last = leftRunning ? Math.max(...times) : now;
  const data = Object.entries(STATE_COLORS).map(([state, color]) => {
    const idx = rows(cols, (i) => cols.state[i] === state && cols.started[i] !== null);
    const end = (i) => cols.finished[i] ?? last;
    const name = state === "running" && leftRunning ? "left running" : state;
    return { type: "bar", orientation: "h", name, meta: state, y: pick(cols.number, idx),
      base: idx.map((i) => local(cols.started[i])), x: idx.map((i) => Math.max(end(i) - cols.started[i], 0) * 1000),
      text: idx.map((i) => `trial ${cols.number[i]}: ${name}, ${(end(i) - cols.started[i]).toFixed(1)} s`),
      hoverinfo: "text", textposition: "none", marker: { color }, width: 0.8, ...trials(cols, idx, selection) };
  }).filter((trace) => trace.y.length > 0);
  return {
    data,
    layout: { barmode: "overlay", xaxis: { type: "date", title: { text: "time" } },
      yaxis: { title: { text: "trial" }, tick0: 0, dtick: Math.max(1, niceStep(Math.max(0, ...cols.number) / 8)) },
      legend: { orientation: "h", y: 1.12 } },
  };
}

// The empirical distribution of the objective (`edf` from the columns: every complete trial, not
// the plots' sample): the share of trials at or below each value, a step line.
export function edf(dist, objective, logX = false) {
  return {
    data: [{ type: "scatter", mode: "lines+markers", name: "trials ≤ value", x: dist.values, y: dist.shares,
      line: { shape: "hv", color: BLUE, width: 2 }, marker: { size: 3, color: BLUE },
      hovertemplate: "%{y:.1%} of trials ≤ %{x}<extra></extra>" }],
    layout: { showlegend: false,
      xaxis: { title: { text: label(objective.name) }, type: logX ? "log" : "linear" },
      yaxis: { title: { text: "share of complete trials" }, range: [0, 1.02], tickformat: ".0%" } },
  };
}

// The objective's rank against trial number: each trial's share of complete trials that did better
// (`rank` from the columns, over every complete trial), the best at the top, by state. Unlike the
// objective's raw value it is not squashed by a few outliers, so a search that keeps finding good
// trials shows as points staying near the top.
export function rankPlot(cols, selection = null) {
  const byState = (state) => rows(cols, (i) => cols.state[i] === state && cols.rank[i] !== null);
  const trace = (idx, name, marker) => ({ type: "scatter", mode: "markers", name, x: pick(cols.number, idx),
    y: idx.map((i) => 100 * cols.rank[i]), text: idx.map((i) => `trial ${cols.number[i]}: ${cols.value[i]}`),
    hovertemplate: "%{text}<br>better than it: %{y:.1f}%<extra></extra>", marker, ...trials(cols, idx, selection) });
  return {
    data: [
      trace(byState("complete"), "complete", { color: BLUE, size: 6, opacity: 0.7 }),
      trace(byState("pruned"), "stopped early", { color: PURPLE, symbol: "triangle-down", size: 8, opacity: 0.8 }),
    ],
    layout: {
      xaxis: { title: { text: "trial" }, tick0: 0, dtick: Math.max(1, niceStep(Math.max(0, ...cols.number) / 8)) },
      yaxis: { title: { text: "complete trials better (%)" }, range: [101, -3] },
      legend: { orientation: "h", y: 1.12 },
    },
  };
}

// The objective values the convergence plot shows (for deciding whether log scale fits them).
export function convergenceValues(cols) {
  return cols.value.filter((v, i) => cols.state[i] === "complete" && v !== null);
}

// The GP mean over two parameters. Contour lines interpolate between grid points, which means
// nothing between two categories: with a categorical axis it is a heatmap, one band per category.
export function contour(grid, cols, xVar, yVar, objective, selection = null) {
  const idx = rows(cols, (i) => cols.state[i] === "complete");
  const xs = plotValues(xVar, grid.x);
  const ys = plotValues(yVar, grid.y);
  const reversed = objective.direction === "minimize";
  const banded = xVar.type === "categorical" || yVar.type === "categorical";
  const surface = banded ? { type: "heatmap", zsmooth: false, xgap: 1, ygap: 1 }
    : { type: "contour", contours: { coloring: "heatmap" } };
  return {
    data: [
      { ...surface, x: xs, y: ys, z: grid.z, colorscale: "Viridis", reversescale: reversed,
        colorbar: { title: { text: label(objective.name) } },
        name: "GP mean", hovertemplate: "%{x}, %{y}: %{z:.4g}<extra>model mean</extra>" },
      { type: "scatter", mode: "markers", name: "trials",
        x: pick(plotValues(xVar, cols.params[xVar.name]), idx), y: pick(plotValues(yVar, cols.params[yVar.name]), idx),
        text: idx.map((i) => `trial ${cols.number[i]}`), ...trials(cols, idx, selection),
        marker: { color: "white", size: 6, line: { color: "black", width: 1 } } },
    ],
    layout: { xaxis: axisFor(xVar), yaxis: axisFor(yVar), showlegend: false },
  };
}

export function importance(model) {
  const items = [...model.importance].reverse();
  return {
    data: [{ type: "bar", orientation: "h", x: items.map((d) => d.importance), y: items.map((d) => plotText(d.name)),
      marker: { color: BLUE }, text: items.map((d) => `${(100 * d.importance).toFixed(1)}%`), textposition: "auto",
      hovertemplate: "%{y}: %{x:.3f}<extra></extra>" }],
    // names on the axis cut (the bars' own y values stay whole: two long names may share a start)
    layout: { xaxis: { title: { text: "importance (normalized 1 / lengthscale)" }, range: [0, 1] },
      yaxis: { automargin: true, type: "category", tickmode: "array", tickvals: items.map((d) => plotText(d.name)),
        ticktext: items.map((d) => label(d.name, TICK_CHARS)) }, margin: { l: 100, r: 20, t: 10, b: 45 } },
  };
}

