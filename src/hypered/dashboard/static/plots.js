// Plotly figures of a study. Every user string given to Plotly goes through plotText (escaped);
// missing values are null, which Plotly leaves out. Plotly itself (1.5 MB) is loaded on first use,
// so the page's own scripts and the first screen's text never wait for it.
import { cut, plotText } from "./dom.js";

const PLOTLY_URL = "/static/vendor/plotly-cartesian-4.1.1.min.js"; // server.py's PLOTLY_URL
const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["sendDataToCloud"] };
const BLUE = "#2563eb";
const RED = "#dc2626";
const GREEN = "#16a34a";
const GRAY = "#9ca3af";
const PURPLE = "#7c3aed";
const AMBER = "#d97706";
const MARGIN = { l: 60, r: 20, t: 30, b: 50 };
// The longest name or category drawn in a plot (the whole of it is in the hover text and the table)
const NAME_CHARS = 48;
const TICK_CHARS = 32;

// A user string as plot text: escaped, cut to `max` characters.
const label = (value, max = NAME_CHARS) => plotText(cut(value, max));

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

export async function draw(div, figure) {
  const Plotly = await loadPlotly();
  const layout = { margin: MARGIN, hovermode: "closest", font: { size: 11 }, ...figure.layout };
  return Plotly.react(div, figure.data, layout, { ...CONFIG, ...figure.config });
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
function niceStep(rough) {
  const power = 10 ** Math.floor(Math.log10(Math.max(rough, 1e-300)));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= rough);
}

