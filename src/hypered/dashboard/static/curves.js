// The learning curves' section of the study page: each trial's reported metric (the objective's,
// or another one picked) against step, a line per trial; a click on a line opens its trial's page.
// Shown only when some trial reported.
import { logToggle, select } from "./controls.js";
import { apiUrl, el, getJSON, trialUrl } from "./dom.js";
import * as plots from "./plots.js";
import { AMBER, BLUE, GRAY, GREEN, label, niceStep, PURPLE, RED } from "./plots.js";
import { showSection } from "./sections.js";

// How a learning curve is drawn, by its trial's state: stopped early dotted, running thicker.
const CURVE_STYLES = {
  complete: { name: "complete", color: BLUE, dash: "solid", width: 1.2, rank: 2 },
  running: { name: "running", color: AMBER, dash: "solid", width: 2, rank: 3 },
  pruned: { name: "stopped early", color: PURPLE, dash: "dot", width: 1.2, rank: 4 },
  failed: { name: "failed", color: RED, dash: "dashdot", width: 1, rank: 6 },
  interrupted: { name: "interrupted", color: GRAY, dash: "dashdot", width: 1, rank: 7 },
};

// The metric's reported values against step, a line per trial (`meta`: its number and state),
// the best trial's on top; trials stopped early end with a ▼ at their last report (its trial's
// number as `customdata`).
export function learningCurves(data, logY = false) {
  const ordered = [...data.curves].sort((a, b) => (a.number === data.best) - (b.number === data.best));
  const legend = new Set();
  const lines = ordered.map((c) => {
    const style = CURVE_STYLES[c.state] ?? CURVE_STYLES.interrupted;
    const best = c.number === data.best;
    const group = best ? "best" : c.state;
    const first = !legend.has(group);
    legend.add(group);
    const bestName = data.recommended ? "recommended trial" : "best trial";
    return { type: "scatter", mode: "lines", name: best ? bestName : style.name, legendgroup: group,
      showlegend: first, legendrank: best ? 1 : style.rank, meta: { number: c.number, state: c.state },
      x: c.steps, y: c.values, connectgaps: true, opacity: best ? 1 : 0.6,
      line: { color: best ? GREEN : style.color, dash: style.dash, width: best ? 2.5 : style.width },
      hovertemplate: `trial ${c.number} (${style.name}): step %{x}, %{y:.4g} · click to open<extra></extra>` };
  });
  const stops = data.curves.filter((c) => c.state === "pruned").map((c) => {
    let k = c.values.length - 1;
    while (k >= 0 && c.values[k] === null) k--;
    return k < 0 ? null : [c.number, c.steps[k], c.values[k]];
  }).filter((stop) => stop !== null);
  if (stops.length) {
    lines.push({ type: "scatter", mode: "markers", name: "stopped here", legendgroup: "pruned", legendrank: 5,
      x: stops.map((s) => s[1]), y: stops.map((s) => s[2]), customdata: stops.map((s) => s[0]), text: stops.map((s) => `trial ${s[0]} stopped early at step ${s[1]}`),
      hoverinfo: "text", marker: { color: PURPLE, symbol: "triangle-down", size: 9 } });
  }
  const lastStep = Math.max(0, ...data.curves.map((c) => c.steps.at(-1) ?? 0));
  return {
    data: lines,
    layout: {
      xaxis: { title: { text: "step" }, tick0: 0, dtick: Math.max(1, niceStep(lastStep / 8)) }, // whole steps
      yaxis: { title: { text: label(data.metric ?? data.objective.name) }, type: logY ? "log" : "linear" },
      legend: { orientation: "h", y: 1.12 },
    },
  };
}

// The values the learning curves show (for deciding whether log scale fits them).
export function curveValues(data) {
  return data.curves.flatMap((c) => c.values);
}


// The trial a click on the learning curves is on: a line's (its `meta`) or a ▼'s (its `customdata`).
function clickedTrial(event) {
  const point = event && event.points && event.points[0];
  if (!point) return null;
  const number = point.data.meta && point.data.meta.number !== undefined ? point.data.meta.number : point.customdata;
  return Number.isInteger(number) ? number : null;
}

export class CurvesSection {
  // `params`: the page's URL parameters (log=curves, curve=METRIC); `onChange()`: the user changed the view.
  constructor(study, objective, params, queue, onChange) {
    this.study = study;
    this.objective = objective;
    this.queue = queue;
    this.onChange = onChange;
    this.metric = params.get("curve") || objective;
    this.data = null;
    this.div = el("div", { id: "plot-curves", className: "plot" });
    this.log = logToggle("log-curves", "log scale", params.getAll("log").includes("curves"),
      () => { this.onChange(); this.draw(); });
    this.note = el("p", { className: "muted", id: "curves-note" });
    this.picker = el("label", { hidden: true }, "metric ");
  }

  // Where the curves being shown come from.
  url() {
    return apiUrl(this.study, "curves", this.metric === this.objective ? null : { metric: this.metric });
  }

  toParams(params) {
    if (this.log.asked) params.append("log", "curves");
    if (this.metric !== this.objective) params.set("curve", this.metric);
  }

  elements() {
    return [el("p", { className: "muted" },
      "A metric each trial reported at each step: a line per trial, the best trial's in green, trials stopped "
      + "early dotted and ended with ▼ where they were stopped. Click a line to open its trial. ",
      this.picker, " ", this.log.node), this.div, this.note];
  }

  // The metrics to pick from: those reported (a new one appears as trials report it).
  fillPicker(metrics) {
    const names = metrics.includes(this.metric) ? metrics : [...metrics, this.metric];
    if (this.pickerNames === names.join("\n")) return;
    this.pickerNames = names.join("\n");
    const chooser = select("curves-metric", names, this.metric, (value) => this.choose(value));
    this.picker.replaceChildren("metric ", chooser);
    this.picker.hidden = names.length < 2;
  }

  async choose(metric) {
    this.metric = metric;
    this.onChange();
    this.show(await getJSON(this.url()));
  }

  // Shows the section if any trial reported, and queues the plot.
  show(curves) {
    if ((curves.metric ?? this.objective) !== this.metric) return; // an answer for a metric no longer picked
    this.data = curves;
    showSection("curves", curves.total > 0);
    this.fillPicker(curves.metrics ?? [this.objective]);
    const notes = [];
    if (curves.sampled) {
      notes.push(`Many trials reported: the plot shows ${curves.shown} of ${curves.total} curves (the running `
        + `trials, the best ${curves.best_kept} complete ones, those stopped early spread evenly, then an even `
        + "spread of the rest).");
    }
    if (curves.thinned) notes.push(`Long curves are drawn through ${curves.max_steps} of their steps (an even spread, the last kept).`);
    if (curves.total > 0 && !curves.curves.some((c) => c.values.some((v) => v !== null))) {
      notes.push("No trial drawn reported this metric as a number.");
    }
    this.note.textContent = notes.join(" ");
    if (curves.total > 0) this.queue.add(this.div, () => this.draw());
    else plots.purge(this.div);
  }

  async draw() {
    if (!this.data || this.data.total === 0) return;
    const fits = plots.positive(curveValues(this.data));
    this.log.refresh(fits, "log scale needs every reported value above zero");
    await plots.draw(this.div, learningCurves(this.data, this.log.checked));
    if (!this.clickable) {
      this.clickable = true;
      this.div.on("plotly_click", (event) => {
        const number = clickedTrial(event);
        if (number !== null) window.location.assign(trialUrl(this.study, number));
      });
    }
  }
}
