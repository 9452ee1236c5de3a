// The parallel coordinates' figure: a line per complete trial across one axis per parameter and
// the objective (brush.js lets the user select ranges on the axes). Lines are coloured by their
// objective value on the colour bar's own scale: eight bands, the bar drawn with the same bands.
import { plotText } from "./dom.js";
import { BLUE, CONFIG, GRAY, label, niceStep, pick, rows, TICK_CHARS } from "./plots.js";

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
  const numbers = pick(cols.number, idx);
  const values = pick(cols.value, idx);
  const axes = variables.map((v) => ({ key: `param:${v.name}`, ...pcAxis(v.name, pick(cols.params[v.name], idx), v) }));
  axes.push({ key: "objective", ...pcAxis(objective.name, values, null) });
  const sign = objective.direction === "minimize" ? 1 : -1;
  const order = idx.map((_, k) => k).sort((a, b) => sign * (values[b] - values[a])); // worst first
  const labels = idx.map((i) => `trial ${cols.number[i]}: ${cols.value[i]}`);
  return { axes, values, numbers, order, labels, sign, objective, sampled: Boolean(cols.sampled) };
}

// The trial numbers of the lines inside every brushed range (`brushes`: axis key -> [low, high]).
export function brushedNumbers(pc, brushes) {
  const inside = brushed(pc, brushes);
  return pc.numbers.filter((_, k) => inside[k]);
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

// The colour scale of the coloured lines: `band(v)` the VIRIDIS band of objective value v (the
// best values the last, yellow, band), `colorscale` the same bands for Plotly's colour bar over
// [cmin, cmax], so a line and its trial's marker on the bar have one colour.
export function colourBands(values, minimize) {
  const present = values.filter((v) => v !== null && Number.isFinite(v));
  const [cmin, cmax] = present.length ? [Math.min(...present), Math.max(...present)] : [0, 1];
  const n = VIRIDIS.length;
  const span = cmax - cmin;
  const band = (v) => {
    const t = span > 0 ? (v - cmin) / span : minimize ? 0 : 1;
    return Math.min(n - 1, Math.max(0, Math.floor((minimize ? 1 - t : t) * n)));
  };
  // over t in [j/n, (j+1)/n]: the band whose values those are (a minimized objective's low values are the best)
  const colour = (j) => VIRIDIS[minimize ? n - 1 - j : j];
  const colorscale = VIRIDIS.flatMap((_, j) => [[j / n, colour(j)], [(j + 1) / n, colour(j)]]);
  return { cmin, cmax: span > 0 ? cmax : cmin + 1, band, colorscale };
}

// Parallel coordinates drawn as SVG lines (one per complete trial, coloured by its objective value):
// no WebGL needed, so it works on any machine and under a strict CSP. `selection` (a Set of trial
// numbers, or null for all) is drawn in colour, the other lines gray beneath; past PARCOORDS_COLOURED
// selected lines, the worse ones are faded. The brushed ranges are drawn as boxes on their axes.
export function parcoords(pc, brushes = new Map(), selection = null) {
  const { axes, values, numbers, order, labels, sign, objective } = pc;
  const selected = numbers.map((n) => selection === null || selection.has(n));
  const groups = VIRIDIS.map(() => ({ x: [], y: [] }));
  const dimmed = { x: [], y: [] };
  const faded = { x: [], y: [] };
  const kept = order.filter((k) => selected[k]); // worst first
  const colouredLines = new Set(kept.slice(Math.max(0, kept.length - PARCOORDS_COLOURED)));
  const coloured = colouredLines.size;
  const scale = colourBands([...colouredLines].map((k) => values[k]), sign > 0);
  order.forEach((k) => {
    const g = !selected[k] ? dimmed : !colouredLines.has(k) ? faded : groups[scale.band(values[k])];
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
      marker: { size: 6, color: values, colorscale: scale.colorscale, cmin: scale.cmin, cmax: scale.cmax, showscale: true,
        opacity: selected.map((s, k) => (!s ? 0.15 : colouredLines.has(k) ? 1 : 0.35)),
        colorbar: { title: { text: label(objective.name, TICK_CHARS / 2) } } } },
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