// The axis of a variable: log for log-scale ones, categories (in the space's order, long names
// cut on the ticks) for categorical, whole-number ticks for integers.
function axisFor(variable, title) {
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

function plotValues(variable, values) {
  return variable.type === "categorical" ? values.map((v) => (v === null ? null : plotText(v))) : values;
}

function rows(cols, test) {
  const out = [];
  for (let i = 0; i < cols.number.length; i++) if (test(i)) out.push(i);
  return out;
}

const pick = (values, idx) => idx.map((i) => values[i]);

export function convergence(cols, objective, logY = false) {
  const done = rows(cols, (i) => cols.state[i] === "complete" && cols.value[i] !== null);
  const failed = rows(cols, (i) => cols.state[i] === "failed");
  const pruned = rows(cols, (i) => cols.state[i] === "pruned" && cols.value[i] !== null);
  const values = pick(cols.value, done);
  const worst = values.length ? (objective.direction === "minimize" ? Math.max(...values) : Math.min(...values)) : 0;
  const hover = (i) => `trial ${cols.number[i]}`;
  return {
    data: [
      { type: "scatter", mode: "markers", name: "trial value", x: pick(cols.number, done), y: values,
        text: done.map(hover), marker: { color: BLUE, size: 6, opacity: 0.7 } },
      { type: "scatter", mode: "lines", name: "best so far", x: cols.number, y: cols.best_so_far,
        line: { color: GREEN, shape: "hv", width: 2 }, connectgaps: true, hoverinfo: "skip" },
      { type: "scatter", mode: "markers", name: "failed", x: pick(cols.number, failed),
        y: failed.map(() => worst), text: failed.map((i) => `trial ${cols.number[i]} failed`),
        marker: { color: RED, symbol: "x", size: 8 } },
      { type: "scatter", mode: "markers", name: "stopped early", x: pick(cols.number, pruned), y: pick(cols.value, pruned),
        text: pruned.map((i) => `trial ${cols.number[i]} stopped early (its last report)`),
        marker: { color: PURPLE, symbol: "triangle-down", size: 8, opacity: 0.8 } },
    ],
    layout: {
      xaxis: { title: { text: "trial" }, tick0: 0, dtick: Math.max(1, niceStep(Math.max(0, ...cols.number) / 8)) },
      yaxis: { title: { text: label(objective.name) }, type: logY ? "log" : "linear" },
      legend: { orientation: "h", y: 1.12 },
    },
  };
}

// How a learning curve is drawn, by its trial's state: stopped early dotted, running thicker.
const CURVE_STYLES = {
  complete: { name: "complete", color: BLUE, dash: "solid", width: 1.2, rank: 2 },
  running: { name: "running", color: AMBER, dash: "solid", width: 2, rank: 3 },
  pruned: { name: "stopped early", color: PURPLE, dash: "dot", width: 1.2, rank: 4 },
  failed: { name: "failed", color: RED, dash: "dashdot", width: 1, rank: 6 },
  interrupted: { name: "interrupted", color: GRAY, dash: "dashdot", width: 1, rank: 7 },
};

// The objective's reported values against step, a line per trial (`meta`: its number and state),
// the best trial's on top; trials stopped early end with a ▼ at their last report.
export function learningCurves(data, logY = false) {
  const ordered = [...data.curves].sort((a, b) => (a.number === data.best) - (b.number === data.best));
  const legend = new Set();
  const lines = ordered.map((c) => {
    const style = CURVE_STYLES[c.state] ?? CURVE_STYLES.interrupted;
    const best = c.number === data.best;
    const group = best ? "best" : c.state;
    const first = !legend.has(group);
    legend.add(group);
    return { type: "scatter", mode: "lines", name: best ? "best trial" : style.name, legendgroup: group,
      showlegend: first, legendrank: best ? 1 : style.rank, meta: { number: c.number, state: c.state },
      x: c.steps, y: c.values, connectgaps: true, opacity: best ? 1 : 0.6,
      line: { color: best ? GREEN : style.color, dash: style.dash, width: best ? 2.5 : style.width },
      hovertemplate: `trial ${c.number} (${style.name}): step %{x}, %{y:.4g}<extra></extra>` };
  });
  const stops = data.curves.filter((c) => c.state === "pruned").map((c) => {
    let k = c.values.length - 1;
    while (k >= 0 && c.values[k] === null) k--;
    return k < 0 ? null : [c.number, c.steps[k], c.values[k]];
  }).filter((stop) => stop !== null);
  if (stops.length) {
    lines.push({ type: "scatter", mode: "markers", name: "stopped here", legendgroup: "pruned", legendrank: 5,
      x: stops.map((s) => s[1]), y: stops.map((s) => s[2]), text: stops.map((s) => `trial ${s[0]} stopped early at step ${s[1]}`),
      hoverinfo: "text", marker: { color: PURPLE, symbol: "triangle-down", size: 9 } });
  }
  const lastStep = Math.max(0, ...data.curves.map((c) => c.steps.at(-1) ?? 0));
  return {
    data: lines,
    layout: {
      xaxis: { title: { text: "step" }, tick0: 0, dtick: Math.max(1, niceStep(lastStep / 8)) }, // whole steps
      yaxis: { title: { text: label(data.objective.name) }, type: logY ? "log" : "linear" },
      legend: { orientation: "h", y: 1.12 },
    },
  };
}

// The values the learning curves show (for deciding whether log scale fits them).
export function curveValues(data) {
  return data.curves.flatMap((c) => c.values);
}

const STATE_COLORS = { complete: BLUE, failed: RED, running: AMBER, pruned: PURPLE, interrupted: GRAY };

// When each trial ran: a bar from its start to its end (to `now`, unix seconds, while it runs),
// one trace per state. `leftRunning`: the study's driver has stopped, so running trials will not
// end: their bars stop at the study's last activity (drawn to now, one left a year ago would
// squeeze every other bar into a line).
export function timeline(cols, now, leftRunning = false) {
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
      hoverinfo: "text", textposition: "none", marker: { color }, width: 0.8 };
  }).filter((trace) => trace.y.length > 0);
  return {
    data,
    layout: { barmode: "overlay", xaxis: { type: "date", title: { text: "time" } },
      yaxis: { title: { text: "trial" }, tick0: 0, dtick: Math.max(1, niceStep(Math.max(0, ...cols.number) / 8)) },
      legend: { orientation: "h", y: 1.12 } },
  };
}

