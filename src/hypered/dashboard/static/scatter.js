// The scatter grid's section: each chosen parameter against each chosen metric, a subplot each in
// one figure; the trials selected (selection.js) shown, the others faded; a log scale for metrics.
// The choices are kept in the page's URL (var=, metric=, log=metrics).
import { checkboxes, logToggle } from "./controls.js";
import { el } from "./dom.js";
import { drawGrid, fitGrid, scatterGrid, scatterValues } from "./grid.js";
import * as plots from "./plots.js";

const DEFAULT_VARIABLES = 6;

// The names a URL parameter lists (repeated: ?var=a&var=b; present but empty: none), those known only.
function chosen(params, key, known, fallback) {
  if (!params.has(key)) return new Set(fallback);
  return new Set(params.getAll(key).filter((name) => known.includes(name)));
}

const sameSet = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));

export class ScatterSection {
  // `params`: the page's URL parameters; `onChange()`: the user changed a choice.
  constructor(detail, params, queue, selection, onChange) {
    this.detail = detail;
    this.queue = queue;
    this.selection = selection;
    this.onChange = onChange;
    this.cols = null;
    const names = detail.variables.map((v) => v.name);
    this.defaultVariables = new Set(names.slice(0, DEFAULT_VARIABLES));
    this.chosenVariables = chosen(params, "var", names, this.defaultVariables);
    this.chosenMetrics = chosen(params, "metric", detail.metrics, [detail.objective.name]);
    this.changed = () => { this.onChange(); if (this.cols) this.draw(this.cols, this.detail); };
    this.log = logToggle("log-metrics", "log scale for metrics", params.getAll("log").includes("metrics"), this.changed);
    this.grid = el("div", { id: "scatter-grid", className: "plot grid" });
    this.metricNames = detail.metrics.join("\n");
    this.metricChoices = checkboxes("metrics", detail.metrics, this.chosenMetrics, this.changed);
    this.variableChoices = checkboxes("variables", names, this.chosenVariables, this.changed);
  }

  elements() {
    return [el("div", { className: "choosers" }, this.variableChoices, this.metricChoices, this.log.node), this.grid];
  }

  toParams(params) {
    const list = (key, set, order) => {
      if (set.size === 0) params.set(key, "");
      for (const name of order) if (set.has(name)) params.append(key, name);
    };
    const d = this.detail;
    if (!sameSet(this.chosenVariables, this.defaultVariables)) list("var", this.chosenVariables, d.variables.map((v) => v.name));
    if (!sameSet(this.chosenMetrics, new Set([d.objective.name]))) list("metric", this.chosenMetrics, d.metrics);
    if (this.log.asked) params.append("log", "metrics");
  }

  // The metrics' checkboxes again when a trial reports a metric no trial had (no reload needed).
  setMetrics(metrics) {
    if (metrics.join("\n") === this.metricNames) return;
    this.metricNames = metrics.join("\n");
    const fresh = checkboxes("metrics", metrics, this.chosenMetrics, this.changed);
    this.metricChoices.replaceWith(fresh);
    this.metricChoices = fresh;
  }

  // Queues the scatter grid: one figure, a subplot per chosen (variable, metric).
  draw(cols, detail) {
    this.cols = cols;
    this.detail = detail;
    const marked = plots.markedTrials(this.detail);
    const logAsked = this.log.asked;
    const cells = [];
    let anyFits = false;
    for (const metric of this.detail.metrics) {
      if (!this.chosenMetrics.has(metric)) continue;
      const values = scatterValues(this.cols, metric);
      const fits = plots.positive(values);
      anyFits = anyFits || fits;
      const why = values.some((y) => y !== null) ? " (linear: values ≤ 0)" : " (no values)";
      for (const variable of this.detail.variables) {
        if (!this.chosenVariables.has(variable.name)) continue;
        cells.push({ variable, metric, log: logAsked && fits,
          title: `${metric} vs ${variable.name}` + (logAsked && !fits ? why : "") });
      }
    }
    this.log.refresh(anyFits || cells.length === 0, "log scale needs a chosen metric with every value above zero");
    const grid = this.grid;
    fitGrid(grid, cells.length);
    const selection = this.selection.numbers;
    this.queue.add(grid, async () => {
      await drawGrid(grid, cells.length, (width) => scatterGrid(this.cols, cells, marked, width, selection));
      if (cells.length) this.selection.watch(grid);
    });
  }
}
