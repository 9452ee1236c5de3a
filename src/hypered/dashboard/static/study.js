// The study page: best trial, convergence, learning curves (when trials reported), timeline,
// distribution, rank, scatter grid, contour, parallel coordinates, importance, the model's view and
// the trial table; polls the study and redraws when it changes.
// A bar of section links stays at the top, with the selection's count (selection.js: trials
// selected in one plot are shown in every plot and listed alone in the table). What is chosen
// (variables, metrics, log scales, the contour's axes, the selection or the parallel coordinates'
// ranges, the table's query) is kept in the URL, so a view can be shared or reloaded.
// The first screen (header, best trial, convergence) is drawn at once; the other plots go through
// a DrawQueue, one per task, those on screen first.
import { ParcoordsBrush } from "./brush.js";
import { logToggle, select } from "./controls.js";
import { CurvesSection } from "./curves.js";
import { apiUrl, clear, el, getJSON, poll, setCrumbs, setLive, studyUrl } from "./dom.js";
import { DrawQueue } from "./draw.js";
import * as grids from "./grid.js";
import { parcoordsData } from "./parcoords.js";
import { ParetoSection } from "./pareto.js";
import * as plots from "./plots.js";
import { section, sectionNav, showSection, watchSections } from "./sections.js";
import { ScatterSection } from "./scatter.js";
import { Selection } from "./selection.js";
import { fillBest, fillHeader } from "./summary.js";
import { TrialTable } from "./table.js";

const REFRESH_MS = 2000;
const metricsOf = (detail) => detail.metrics.filter((m) => m !== detail.objective.name);
const severalObjectives = (detail) => (detail.objectives ?? []).length >= 2;

// Resolves after the browser has painted what is in the page now.
const afterPaint = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

// Starts running plotly once what is on the page now is painted (its first run takes a few
// hundred ms); plots.draw awaits it.
function loadPlotlyAfterPaint() {
  if (!window.Plotly) afterPaint().then(plots.loadPlotly).catch(() => {});
}

class StudyPage {
  constructor(name, detail) {
    const params = new URLSearchParams(window.location.search);
    this.name = name;
    this.detail = detail;
    this.variables = new Map(detail.variables.map((v) => [v.name, v]));
    const names = detail.variables.map((v) => v.name);
    this.logAsked = new Set(params.getAll("log"));
    this.contourX = names.includes(params.get("cx")) ? params.get("cx") : names[0];
    this.contourY = names.includes(params.get("cy")) ? params.get("cy") : names[1] ?? names[0];
    this.completeSeen = -1;
    this.userMoved = false; // scrolled, clicked or typed since the page opened
    for (const kind of ["wheel", "keydown", "pointerdown", "touchstart"]) {
      window.addEventListener(kind, () => { this.userMoved = true; }, { once: true, passive: true });
    }
    this.queue = new DrawQueue();
    this.selection = new Selection(() => this.selectionChanged());
    this.selection.fromParams(params);
    this.brush = new ParcoordsBrush(this.selection, () => this.brushChanged());
    this.brush.fromParams(params);
    this.scatter = new ScatterSection(detail, params, this.queue, this.selection, () => this.saveState());
    this.pareto = new ParetoSection(this.queue, this.selection);
    this.curves = new CurvesSection(name, detail.objective.name, params, this.queue, () => this.saveState());
    this.table = new TrialTable(name, detail.variables, metricsOf(detail), () => this.saveState());
    this.table.fromParams(params);
  }

