// The trials selected in the plots, one selection for the whole study page: brushing the parallel
// coordinates, or a box or lasso selection in the convergence, timeline, rank, scatter or contour
// plots, selects trials; every plot then shows them (the others faded) and the trial table lists
// only them. It travels as trial numbers written as ranges (3-7,12), to the server for the table
// and into the page's URL (sel=), so a reload keeps it; a brushed selection is kept as its ranges
// instead (brush=, brush.js) and is worked out again as new trials come.
import { el } from "./dom.js";
import { isDrawing } from "./plots.js";

// Sorted numbers as ranges, "3-7,12,15-20"; "none" for no number.
export function encodeNumbers(numbers) {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const parts = [];
  for (let k = 0; k < sorted.length; k++) {
    const start = sorted[k];
    while (k + 1 < sorted.length && sorted[k + 1] === sorted[k] + 1) k++;
    parts.push(sorted[k] === start ? String(start) : `${start}-${sorted[k]}`);
  }
  return parts.length ? parts.join(",") : "none";
}

// The numbers of "3-7,12" ("none": none), or null if the text is not such a list.
export function decodeNumbers(text, most = 1_000_000) {
  if (text.trim() === "none") return [];
  const out = [];
  for (const part of text.split(",")) {
    const match = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
    if (!match) return null;
    const [a, b] = [Number(match[1]), Number(match[2] ?? match[1])];
    for (let n = Math.min(a, b); n <= Math.max(a, b) && out.length < most; n++) out.push(n);
  }
  return out;
}

const SOURCES = { parcoords: "the parallel coordinates", url: "the page's address", "plot-convergence": "the convergence plot",
  "plot-timeline": "the timeline", "plot-rank": "the rank plot", "scatter-grid": "the scatter plots",
  "plot-contour": "the contour" };

export class Selection {
  // `onChange()` is called after the selection is changed by the user (not by `set(..., true)`).
  constructor(onChange = () => {}) {
    this.onChange = onChange;
    this.numbers = null; // a Set of trial numbers, or null: no selection (every trial shown as usual)
    this.source = null; // "parcoords", "url" or the id of the plot it was made in
    this.watched = new WeakSet();
    this.count = el("strong", { id: "selection-count" });
    this.from = el("span", { className: "muted", id: "selection-source" });
    this.bar = el("span", { className: "selection-bar", id: "selection-bar", hidden: true, role: "status" },
      this.count, " ", this.from, " ",
      el("button", { type: "button", id: "selection-clear", text: "clear", title: "show every trial again",
        onclick: () => this.clear() }));
  }

  get active() {
    return this.numbers !== null;
  }

  // The selection as the table's `trials=` and the URL's `sel=` write it; null when there is none.
  get text() {
    return this.numbers === null ? null : encodeNumbers(this.numbers);
  }

  // Selects `numbers` (made in `source`); `quiet`: a brushed selection worked out again, no onChange.
  set(numbers, source, quiet = false) {
    this.numbers = new Set(numbers);
    this.source = source;
    this.showBar();
    if (!quiet) this.onChange();
  }

  clear() {
    if (this.numbers === null) return;
    this.numbers = null;
    this.source = null;
    this.showBar();
    this.onChange();
  }

  // `sampled`: the plots show a sample of the study's trials, so a selection is made among those.
  showBar(sampled = this.sampled) {
    this.sampled = sampled;
    this.bar.hidden = this.numbers === null;
    if (this.numbers === null) return;
    const n = this.numbers.size;
    this.count.textContent = `${n} ${n === 1 ? "trial" : "trials"} selected`;
    this.bar.dataset.count = String(n);
    const where = SOURCES[this.source] ?? "a plot";
    this.from.textContent = `(in ${where}${sampled ? ", among the trials the plots show" : ""}) —`;
  }

  // A selection from the URL, unless a brushed one (brush=) will be worked out instead.
  fromParams(params) {
    if (params.has("brush") || !params.has("sel")) return;
    const numbers = decodeNumbers(params.get("sel"));
    if (numbers !== null) this.set(numbers, "url", true);
  }

  toParams(params) {
    if (this.numbers !== null && this.source !== "parcoords") params.set("sel", this.text);
  }

  // Listens to the box and lasso selections of a drawn Plotly plot: its points' `customdata` are
  // trial numbers (plots.js). A double click in select mode clears the selection.
  watch(div) {
    if (this.watched.has(div) || typeof div.on !== "function") return;
    this.watched.add(div);
    div.on("plotly_selected", (event) => {
      if (!event || !event.points || isDrawing(div)) return;
      const numbers = event.points.map((p) => p.customdata).filter((n) => Number.isInteger(n));
      this.set(numbers, div.id);
    });
    div.on("plotly_deselect", () => { if (!isDrawing(div)) this.clear(); });
  }
}