// The objective values the convergence plot shows (for deciding whether log scale fits them).
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
export function rankPlot(cols) {
  const byState = (state) => rows(cols, (i) => cols.state[i] === state && cols.rank[i] !== null);
  const trace = (idx, name, marker) => ({ type: "scatter", mode: "markers", name, x: pick(cols.number, idx),
    y: idx.map((i) => 100 * cols.rank[i]), text: idx.map((i) => `trial ${cols.number[i]}: ${cols.value[i]}`),
    hovertemplate: "%{text}<br>better than it: %{y:.1f}%<extra></extra>", marker });
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

export function convergenceValues(cols) {
  return cols.value.filter((v, i) => cols.state[i] === "complete" && v !== null);
}

// Subplots of one figure, `columns` to a row, each CELL_HEIGHT px high: axis ids and domains,
// with room inside each cell for its title, tick labels and axis titles. One figure with n
// subplots costs far less than n figures (each newPlot lays out, measures and draws on its own).
export const CELL_HEIGHT = 260;
const CELL_PAD = { l: 62, r: 12, t: 24, b: 48 }; // px
const CELL_MIN_WIDTH = 340; // px

// How many subplots go in a row of a figure `width` px wide.
export function gridColumns(n, width) {
  return Math.max(1, Math.min(n, Math.floor(width / CELL_MIN_WIDTH)));
}

function subplots(n, width, columns) {
  const rowCount = Math.ceil(n / columns);
  const height = rowCount * CELL_HEIGHT;
  const cellWidth = width / columns;
  return Array.from({ length: n }, (_, k) => {
    const [row, col] = [Math.floor(k / columns), k % columns];
    const suffix = k === 0 ? "" : String(k + 1);
    const left = (col * cellWidth + CELL_PAD.l) / width;
    const right = ((col + 1) * cellWidth - CELL_PAD.r) / width;
    const top = 1 - (row * CELL_HEIGHT + CELL_PAD.t) / height;
    const bottom = 1 - ((row + 1) * CELL_HEIGHT - CELL_PAD.b) / height;
    return { x: "x" + suffix, y: "y" + suffix, xaxis: "xaxis" + suffix, yaxis: "yaxis" + suffix,
      xdomain: [left, Math.max(left + 0.01, right)], ydomain: [Math.min(bottom, top - 0.01), top],
      title: { x: (col * cellWidth + 6) / width, y: 1 - (row * CELL_HEIGHT) / height } };
  });
}

// A figure of one subplot per cell: `cell(c)` gives the subplot's traces (without axis ids),
// x axis, y axis and title (already plotText-escaped).
function gridFigure(cells, width, cell) {
  const columns = gridColumns(cells.length, width);
  const boxes = subplots(cells.length, width, columns);
  const data = [];
  const layout = { showlegend: false, margin: { l: 0, r: 0, t: 0, b: 0 }, height: boxes.length
    ? Math.ceil(cells.length / columns) * CELL_HEIGHT : CELL_HEIGHT, annotations: [] };
  cells.forEach((c, k) => {
    const box = boxes[k];
    const sub = cell(c);
    for (const trace of sub.data) data.push({ ...trace, xaxis: box.x, yaxis: box.y });
    layout[box.xaxis] = { ...sub.xaxis, automargin: false, domain: box.xdomain, anchor: box.y };
    layout[box.yaxis] = { ...sub.yaxis, automargin: false, domain: box.ydomain, anchor: box.x };
    layout.annotations.push({ text: sub.title, xref: "paper", yref: "paper", x: box.title.x, y: box.title.y,
      xanchor: "left", yanchor: "top", showarrow: false, font: { size: 12, color: "#6b7280" } });
  });
  return { data, layout };
}

// The scatter grid as one figure: a subplot per cell ({variable, metric, log, title}), complete
// trials against the variable, the best trial starred.
export function scatterGrid(cols, cells, bestNumber, width) {
  const idx = rows(cols, (i) => cols.state[i] === "complete");
  const best = idx.filter((i) => cols.number[i] === bestNumber);
  const hover = idx.map((i) => `trial ${cols.number[i]}`);
  return gridFigure(cells, width, ({ variable, metric, log, title }) => {
    const x = plotValues(variable, cols.params[variable.name]);
    const y = cols.metrics[metric];
    return {
      data: [
        { type: "scatter", mode: "markers", name: "trials", meta: [variable.name, metric], x: pick(x, idx),
          y: pick(y, idx), text: hover, marker: { color: BLUE, size: 5, opacity: 0.6 } },
        { type: "scatter", mode: "markers", name: "best", x: pick(x, best), y: pick(y, best),
          marker: { color: GREEN, size: 11, symbol: "star" }, hoverinfo: "skip" },
      ],
      xaxis: axisFor(variable),
      yaxis: { title: { text: label(metric) }, type: log ? "log" : "linear" },
      title: label(title, 2 * NAME_CHARS),
    };
  });
}

// A metric's values over the complete trials the scatter plots show.
export function scatterValues(cols, metric) {
  return (cols.metrics[metric] || []).filter((_, i) => cols.state[i] === "complete");
}

// The GP mean over two parameters. Contour lines interpolate between grid points, which means
// nothing between two categories: with a categorical axis it is a heatmap, one band per category.
export function contour(grid, cols, xVar, yVar, objective) {
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
        text: idx.map((i) => `trial ${cols.number[i]}`),
        marker: { color: "white", size: 6, line: { color: "black", width: 1 } } },
    ],
    layout: { xaxis: axisFor(xVar), yaxis: axisFor(yVar), showlegend: false },
  };
}

