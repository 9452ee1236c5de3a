// The trial table: filtered by state and by a filter text (comparisons, ranges, free text; the
// server's dashboard/filters.py reads it), sorted by any column (params and metrics too), paged
// with a chosen page size, a page number or a trial to go to; all server-side so a 10,000-trial
// study sends one page at a time. Its query lives in the page's URL (study.js).
import { apiUrl, clear, el, fmt, fmtDuration, fmtTime, getJSON, HttpError, trialUrl } from "./dom.js";

export const PAGE_SIZES = [20, 50, 100, 200, 500];
export const DEFAULT_PAGE = 50;
const STATES = ["", "complete", "failed", "running", "pruned", "interrupted"];
const FILTER_HELP = "Filters, separated by commas: lr < 0.01 · loss = 0.1..0.5 · opt = adam · opt ~ ad · "
  + "val.acc = nan · or a word found in the state, the failure reason or a categorical value. Enter applies.";

export class TrialTable {
  // `onChange()` is called after the user changes the query (for the page's URL).
  constructor(study, variables, metrics, onChange = () => {}) {
    this.study = study;
    this.variables = variables;
    this.onChange = onChange;
    this.state = "";
    this.sort = "number";
    this.order = "asc";
    this.offset = 0;
    this.limit = DEFAULT_PAGE;
    this.filter = "";
    this.around = null; // a trial number to show the page of, once
    this.trials = null; // the trials selected in the plots, as ranges (selection.js), or null for all
    this.running = true; // whether a driver holds the study (else "running" trials were left running)
    this.setMetrics(metrics);
  }

  // The query as URL parameters (defaults left out), and back.
  toParams(params) {
    if (this.sort !== "number" || this.order !== "asc") params.set("sort", `${this.sort} ${this.order}`);
    if (this.state) params.set("state", this.state);
    if (this.filter) params.set("filter", this.filter);
    if (this.limit !== DEFAULT_PAGE) params.set("size", String(this.limit));
    if (this.offset) params.set("page", String(Math.floor(this.offset / this.limit) + 1));
  }

  fromParams(params) {
    const sort = params.get("sort");
    if (sort) {
      const cut = sort.lastIndexOf(" ");
      const order = sort.slice(cut + 1);
      [this.sort, this.order] = cut > 0 && (order === "asc" || order === "desc") ? [sort.slice(0, cut), order] : [sort, "asc"];
      if (!this.columns.some(([key]) => key === this.sort)) [this.sort, this.order] = ["number", "asc"];
    }
    if (STATES.includes(params.get("state") ?? "")) this.state = params.get("state") ?? "";
    this.filter = params.get("filter") ?? "";
    const size = Number(params.get("size"));
    if (PAGE_SIZES.includes(size)) this.limit = size;
    const page = Number(params.get("page"));
    this.offset = Number.isInteger(page) && page > 1 ? (page - 1) * this.limit : 0;
  }

  // The metric columns (the objective's is the value column); true if they changed.
  setMetrics(metrics) {
    if (this.metrics && this.metrics.join("\n") === metrics.join("\n")) return false;
    this.metrics = metrics;
    this.columns = [
      ["number", "#"], ["state", "state"], ["value", "value"], ["duration", "duration"], ["started", "started"],
      ...this.variables.map((v) => [`param:${v.name}`, v.name]),
      ...metrics.map((m) => [`metric:${m}`, m]),
    ];
    if (!this.columns.some(([key]) => key === this.sort)) [this.sort, this.order] = ["number", "asc"];
    if (this.head) this.renderHead();
    return true;
  }

