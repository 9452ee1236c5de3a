// Figures of many small plots in one Plotly figure (a subplot per cell): the scatter grid of
// parameters against metrics and the model's slices.
import { plotText } from "./dom.js";
import * as plots from "./plots.js";
import { axisFor, BLUE, GREEN, label, NAME_CHARS, pick, plotValues, rows, selectedPoints } from "./plots.js";

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
export function gridFigure(cells, width, cell) {
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
// trials against the variable, the best trial starred (`marked`, plots.markedTrials: the trial the
// study recommends, with the best observed one ringed when it is another); `selection` (trial
// numbers, or null) shown as Plotly shows a selection, the other points faded.
export function scatterGrid(cols, cells, marked, width, selection = null) {
  const idx = rows(cols, (i) => cols.state[i] === "complete");
  const best = idx.filter((i) => cols.number[i] === marked.star);
  const observed = idx.filter((i) => marked.observed !== null && cols.number[i] === marked.observed);
  const hover = idx.map((i) => `trial ${cols.number[i]}`);
  const numbers = pick(cols.number, idx);
  const chosen = selectedPoints(numbers, selection);
  return gridFigure(cells, width, ({ variable, metric, log, title }) => {
    const x = plotValues(variable, cols.params[variable.name]);
    const y = cols.metrics[metric];
    return {
      data: [
        { type: "scatter", mode: "markers", name: "trials", meta: [variable.name, metric], x: pick(x, idx),
          y: pick(y, idx), text: hover, customdata: numbers, marker: { color: BLUE, size: 5, opacity: 0.6 }, ...chosen },
        ...(observed.length ? [{ type: "scatter", mode: "markers", name: "best observed", x: pick(x, observed),
          y: pick(y, observed), text: [marked.observedText], hoverinfo: "text",
          marker: { color: GREEN, size: 11, symbol: "circle-open", line: { width: 2 } } }] : []),
        { type: "scatter", mode: "markers", name: marked.observed === null ? "best" : "recommended",
          x: pick(x, best), y: pick(y, best), marker: { color: GREEN, size: 11, symbol: "star" },
          ...(marked.observed === null ? { hoverinfo: "skip" } : { text: [marked.starText], hoverinfo: "text" }) },
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

// The GP posterior along each parameter, the others at the best trial (the recommended one when
// it is not the best observed: model.py): one subplot per slice, its mean and a 95% band (error
// bars for a categorical one).
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
  const star = { type: "scatter", mode: "markers", name: slice.recommended ? "recommended trial" : "best trial",
    x: best, y: bestY, marker: { color: GREEN, size: 12, symbol: "star" } };
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

// Sizes a grid figure's div for `n` subplots (before it is drawn, so the page does not shift).
export function fitGrid(div, n) {
  const rows = n ? Math.ceil(n / gridColumns(n, div.clientWidth || 1000)) : 0;
  div.style.height = `${rows * CELL_HEIGHT}px`;
}

// Draws the figure `figure(width)` of `n` subplots into `div`, or clears it when there are none.
export async function drawGrid(div, n, figure) {
  fitGrid(div, n);
  if (!n) {
    plots.purge(div);
    return;
  }
  await plots.draw(div, figure(div.clientWidth || 1000));
}
