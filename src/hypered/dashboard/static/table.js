// The trial table: filtered by state, sorted by any column (params and metrics too), paged; all
// server-side so a 10,000-trial study sends one page at a time.
import { apiUrl, clear, el, fmt, fmtDuration, fmtTime, getJSON, trialUrl } from "./dom.js";

const PAGE = 50;
const STATES = ["", "complete", "failed", "running", "interrupted"];

export class TrialTable {
  constructor(study, variables, metrics) {
    this.study = study;
    this.variables = variables;
    this.state = "";
    this.sort = "number";
    this.order = "asc";
    this.offset = 0;
    this.setMetrics(metrics);
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
    this.prev = el("button", { type: "button", text: "‹ previous", onclick: () => this.page(-PAGE) });
    this.next = el("button", { type: "button", text: "next ›", onclick: () => this.page(PAGE) });
    const filter = el("select", { id: "state-filter", onchange: (e) => { this.state = e.target.value; this.offset = 0; this.refresh(); } },
      STATES.map((s) => el("option", { value: s, text: s || "all states" })));
    this.renderHead();
    return el("div", {},
      el("div", { className: "toolbar" }, el("label", {}, "show ", filter), " ", this.prev, this.next, " ", this.info),
      el("div", { className: "scroll" }, el("table", { className: "grid", id: "trial-table" }, el("thead", {}, this.head), this.body)));
  }

  renderHead() {
    clear(this.head);
    for (const [key, title] of this.columns) {
      const arrow = key === this.sort ? (this.order === "asc" ? " ▲" : " ▼") : "";
      this.head.appendChild(el("th", { className: key.startsWith("metric:") ? "sortable metric" : "sortable",
        dataset: { sort: key }, title: `sort by ${title}`, onclick: () => this.sortBy(key) }, title + arrow));
    }
  }

  sortBy(key) {
    this.order = key === this.sort && this.order === "asc" ? "desc" : "asc";
    this.sort = key;
    this.offset = 0;
    this.renderHead();
    this.refresh();
  }

  page(delta) {
    this.offset = Math.max(0, this.offset + delta);
    this.refresh();
  }

  row(r) {
    const cells = [
      el("td", {}, el("a", { href: trialUrl(this.study, r.number), text: String(r.number) })),
      el("td", { title: r.reason || null }, el("span", { className: `state ${r.state}`, text: r.state })),
      el("td", { className: "num", text: fmt(r.value) }),
      el("td", { className: "num", text: fmtDuration(r.duration) }),
      el("td", { text: fmtTime(r.started) }),
      ...this.variables.map((v) => el("td", { className: v.type === "categorical" ? "" : "num", text: fmt(r.params[v.name]) })),
      ...this.metrics.map((m) => el("td", { className: "num", text: fmt(r.metrics[m]) })),
    ];
    return el("tr", { dataset: { number: r.number, state: r.state } }, cells);
  }

  async refresh() {
    const query = { sort: this.sort, order: this.order, offset: this.offset, limit: PAGE };
    if (this.state) query.state = this.state;
    const asked = (this.asked = (this.asked ?? 0) + 1);
    const data = await getJSON(apiUrl(this.study, "table", query));
    if (asked !== this.asked) return; // a later sort, filter or page was asked for meanwhile
    clear(this.body);
    for (const r of data.rows) this.body.appendChild(this.row(r));
    this.body.dataset.shown = `${this.sort} ${this.order} ${this.state || "all"} ${this.offset}`; // what the rows are
    const last = Math.min(data.offset + data.rows.length, data.total);
    this.info.textContent = data.total ? `${data.offset + 1}–${last} of ${data.total}` : "no trials";
    this.prev.disabled = this.offset === 0;
    this.next.disabled = last >= data.total;
  }
}