  element() {
    this.head = el("tr");
    this.body = el("tbody");
    this.info = el("span", { className: "muted", id: "table-info" });
    this.message = el("span", { className: "error", id: "table-message", role: "status" });
    this.prev = el("button", { type: "button", id: "table-prev", text: "‹ previous", onclick: () => this.page(-1) });
    this.next = el("button", { type: "button", id: "table-next", text: "next ›", onclick: () => this.page(1) });
    this.stateSelect = el("select", { id: "state-filter", onchange: (e) => this.change({ state: e.target.value }) },
      STATES.map((s) => el("option", { value: s, text: s || "all states" })));
    this.filterInput = el("input", { type: "search", id: "table-filter", size: 40, title: FILTER_HELP,
      placeholder: "filter: lr < 0.01, opt = adam, loss = 0.1..0.5, diverged", "aria-label": "filter the trials",
      onkeydown: (e) => { if (e.key === "Enter") this.change({ filter: e.target.value.trim() }); },
      onsearch: (e) => { if (e.target.value === "") this.change({ filter: "" }); } }); // the clear button
    this.sizeSelect = el("select", { id: "table-size", onchange: (e) => this.change({ limit: Number(e.target.value) }) },
      PAGE_SIZES.map((n) => el("option", { value: n, text: `${n} a page` })));
    this.pageInput = el("input", { type: "number", id: "table-page", min: 1, className: "short", "aria-label": "page",
      onchange: (e) => this.goToPage(Number(e.target.value)) });
    this.pages = el("span", { id: "table-pages" });
    this.trialInput = el("input", { type: "search", id: "table-trial", className: "short", placeholder: "#",
      "aria-label": "go to trial number", onkeydown: (e) => { if (e.key === "Enter") this.goToTrial(e.target.value); } });
    this.renderHead();
    this.syncInputs();
    return el("div", {},
      el("div", { className: "toolbar" },
        el("label", {}, "show ", this.stateSelect), " ", this.filterInput, " ", el("span", { className: "muted help", text: "?", title: FILTER_HELP })),
      el("div", { className: "toolbar" }, this.prev, this.next, " ",
        el("label", {}, "page ", this.pageInput, " ", this.pages), " ", this.sizeSelect, " ",
        el("label", {}, "go to trial ", this.trialInput), " ", this.info, " ", this.message),
      el("div", { className: "scroll" }, el("table", { className: "grid", id: "trial-table" }, el("thead", {}, this.head), this.body)));
  }

  syncInputs() {
    this.stateSelect.value = this.state;
    this.filterInput.value = this.filter;
    this.sizeSelect.value = String(this.limit);
  }

  renderHead() {
    clear(this.head);
    for (const [key, title] of this.columns) {
      const arrow = key === this.sort ? (this.order === "asc" ? " ▲" : " ▼") : "";
      this.head.appendChild(el("th", { className: key.startsWith("metric:") ? "sortable metric" : "sortable",
        dataset: { sort: key }, title: `${title} (click to sort)`, onclick: () => this.sortBy(key) }, title + arrow));
    }
  }

  // Applies a change of the query from the page's controls: back to the first page, then reload.
  change(fields) {
    Object.assign(this, { offset: 0 }, fields);
    this.syncInputs();
    this.onChange();
    this.refresh().catch(() => {}); // shown in the message
  }

  sortBy(key) {
    this.order = key === this.sort && this.order === "asc" ? "desc" : "asc";
    this.sort = key;
    this.renderHead();
    this.change({});
  }

  page(delta) {
    this.offset = Math.max(0, this.offset + delta * this.limit);
    this.onChange();
    this.refresh().catch(() => {});
  }

  goToPage(number) {
    const last = Math.max(1, Math.ceil((this.total ?? 0) / this.limit));
    const page = Math.min(Math.max(1, Math.floor(number) || 1), last);
    this.offset = (page - 1) * this.limit;
    this.onChange();
    this.refresh().catch(() => {});
  }