const HALO = "1px 1px 1px #fff, -1px -1px 1px #fff, 1px -1px 1px #fff, -1px 1px 1px #fff"; // text over lines

const VIRIDIS = ["#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#fde725"];

// One axis of the parallel coordinates: values scaled to [0, 1] and tick labels.
function pcAxis(name, values, variable) {
  if (variable && variable.type === "categorical") {
    const last = Math.max(variable.choices.length - 1, 1);
    const index = new Map(variable.choices.map((c, k) => [c, k / last]));
    return { name, scaled: values.map((v) => index.get(v) ?? null),
      ticks: variable.choices.map((c, k) => [k / last, label(c, TICK_CHARS / 2)]) };
  }
  const log = Boolean(variable && variable.log);
  const t = values.map((v) => (v === null || (log && !(v > 0)) ? null : log ? Math.log10(v) : v));
  const present = t.filter((v) => v !== null);
  let lo = variable && variable.low !== null ? variable.low : Math.min(...present);
  let hi = variable && variable.high !== null ? variable.high : Math.max(...present);
  if (log) [lo, hi] = [Math.log10(lo), Math.log10(hi)];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  const span = hi > lo ? hi - lo : 1;
  const ticks = variable && variable.type === "integer" && !log ? integerTicks(lo, hi)
    : [0, 0.25, 0.5, 0.75, 1].map((f) => {
      const v = lo + f * span;
      return [f, plotText(fmtTick(log ? 10 ** v : v))];
    });
  return { name, scaled: t.map((v) => (v === null ? null : hi > lo ? (v - lo) / span : 0.5)), ticks };
}

// Ticks of an integer axis from lo to hi: whole numbers only, at most about six.
function integerTicks(lo, hi) {
  if (!(hi > lo)) return [[0.5, String(lo)]];
  const step = Math.max(1, niceStep((hi - lo) / 5));
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) ticks.push([(v - lo) / (hi - lo), String(v)]);
  return ticks;
}

function fmtTick(v) {
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}

