// The study page: best trial, convergence, scatter grid, contour, parallel coordinates,
// importance, the model's view and the trial table; polls the study and redraws when it changes.
import {
  apiUrl, clear, el, fmt, getJSON, keyValueTable, poll, setCrumbs, setLive, studyUrl, trialUrl,
} from "./dom.js";
import * as plots from "./plots.js";
import { TrialTable } from "./table.js";

const REFRESH_MS = 2000;
const DEFAULT_SCATTER_VARIABLES = 6;

const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 0));

function section(id, title, ...children) {
  return el("section", { id, className: "card" }, el("h2", { text: title }), ...children);
}

function checkboxes(name, items, checked, onChange) {
  return el("fieldset", { className: "choices", dataset: { choices: name } },
    el("legend", { text: name }),
    items.map((item) => el("label", {},
      el("input", { type: "checkbox", value: item, checked: checked.has(item),
        onchange: (e) => { if (e.target.checked) checked.add(item); else checked.delete(item); onChange(); } }),
      " ", item)));
}

function select(id, items, value, onChange) {
  return el("select", { id, onchange: (e) => onChange(e.target.value) },
    items.map((item) => el("option", { value: item, selected: item === value, text: item })));
}

class StudyPage {
  constructor(name, detail) {
    this.name = name;
    this.detail = detail;
    this.variables = new Map(detail.variables.map((v) => [v.name, v]));
    this.chosenVariables = new Set(detail.variables.slice(0, DEFAULT_SCATTER_VARIABLES).map((v) => v.name));
    this.chosenMetrics = new Set([detail.objective.name]);
    const names = detail.variables.map((v) => v.name);
    this.contourX = names[0];
    this.contourY = names[1] ?? names[0];
    this.completeSeen = -1;
    this.table = new TrialTable(name, detail.variables);
  }

  build(main) {
    const d = this.detail;
    this.header = el("div", { className: "study-header" });
    this.best = section("best", "Best trial");
    this.convergence = el("div", { id: "plot-convergence", className: "plot" });
    this.sampleNote = el("p", { className: "muted", id: "sample-note" });
    this.scatterGrid = el("div", { id: "scatter-grid", className: "plot-grid" });
    this.contourDiv = el("div", { id: "plot-contour", className: "plot" });
    this.contourNote = el("p", { className: "muted" });
    this.parcoordsDiv = el("div", { id: "plot-parcoords", className: "plot" });
    this.importanceDiv = el("div", { id: "plot-importance", className: "plot small" });
    this.modelNote = el("p", { className: "muted", id: "model-method" });
    this.slicesGrid = el("div", { id: "slices-grid", className: "plot-grid" });
    const names = d.variables.map((v) => v.name);
    main.append(
      this.header,
      this.best,
      section("convergence", "Convergence", el("p", { className: "muted",
        text: "Objective of each complete trial, the best so far, and failed trials (×, drawn at the worst value)." }),
      this.convergence, this.sampleNote),
      section("scatter", "Parameters against metrics",
        el("div", { className: "choosers" },
          checkboxes("variables", names, this.chosenVariables, () => this.drawScatter()),
          checkboxes("metrics", d.metrics, this.chosenMetrics, () => this.drawScatter())),
        this.scatterGrid),
      section("contour", "Contour of the objective over two parameters",
        el("div", { className: "choosers" },
          el("label", {}, "x ", select("contour-x", names, this.contourX, (v) => { this.contourX = v; this.drawContour(); })),
          el("label", {}, " y ", select("contour-y", names, this.contourY, (v) => { this.contourY = v; this.drawContour(); }))),
        el("p", { className: "muted", text: "The GP's posterior mean, other parameters at the best trial; dots are trials." }),
        this.contourNote, this.contourDiv),
      section("parallel", "Parallel coordinates", this.parcoordsDiv),
      section("importance", "Parameter importance", this.modelNote, this.importanceDiv),
      section("model", "The model's view",
        el("p", { className: "muted", text: "For each parameter: the GP's posterior mean of the objective and a "
          + "95% band (± 2 std) along it, with every other parameter at the best trial (★)." }),
        this.slicesGrid),
      section("trials", "Trials", this.table.element()));
  }

  renderHeader(d) {
    const c = d.counts;
    clear(this.header).append(
      el("h1", {}, d.name, " ", el("span", { className: `badge ${d.running ? "running" : "idle"}`, id: "study-status",
        text: d.running ? "running" : "idle" })),
      el("p", { className: "summary" },
        `${d.objective.direction} ${d.objective.name} · `,
        el("span", { id: "count-complete", text: `${c.complete} complete` }), ` · ${c.failed} failed · `,
        `${c.running} running · ${c.interrupted} interrupted`,
        d.iterations ? ` · target ${d.iterations}` : "",
        d.legacy ? " · an older study (trial folders only): the search space and objective are inferred" : ""));
    setLive(d.running);
  }