  // The page's state into its URL (defaults left out); the hash (a section) is kept.
  saveState() {
    const params = new URLSearchParams();
    this.scatter.toParams(params);
    if (this.convergenceLog.asked) params.append("log", "convergence");
    this.curves.toParams(params);
    if (this.edfLog.asked) params.append("log", "edf");
    const names = [...this.variables.keys()];
    if (this.contourX !== names[0]) params.set("cx", this.contourX);
    if (this.contourY !== (names[1] ?? names[0])) params.set("cy", this.contourY);
    this.brush.toParams(params);
    this.selection.toParams(params);
    this.table.toParams(params);
    const query = params.toString();
    const url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(null, "", url);
    }
  }

  // Scrolls to the section the URL's hash names, unless the user has moved on meanwhile (the
  // browser's own jump comes before the section exists; the plots above it grow as they are drawn).
  scrollToHash() {
    const id = decodeURIComponent(window.location.hash.slice(1));
    const target = id ? document.getElementById(id) : null;
    if (target && target.classList.contains("card") && !this.userMoved) target.scrollIntoView();
  }

  build(main) {
    const d = this.detail;
    this.header = el("div", { className: "study-header" });
    this.best = section("best", "Best trial");
    this.convergence = el("div", { id: "plot-convergence", className: "plot" });
    this.convergenceLog = logToggle("log-convergence", "log scale", this.logAsked.has("convergence"),
      () => { this.saveState(); this.drawConvergence(); });
    this.edfDiv = el("div", { id: "plot-edf", className: "plot small" });
    this.edfLog = logToggle("log-edf", "log scale", this.logAsked.has("edf"),
      () => { this.saveState(); this.drawEdf(); });
    this.edfNote = el("p", { className: "muted", id: "edf-note" });
    this.rankDiv = el("div", { id: "plot-rank", className: "plot small" });
    this.rankNote = el("p", { className: "muted", id: "rank-note" });
    this.sampleNote = el("p", { className: "muted", id: "sample-note" });
    this.timelineDiv = el("div", { id: "plot-timeline", className: "plot small" });
    this.contourDiv = el("div", { id: "plot-contour", className: "plot" });
    this.contourNote = el("p", { className: "muted" });
    this.importanceDiv = el("div", { id: "plot-importance", className: "plot small" });
    this.modelNote = el("p", { className: "muted", id: "model-method" });
    this.slicesGrid = el("div", { id: "slices-grid", className: "plot grid" });
    const names = d.variables.map((v) => v.name);
    main.append(
      this.header,
      sectionNav(this.selection.bar),
      this.best,
      section("pareto", "Pareto front", ...this.pareto.elements()),
      section("convergence", "Convergence", el("p", { className: "muted" },
        "Objective of each complete trial, the best so far, failed trials (×, drawn at the worst value) and "
        + "trials stopped early (▼, at their last report); when the study recommends another trial than the best "
        + "observed one, the recommended trial is starred (★) and the best observed ringed. Box or lasso select (the plot's toolbar) selects trials "
        + "here, in the timeline, rank, parameter and contour plots alike. ",
        this.convergenceLog.node),
      this.convergence, this.sampleNote),
      section("curves", "Learning curves", ...this.curves.elements()),
      section("timeline", "Timeline", el("p", { className: "muted",
        text: "When each trial ran, from its start to its end, by state (running ones up to now; those left "
          + "running by a driver that has stopped up to the study's last activity)." }), this.timelineDiv),
      section("edf", "Distribution of the objective", el("p", { className: "muted" },
        "The share of complete trials whose objective is at or below each value (the empirical distribution "
        + "function): a steep rise is where many trials landed. ", this.edfLog.node),
      this.edfDiv, this.edfNote),
      section("rank", "Rank of each trial", el("p", { className: "muted",
        text: "Each trial's objective as a rank: the share of all complete trials that did better (0% is the best), "
          + "against trial number. Outliers cannot squash it as they can the convergence plot: points that stay "
          + "near the top mean the search keeps finding good trials." }), this.rankDiv, this.rankNote),
      section("scatter", "Parameters against metrics", ...this.scatter.elements()),
      section("contour", "Contour of the objective over two parameters",
        el("div", { className: "choosers" },
          el("label", {}, "x ", select("contour-x", names, this.contourX, (v) => { this.contourX = v; this.contourChanged(); })),
          el("label", {}, " y ", select("contour-y", names, this.contourY, (v) => { this.contourY = v; this.contourChanged(); }))),
        el("p", { className: "muted", text: "The GP's posterior mean, other parameters at the best trial (the recommended one "
          + "when it is not the best observed); dots are trials. "
          + "A categorical parameter gets one band per category (its categories are not ordered)." }),
        this.contourNote, this.contourDiv),
      section("parallel", "Parallel coordinates", ...this.brush.elements()),
      section("importance", "Parameter importance", this.modelNote, this.importanceDiv),
      section("model", "The model's view",
        el("p", { className: "muted", text: "For each parameter: the GP's posterior mean of the objective and a "
          + "95% band (± 2 std) along it, with every other parameter at the best trial (★; the trial the study "
          + "recommends when it is not the best observed)." }),
        this.slicesGrid),
      section("trials", "Trials", this.table.element()));
    showSection("curves", false); // until the study's curves come, and only if some trial reported
    showSection("pareto", severalObjectives(d));
  }

  // Draws a plot whose points are trials and listens to the selections made in it.
  async drawSelectable(div, figure) {
    await plots.draw(div, figure);
    this.selection.watch(div);
  }

  drawConvergence() {
    if (!this.cols) return null;
    const fits = plots.positive(plots.convergenceValues(this.cols));
    this.convergenceLog.refresh(fits, "log scale needs every objective value above zero");
    return this.drawSelectable(this.convergence,
      plots.convergence(this.cols, this.detail.objective, this.convergenceLog.checked, this.selection.numbers,
        plots.markedTrials(this.detail)));
  }

  // The trials selected in one plot: every plot shows them, the table lists them alone.
  selectionChanged() {
    if (this.selection.source !== "parcoords") this.brush.brushes.clear(); // a selection made elsewhere replaces the ranges
    this.saveState();
    this.table.trials = this.selection.text;
    this.table.offset = 0;
    this.table.refresh().catch(() => {}); // shown in its message
    this.queueSelectable();
  }

  // The parallel coordinates' ranges changed: the trials inside them are the selection.
  brushChanged() {
    const numbers = this.brush.numbers();
    if (numbers !== null) this.selection.set(numbers, "parcoords");
    else if (this.selection.source === "parcoords") this.selection.clear();
    else this.queue.add(this.brush.plot, () => this.brush.draw());
  }

  // Queues every plot that shows the selection, drawn in turn, those on screen first
  // (`convergence`: that one too; a refresh draws it at once, as the first screen).
  queueSelectable(convergence = true) {
    if (!this.cols) return;
    const cols = this.cols;
    if (convergence) this.queue.add(this.convergence, () => this.drawConvergence());
    this.queue.add(this.timelineDiv, () => this.drawSelectable(this.timelineDiv,
      plots.timeline(cols, Date.now() / 1000, !this.detail.running, this.selection.numbers)));
    this.queue.add(this.rankDiv, () => this.drawSelectable(this.rankDiv, plots.rankPlot(cols, this.selection.numbers)));
    this.scatter.draw(cols, this.detail);
    if (severalObjectives(this.detail)) this.pareto.draw(cols, this.detail);
    if (this.contourDiv.data) this.queueContour();
    this.queue.add(this.brush.plot, () => this.brush.draw());
  }

  drawEdf() {
    const dist = this.cols.edf;
    this.edfLog.refresh(plots.positive(dist.values), "log scale needs every objective value above zero");
    Object.assign(this.edfNote.dataset, { count: dist.count, steps: dist.values.length });
    this.edfNote.textContent = dist.count === 0 ? "No complete trial yet."
      : `${dist.count} complete trials${this.cols.sampled ? ", all of them (not only the plots' sample)" : ""}`
        + (dist.values.length < dist.count ? `, drawn through ${dist.values.length} of their values.` : ".");
    return plots.draw(this.edfDiv, plots.edf(dist, this.detail.objective, this.edfLog.checked));
  }

  contourChanged() {
    this.saveState();
    this.queueContour();
  }

  queueContour() {
    this.queue.add(this.contourDiv, () => this.drawContour());
  }

  async drawContour() {
    const xVar = this.variables.get(this.contourX);
    const yVar = this.variables.get(this.contourY);
    if (!xVar || !yVar || xVar === yVar) {
      this.contourNote.textContent = "Choose two different parameters.";
      plots.purge(this.contourDiv);
      return;
    }
    const grid = await getJSON(apiUrl(this.name, "contour", { x: xVar.name, y: yVar.name }));
    if (!grid.available) {
      this.contourNote.textContent = grid.reason;
      return;
    }
    this.contourNote.textContent = "";
    await this.drawSelectable(this.contourDiv,
      plots.contour(grid, this.cols, xVar, yVar, this.detail.objective, this.selection.numbers));
  }

  // Queues the importance bars, the slices (one figure, a subplot per parameter) and the contour.
  drawModel(model) {
    const warnings = this.detail.warnings ?? [];
    const why = warnings.length && !this.detail.variables.length
      ? `the search space cannot be read (see the warning at the top)` : model.reason;
    this.modelNote.textContent = model.available ? `Method: ${model.method} Fitted on ${model.trials} trials.`
      : `No model yet: ${why}. (Method: ${model.method})`;
    const grid = this.slicesGrid;
    const n = model.available ? model.slices.length : 0;
    grids.fitGrid(grid, n);
    if (!model.available) {
      this.queue.add(grid, () => grids.drawGrid(grid, 0, null)); // replaces slices still queued
      return;
    }
    this.queue.add(this.importanceDiv, () => plots.draw(this.importanceDiv, plots.importance(model)));
    this.queue.add(grid, () => grids.drawGrid(grid, n, (width) => grids.modelSlices(model, this.variables, this.detail.objective, width)));
    this.queueContour();
  }

  // Redraws everything from the study's current data. `first` holds the requests renderStudy
  // started before this page existed: [detail, columns, curves].
  async refresh(first = null) {
    const [detailFetch, colsFetch, curvesFetch] = first
      ?? [getJSON(apiUrl(this.name)), getJSON(apiUrl(this.name, "columns")), getJSON(this.curves.url())];
    // drawn when they come, through the queue: a study of many long curves must not hold up the first screen
    const curvesShown = curvesFetch.then((curves) => this.curves.show(curves));
    curvesShown.catch(() => {}); // awaited below
    const detail = await detailFetch;
    // asked for now, not with the study: the server fits the model while the browser draws rather
    // than before it answers (a fit is cached per number of complete trials)
    const newModel = detail.counts.complete !== this.completeSeen;
    const modelFetch = newModel ? getJSON(apiUrl(this.name, "model")) : null;
    if (modelFetch) modelFetch.catch(() => {}); // awaited below; this keeps an early failure from being "unhandled"
    this.detail = detail;
    fillHeader(this.header, detail);
    fillBest(this.best, this.name, detail);
    loadPlotlyAfterPaint();
    const cols = await colsFetch;
    this.cols = cols;
    this.version = detail.version;
    this.sampleNote.textContent = cols.sampled
      ? `Large study: plots show ${cols.shown} of ${cols.total} trials (every improvement, the best 100, `
        + "running ones and an even spread); the table below has them all." : "";
    this.scatter.setMetrics(detail.metrics);
    if (this.table.setMetrics(metricsOf(detail)) && first === null) this.table.offset = 0;
    this.table.running = detail.running;
    // a selection of the parallel coordinates' ranges is worked out again over the new trials
    this.brush.setData(parcoordsData(cols, detail.variables, detail.objective));
    const brushed = this.brush.numbers();
    if (brushed !== null) this.selection.set(brushed, "parcoords", true);
    this.selection.showBar(cols.sampled);
    this.table.trials = this.selection.text;
    const tableLoad = this.table.refresh();
    tableLoad.catch(() => {}); // awaited below
    await this.drawConvergence();
    if (first) this.scrollToHash();
    document.body.dataset.ready = "1"; // the first screen is drawn; the rest follows, yielding to input
    this.queue.add(this.edfDiv, () => this.drawEdf());
    this.rankNote.textContent = cols.sampled ? `The points are the plots' sample of ${cols.shown} trials, `
      + `which favours the best; their ranks are among all ${cols.edf.count} complete trials.` : "";
    this.queueSelectable(false);
    if (modelFetch) {
      this.drawModel(await modelFetch);
      this.completeSeen = detail.counts.complete;
    }
    await tableLoad;
    await curvesShown;
    await this.queue.idle();
    if (first) this.scrollToHash(); // again: the plots above may have grown
    document.body.dataset.version = detail.version;
    document.body.dataset.drawn = "1";
  }

  async tick() {
    const { version, running } = await getJSON(apiUrl(this.name, "version"));
    setLive(running);
    if (version !== this.version || running !== this.detail.running) await this.refresh();
  }
}