// The parallel coordinates' data: one line per complete trial, each axis scaled to [0, 1] (keyed
// `param:NAME`, the objective last as `objective`); `order` lists the lines worst first.
export function parcoordsData(cols, variables, objective) {
  const idx = rows(cols, (i) => cols.state[i] === "complete" && cols.value[i] !== null);
  const values = pick(cols.value, idx);
  const axes = variables.map((v) => ({ key: `param:${v.name}`, ...pcAxis(v.name, pick(cols.params[v.name], idx), v) }));
  axes.push({ key: "objective", ...pcAxis(objective.name, values, null) });
  const sign = objective.direction === "minimize" ? 1 : -1;
  const order = idx.map((_, k) => k).sort((a, b) => sign * (values[b] - values[a])); // worst first
  const labels = idx.map((i) => `trial ${cols.number[i]}: ${cols.value[i]}`);
  return { axes, values, order, labels, sign, objective, sampled: Boolean(cols.sampled) };
}

// Lines inside every brushed range (`brushes`: axis key -> [low, high] in scaled units).
function brushed(pc, brushes) {
  const ranges = [...brushes].map(([key, range]) => [pc.axes.find((a) => a.key === key), range])
    .filter(([axis]) => axis !== undefined);
  return pc.values.map((_, k) => ranges.every(([axis, [lo, hi]]) => {
    const v = axis.scaled[k];
    return v !== null && v >= lo && v <= hi;
  }));
}

// Lines drawn in colour at most: past this, thousands of lines made a solid wall that hid the
// axes' ticks, so only the best selected trials are coloured and the rest are drawn faded beneath.
export const PARCOORDS_COLOURED = 200;