  goToTrial(text) {
    const number = text.trim().replace(/^#/, "");
    if (!/^\d+$/.test(number)) {
      this.message.textContent = `"${text}" is not a trial number`;
      return;
    }
    this.around = Number(number);
    this.refresh().then(() => this.onChange(), () => {});
  }

  stateCell(r) {
    const left = r.state === "running" && !this.running;
    return el("td", { title: left ? "left running by a driver that has stopped: it will not finish" : r.reason || null },
      el("span", { className: `state ${left ? "left-running" : r.state}`, text: left ? "left running" : r.state }),
      // a complete trial that broke an outcome constraint; the reason (its title) says which
      r.feasible === false ? el("span", { className: "state infeasible", text: "infeasible" }) : null,
      // several objectives: the trial is in the Pareto set (no feasible trial beats it on every objective)
      r.pareto ? el("span", { className: "state pareto", text: "Pareto" }) : null,
      // the trial the study recommends (best.json's): on a noisy objective, the best posterior mean
      r.recommended ? el("span", { className: "state recommended", text: "recommended",
        title: "the trial the study recommends (see the Best trial section)" }) : null);
  }

  row(r) {
    const text = (value, numeric) => {
      const shown = fmt(value, numeric);
      return { text: shown, title: shown.length > 24 ? shown : null };
    };
    const cells = [
      el("td", {}, el("a", { href: trialUrl(this.study, r.number), text: String(r.number) })),
      this.stateCell(r),
      el("td", { className: "num", text: fmt(r.value, true) }),
      el("td", { className: "num", text: fmtDuration(r.duration) }),
      el("td", { text: fmtTime(r.started) }),
      ...this.variables.map((v) => el("td", { className: v.type === "categorical" ? "" : "num",
        ...text(r.params[v.name], v.type !== "categorical") })),
      ...this.metrics.map((m) => el("td", { className: "num", ...text(r.metrics[m], true) })),
    ];
    const classes = [r.number === this.found ? "found" : "", r.feasible === false ? "infeasible" : "",
      r.pareto ? "pareto" : "", r.recommended ? "recommended" : ""].filter(Boolean);
    return el("tr", { dataset: { number: r.number, state: r.state }, className: classes.join(" ") || null }, cells);
  }

  // What the rows answer, for tests and the benchmark: "sort order state offset" and the rest if set.
  shownKey() {
    let key = `${this.sort} ${this.order} ${this.state || "all"} ${this.offset}`;
    if (this.limit !== DEFAULT_PAGE) key += ` size=${this.limit}`;
    if (this.filter) key += ` filter=${this.filter}`;
    if (this.trials !== null) key += ` trials=${this.trials}`;
    return key;
  }

  // A query the server cannot read (a filter typed, or in a shared address): say why where the rows
  // go, keeping the rows shown before if there are some.
  refused(message) {
    this.message.textContent = message;
    this.filterInput.classList.add("invalid");
    this.filterInput.setAttribute("aria-invalid", "true");
    this.body.dataset.shown = "error";
    if (!this.body.querySelector("tr[data-number]")) {
      clear(this.body).appendChild(el("tr", { className: "refused" }, el("td", { colSpan: this.columns.length,
        className: "error", text: `No trials shown: ${message}. Change the filter above and press Enter.` })));
      this.info.textContent = "";
    }
  }

  async refresh() {
    const query = { sort: this.sort, order: this.order, offset: this.offset, limit: this.limit };
    if (this.state) query.state = this.state;
    if (this.filter) query.filter = this.filter;
    if (this.trials !== null) query.trials = this.trials;
    const around = this.around;
    if (around !== null) query.around = around;
    this.around = null;
    const asked = (this.asked = (this.asked ?? 0) + 1);
    let data;
    try {
      data = await getJSON(apiUrl(this.study, "table", query));
    } catch (err) {
      if (asked !== this.asked) return;
      if (!(err instanceof HttpError && err.status === 400)) throw err;
      this.refused(err.message);
      return;
    }
    this.filterInput.classList.remove("invalid");
    this.filterInput.removeAttribute("aria-invalid");
    if (asked !== this.asked) return; // a later sort, filter or page was asked for meanwhile
    this.offset = data.offset;
    this.total = data.total;
    this.found = data.found;
    clear(this.body);
    for (const r of data.rows) this.body.appendChild(this.row(r));
    this.body.dataset.shown = this.shownKey(); // what the rows are
    const last = Math.min(data.offset + data.rows.length, data.total);
    const of = this.trials === null ? "" : " selected in the plots";
    this.info.textContent = data.total ? `trials ${data.offset + 1}–${last} of ${data.total}${of}` : `no trials${of}`;
    this.message.textContent = around !== null && data.found === null
      ? `trial ${around} is not among these rows` + (this.filter || this.state ? " (see the filters)" : "")
        + (this.trials !== null ? " (only the trials selected in the plots are listed)" : "") : "";
    const pages = Math.max(1, Math.ceil(data.total / this.limit));
    this.pageInput.max = pages;
    this.pageInput.value = String(Math.floor(data.offset / this.limit) + 1);
    this.pages.textContent = `of ${pages}`;
    this.prev.disabled = this.offset === 0;
    this.next.disabled = last >= data.total;
    if (data.found !== null) {
      const row = this.body.querySelector("tr.found");
      if (row) row.scrollIntoView({ block: "center" });
    }
  }
}
