// The Pareto front's section, for a study of several objectives: each pair of objectives as a
// scatter of the complete trials, the Pareto set highlighted (with two objectives, the front drawn
// through it as a staircase). One figure, a subplot per pair (grid.js); trials selectable as elsewhere.
import { el } from "./dom.js";
import { drawGrid, fitGrid, gridFigure } from "./grid.js";
import { BLUE, label, pick, RED, rows, selectedPoints } from "./plots.js";

// The pairs (i < j) of objectives, one subplot each.
function pairs(objectives) {
  const out = [];
  for (let i = 0; i < objectives.length; i++) {
    for (let j = i + 1; j < objectives.length; j++) out.push([objectives[i], objectives[j]]);
  }
  return out;
}

// The staircase through the Pareto points of one pair, as far as they are non-dominated there
// (both minimized after flipping a maximized objective's sign): what the front looks like in 2-D.
function staircase(x, y, xObj, yObj) {
  const sx = xObj.direction === "maximize" ? -1 : 1;
  const sy = yObj.direction === "maximize" ? -1 : 1;
  const points = x.map((v, k) => [v, y[k]]).filter(([a, b]) => a !== null && b !== null)
    .sort((p, q) => sx * p[0] - sx * q[0] || sy * p[1] - sy * q[1]);
  const sx2 = [], sy2 = [];
  let last = Infinity;
  for (const [a, b] of points) {
    if (sy * b >= last) continue;
    if (sx2.length) { sx2.push(a); sy2.push(sy2[sy2.length - 1]); }
    sx2.push(a); sy2.push(b);
    last = sy * b;
  }
  return { x: sx2, y: sy2 };
}

// The figure: a subplot per pair of objectives, complete trials in blue, the Pareto set in red.
export function paretoGrid(cols, objectives, width, selection = null) {
  const idx = rows(cols, (i) => cols.state[i] === "complete");
  const front = idx.filter((i) => cols.pareto[i]);
  const numbers = pick(cols.number, idx);
  const frontNumbers = pick(cols.number, front);
  const hover = (ids) => ids.map((i) => `trial ${cols.number[i]}${cols.pareto[i] ? " (Pareto)" : ""}`);
  const cells = pairs(objectives);
  return gridFigure(cells, width, ([a, b]) => {
    const x = cols.metrics[a.name] || [];
    const y = cols.metrics[b.name] || [];
    const stairs = objectives.length === 2 ? staircase(pick(x, front), pick(y, front), a, b) : { x: [], y: [] };
    return {
      data: [
        { type: "scatter", mode: "markers", name: "trials", x: pick(x, idx), y: pick(y, idx), text: hover(idx),
          customdata: numbers, marker: { color: BLUE, size: 5, opacity: 0.5 }, ...selectedPoints(numbers, selection) },
        { type: "scatter", mode: "lines", name: "front", x: stairs.x, y: stairs.y, hoverinfo: "skip",
          line: { color: RED, width: 1.5, shape: "linear" } },
        { type: "scatter", mode: "markers", name: "Pareto set", x: pick(x, front), y: pick(y, front),
          text: hover(front), customdata: frontNumbers, marker: { color: RED, size: 9, symbol: "diamond" },
          ...selectedPoints(frontNumbers, selection) },
      ],
      xaxis: { title: { text: label(`${a.direction} ${a.name}`) } },
      yaxis: { title: { text: label(`${b.direction} ${b.name}`) } },
      title: label(`${b.name} vs ${a.name}`),
    };
  });
}

export class ParetoSection {
  constructor(queue, selection) {
    this.queue = queue;
    this.selection = selection;
    this.note = el("p", { className: "muted", id: "pareto-note" });
    this.grid = el("div", { id: "pareto-grid", className: "plot grid" });
  }

  elements() {
    return [el("p", { className: "muted", text: "Each pair of objectives: every complete trial (blue) and "
      + "the Pareto set (red diamonds: feasible trials no other feasible trial beats on every objective). "
      + "With two objectives the line is the front." }), this.note, this.grid];
  }

  // Queues the figure; `detail.objectives` lists the objectives (two or more).
  draw(cols, detail) {
    const objectives = detail.objectives;
    const count = cols.pareto.filter(Boolean).length;
    this.note.textContent = `${detail.pareto} trial${detail.pareto === 1 ? "" : "s"} in the Pareto set`
      + (count < detail.pareto ? ` (${count} of them among the plotted trials)` : "") + ".";
    const n = pairs(objectives).length;
    fitGrid(this.grid, n);
    const selection = this.selection.numbers;
    this.queue.add(this.grid, async () => {
      await drawGrid(this.grid, n, (width) => paretoGrid(cols, objectives, width, selection));
      this.selection.watch(this.grid);
    });
  }
}