// Parallel coordinates drawn as SVG lines (one per complete trial, colored by objective rank):
// no WebGL needed, so it works on any machine and under a strict CSP. Lines outside a brushed
// range are drawn gray beneath the others; past PARCOORDS_COLOURED selected lines, the worse
// ones are faded.
export function parcoords(pc, brushes = new Map()) {
  const { axes, values, order, labels, sign, objective } = pc;
  const selected = brushed(pc, brushes);
  const groups = VIRIDIS.map(() => ({ x: [], y: [] }));
  const dimmed = { x: [], y: [] };
  const faded = { x: [], y: [] };
  const kept = order.filter((k) => selected[k]); // worst first
  const firstColoured = Math.max(0, kept.length - PARCOORDS_COLOURED);
  const colourRank = new Map(kept.slice(firstColoured).map((k, rank) => [k, rank]));
  const coloured = colourRank.size;
  order.forEach((k) => {
    const rank = colourRank.get(k);
    const g = !selected[k] ? dimmed : rank === undefined ? faded
      : groups[Math.min(VIRIDIS.length - 1, Math.floor((rank * VIRIDIS.length) / coloured))];
    axes.forEach((axis, a) => { g.x.push(a); g.y.push(axis.scaled[k]); });
    g.x.push(null);
    g.y.push(null);
  });
  const last = axes.length - 1;
  // axis names and ticks are two text traces: drawn at once, where an annotation each (~40) took
  // a third of this plot's time
  const ticks = axes.flatMap((axis, a) => axis.ticks.map(([y, text]) => [a, y, text]));
  const traces = [
    { type: "scatter", mode: "lines", x: axes.flatMap((_, a) => [a, a, null]), y: axes.flatMap(() => [0, 1, null]),
      hoverinfo: "skip", name: "axes", line: { color: "#6b7280", width: 1 } },
    { type: "scatter", mode: "lines", x: dimmed.x, y: dimmed.y, hoverinfo: "skip", name: "dimmed",
      line: { color: GRAY, width: 1 }, opacity: 0.25, connectgaps: false },
    { type: "scatter", mode: "lines", x: faded.x, y: faded.y, hoverinfo: "skip", name: "faded",
      line: { color: "#9ca3af", width: 0.6 }, opacity: 0.12, connectgaps: false },
    ...groups.map((g, n) => ({ type: "scatter", mode: "lines", x: g.x, y: g.y, hoverinfo: "skip",
      name: `trials ${n}`, line: { color: VIRIDIS[n], width: 1.2 }, opacity: 0.75, connectgaps: false })),
    { type: "scatter", mode: "text", name: "ticks", x: ticks.map((t) => t[0] - 0.03), y: ticks.map((t) => t[1]),
      text: ticks.map((t) => t[2]), textposition: "middle left", hoverinfo: "skip",
      textfont: { size: 10, color: "#374151", shadow: HALO } },
    { type: "scatter", mode: "text", name: "names", x: axes.map((_, a) => a), y: axes.map(() => 1.03),
      text: axes.map((axis) => `<b>${label(axis.name, TICK_CHARS / 2)}</b>`), textposition: "top center",
      hovertext: axes.map((axis) => plotText(axis.name)), hoverinfo: "text" },
    { type: "scatter", mode: "markers", name: "objective", x: values.map(() => last),
      y: axes[last].scaled, text: labels, hoverinfo: "text",
      marker: { size: 6, color: values, colorscale: "Viridis", reversescale: sign > 0, showscale: true,
        opacity: selected.map((s) => (s ? 1 : 0.15)), colorbar: { title: { text: label(objective.name, TICK_CHARS / 2) } } } },
  ];
  const shapes = [...brushes].flatMap(([key, [lo, hi]]) => {
    const a = axes.findIndex((axis) => axis.key === key);
    return a < 0 ? [] : [{ type: "rect", xref: "x", yref: "y", x0: a - 0.06, x1: a + 0.06, y0: lo, y1: hi,
      fillcolor: "rgba(37,99,235,0.18)", line: { color: BLUE, width: 1 } }];
  });
  return {
    selected: kept.length,
    coloured,
    data: traces,
    config: { modeBarButtonsToRemove: [...CONFIG.modeBarButtonsToRemove, "select2d", "lasso2d"] }, // brush.js selects
    layout: { showlegend: false, shapes, dragmode: false, margin: { l: 80, r: 20, t: 40, b: 20 },
      xaxis: { visible: false, range: [-0.6, last + 0.3], fixedrange: true },
      yaxis: { visible: false, range: [-0.04, 1.14], fixedrange: true } },
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

// The GP posterior along each parameter, the others at the best trial: one subplot per slice,
// its mean and a 95% band (error bars for a categorical one).
export function modelSlices(model, variables, objective, width) {
  return gridFigure(model.slices, width, (slice) => {
    const variable = variables.get(slice.name);
    return { ...modelSlice(slice, variable), xaxis: axisFor(variable),
      yaxis: { title: { text: label(objective.name) } }, title: label(slice.name) };
  });
}

// One slice's traces; the band's upper edge fills to its lower edge, the trace just before it
// (tonexty pairs traces of the same subplot).
function modelSlice(slice, variable) {
  const lower = slice.mean.map((m, i) => m - 2 * slice.std[i]);
  const upper = slice.mean.map((m, i) => m + 2 * slice.std[i]);
  const x = plotValues(variable, slice.x);
  const best = slice.best === null ? [] : [variable.type === "categorical" ? plotText(slice.best) : slice.best];
  const bestY = best.length ? [slice.best_mean] : [];
  const star = { type: "scatter", mode: "markers", name: "best trial", x: best, y: bestY,
    marker: { color: GREEN, size: 12, symbol: "star" } };
  if (slice.type === "categorical") {
    return { data: [
      { type: "scatter", mode: "markers", name: "mean ± 2 std", meta: slice.name, x, y: slice.mean,
        error_y: { type: "data", array: slice.std.map((s) => 2 * s), visible: true, color: BLUE },
        marker: { color: BLUE, size: 9 } },
      star,
    ] };
  }
  return { data: [
    { type: "scatter", mode: "lines", x, y: lower, line: { width: 0 }, hoverinfo: "skip", name: "mean - 2 std" },
    { type: "scatter", mode: "lines", x, y: upper, fill: "tonexty", fillcolor: "rgba(37,99,235,0.18)",
      line: { width: 0 }, hoverinfo: "skip", name: "mean + 2 std" },
    { type: "scatter", mode: "lines", meta: slice.name, x, y: slice.mean, line: { color: BLUE, width: 2 }, name: "mean" },
    star,
  ] };
}