  renderBest(d) {
    clear(this.best).appendChild(el("h2", { text: "Best trial" }));
    if (!d.best) {
      this.best.appendChild(el("p", { className: "empty", text: "No complete trial yet." }));
      return;
    }
    const b = d.best;
    this.best.append(
      el("p", {}, el("a", { href: trialUrl(this.name, b.number), text: `trial ${b.number}` }),
        `: ${d.objective.name} = `, el("strong", { id: "best-value", text: fmt(b.value) })),
      el("div", { className: "columns" },
        el("div", {}, el("h3", { text: "params" }), keyValueTable(Object.entries(b.all_params), "kv best-params")),
        el("div", {}, el("h3", { text: "metrics" }), keyValueTable(Object.entries(b.metrics), "kv best-metrics"))));
  }

  async drawScatter() {
    if (!this.cols) return;
    const bestNumber = this.detail.best ? this.detail.best.number : null;
    const wanted = [];
    for (const metric of this.detail.metrics) {
      if (!this.chosenMetrics.has(metric)) continue;
      for (const v of this.detail.variables) if (this.chosenVariables.has(v.name)) wanted.push([v, metric]);
    }
    const keys = wanted.map(([v, m]) => JSON.stringify([v.name, m]));
    const existing = new Map([...this.scatterGrid.children].map((n) => [n.dataset.key, n]));
    for (const [key, node] of existing) if (!keys.includes(key)) { window.Plotly.purge(node.lastChild); node.remove(); }
    const cells = wanted.map(([v, metric], i) => {
      const node = existing.get(keys[i]) || el("div", { className: "cell", dataset: { key: keys[i], variable: v.name, metric } },
        el("div", { className: "cell-title", text: `${metric} vs ${v.name}` }), el("div", { className: "plot scatter" }));
      this.scatterGrid.appendChild(node); // keeps the order of `wanted`
      return node;
    });
    for (const [i, [v, metric]] of wanted.entries()) {
      await plots.draw(cells[i].lastChild, plots.scatter(this.cols, v, metric, bestNumber));
      await nextFrame(); // stay responsive while a large grid draws
    }
  }

  async drawContour() {
    const xVar = this.variables.get(this.contourX);
    const yVar = this.variables.get(this.contourY);
    if (!xVar || !yVar || xVar === yVar) {
      this.contourNote.textContent = "Choose two different parameters.";
      window.Plotly.purge(this.contourDiv);
      return;
    }
    const grid = await getJSON(apiUrl(this.name, "contour", { x: xVar.name, y: yVar.name }));
    if (!grid.available) {
      this.contourNote.textContent = grid.reason;
      return;
    }
    this.contourNote.textContent = "";
    await plots.draw(this.contourDiv, plots.contour(grid, this.cols, xVar, yVar, this.detail.objective));
  }

  async drawModel(model) {
    this.modelNote.textContent = model.available ? `Method: ${model.method} Fitted on ${model.trials} trials.`
      : `No model yet: ${model.reason}. (Method: ${model.method})`;
    clear(this.slicesGrid);
    if (!model.available) return;
    await plots.draw(this.importanceDiv, plots.importance(model));
    for (const slice of model.slices) {
      const variable = this.variables.get(slice.name);
      const div = el("div", { className: "plot scatter" });
      this.slicesGrid.appendChild(el("div", { className: "cell", dataset: { variable: slice.name } },
        el("div", { className: "cell-title", text: slice.name }), div));
      plots.draw(div, plots.modelSlice(slice, variable, this.detail.objective));
    }
    await this.drawContour();
  }

  async refresh() {
    const [detail, cols] = await Promise.all([getJSON(apiUrl(this.name)), getJSON(apiUrl(this.name, "columns"))]);
    this.detail = detail;
    this.cols = cols;
    this.version = detail.version;
    this.renderHeader(detail);
    this.renderBest(detail);
    this.sampleNote.textContent = cols.sampled
      ? `Large study: plots show ${cols.shown} of ${cols.total} trials (every improvement, the best 100, `
        + "running ones and an even spread); the table below has them all." : "";
    await plots.draw(this.convergence, plots.convergence(cols, detail.objective));
    document.body.dataset.ready = "1"; // the first screen is drawn; the rest follows, yielding to input
    // asked for now, awaited last: a first fit runs on the server while the other plots draw (it is
    // cached per number of complete trials, so a refresh without new ones is cheap)
    const modelFetch = getJSON(apiUrl(this.name, "model"));
    modelFetch.catch(() => {}); // awaited below; this only keeps an early failure from being "unhandled"
    await nextFrame();
    await this.drawScatter();
    await plots.draw(this.parcoordsDiv, plots.parcoords(cols, detail.variables, detail.objective));
    await this.table.refresh();
    if (detail.counts.complete !== this.completeSeen) {
      this.completeSeen = detail.counts.complete;
      await nextFrame();
      await this.drawModel(await modelFetch);
    }
    document.body.dataset.version = detail.version;
    document.body.dataset.drawn = "1";
  }

  async tick() {
    const { version, running } = await getJSON(apiUrl(this.name, "version"));
    setLive(running);
    if (version !== this.version) await this.refresh();
  }
}

export async function renderStudy(name) {
  const detail = await getJSON(apiUrl(name));
  setCrumbs(["studies", "/"], [name, studyUrl(name)]);
  document.title = `${name} · hypered`;
  const page = new StudyPage(name, detail);
  page.build(clear(document.getElementById("main")));
  await page.refresh();
  poll(() => page.tick(), REFRESH_MS);
}