export async function renderStudy(name) {
  const main = document.getElementById("main");
  setCrumbs(["studies", "/"], [name, studyUrl(name)]);
  document.title = `${name} · hypered`;
  // at once, before the page is built
  const curve = new URLSearchParams(window.location.search).get("curve"); // a metric other than the objective's
  const first = [getJSON(apiUrl(name)), getJSON(apiUrl(name, "columns")),
    getJSON(apiUrl(name, "curves", curve ? { metric: curve } : null))];
  for (const request of first) request.catch(() => {}); // awaited in refresh
  // the header and best trial from the outline, quick even while the server first reads the study
  let page = null;
  getJSON(apiUrl(name, "outline")).then((outline) => {
    if (page) return;
    const header = el("div", { className: "study-header" });
    const best = section("best", "Best trial");
    fillHeader(header, outline);
    fillBest(best, name, outline);
    clear(main).append(header, sectionNav(), best); // the links too: the page does not shift when the rest comes
    loadPlotlyAfterPaint();
  }, () => {}); // a failure shows through the study's own request
  window.history.scrollRestoration = "manual"; // the page's own scrollToHash, once there is room
  const detail = await first[0];
  page = new StudyPage(name, detail);
  page.build(clear(main));
  watchSections();
  await page.refresh(first);
  poll(() => page.tick(), REFRESH_MS);
}
