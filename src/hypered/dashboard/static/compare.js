// Comparing studies: their best values so far overlaid, against trial number or elapsed time
// (/compare?study=A&study=B, ticked in the study list). Each study's curve comes from
// /api/studies/NAME/convergence: only the trials that improved it. Studies with different
// objectives or directions are drawn all the same, under a note that says so; a study that cannot
// be read is left out, with a note naming it and the problem. The address holds the studies, the
// x axis (x=time) and the log scale (log=1), so a comparison can be shared; it refreshes itself.
import { logToggle } from "./controls.js";
import { apiUrl, clear, el, getJSON, poll, setCrumbs, setLive, studyUrl } from "./dom.js";
import * as plots from "./plots.js";
import { label } from "./plots.js";

const REFRESH_MS = 3000;
const COLOURS = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];

export function compareUrl(names) {
  const params = new URLSearchParams();
  for (const name of names) params.append("study", name);
  return "/compare?" + params.toString();
}

// A study's best-so-far curve as a step line: each improvement, then flat to where the study is now.
function curve(study, byTime) {
  const part = byTime ? study.by_time : study.by_number;
  const x = byTime ? [...part.elapsed] : [...part.number];
  const y = [...part.value];
  const end = byTime ? study.last_elapsed : study.last_number;
  if (y.length && end !== null && end > x.at(-1)) {
    x.push(end);
    y.push(y.at(-1));
  }
  return { x, y, numbers: part.number };
}

function describe(objective) {
  return `${objective.direction} ${objective.name}`;
}

// The overlay: a step line per study, each improvement a marker, the study's name (escaped) in
// the legend and hover text.
export function overlay(studies, byTime, logY) {
  const data = studies.map((study, k) => {
    const { x, y, numbers } = curve(study, byTime);
    const name = label(study.name);
    return { type: "scatter", mode: "lines+markers", name, meta: study.name, x, y,
      line: { shape: "hv", width: 2, color: COLOURS[k % COLOURS.length] },
      marker: { size: 5, color: COLOURS[k % COLOURS.length] },
      text: x.map((_, i) => (i < numbers.length ? `${name}: trial ${numbers[i]}` : `${name}: now`)),
      hovertemplate: "%{text}<br>best %{y:.5g}<extra></extra>" };
  });
  const names = [...new Set(studies.map((s) => s.objective.name))];
  return {
    data,
    layout: {
      xaxis: { title: { text: byTime ? "elapsed time (s, from the study's first trial)" : "trial" } },
      yaxis: { title: { text: names.length === 1 ? `best ${label(names[0])} so far` : "best value so far" },
        type: logY ? "log" : "linear" },
      legend: { orientation: "h", y: -0.18 },
      margin: { l: 70, r: 20, t: 20, b: 90 },
    },
  };
}

class ComparePage {
  constructor(names, params) {
    this.names = names;
    this.studies = [];
    this.byTime = params.get("x") === "time";
    this.div = el("div", { id: "plot-compare", className: "plot" });
    this.log = logToggle("log-compare", "log scale", params.get("log") === "1", () => this.changed());
    this.axis = el("select", { id: "compare-x", onchange: (e) => { this.byTime = e.target.value === "time"; this.changed(); } },
      el("option", { value: "number", text: "trial number", selected: !this.byTime }),
      el("option", { value: "time", text: "elapsed time", selected: this.byTime }));
    this.notes = el("div", { id: "compare-notes" });
    this.legendList = el("ul", { id: "compare-studies" });
  }

  build(main) {
    main.append(
      el("h1", { text: "Comparing studies" }),
      el("p", { className: "muted", text: "The best value so far of each study (a maximized objective's goes up, "
        + "a minimized one's down), from the trials that improved it." }),
      this.notes,
      el("section", { className: "card", id: "compare" },
        el("div", { className: "toolbar" }, el("label", {}, "x axis ", this.axis), " ", this.log.node),
        this.div, this.legendList));
  }

  saveState() {
    const params = new URLSearchParams();
    for (const name of this.names) params.append("study", name);
    if (this.byTime) params.set("x", "time");
    if (this.log.asked) params.set("log", "1");
    window.history.replaceState(null, "", "/compare?" + params.toString() + window.location.hash);
  }

  changed() {
    this.saveState();
    this.showNotes();
    this.draw().catch((err) => console.error("hypered-dash: drawing the comparison failed:", err.message));
  }

  // Every study's curve, those that cannot be read left out with the reason.
  async load() {
    const answers = await Promise.allSettled(this.names.map((name) => getJSON(apiUrl(name, "convergence"))));
    this.studies = [];
    this.skipped = [];
    answers.forEach((answer, k) => {
      if (answer.status === "fulfilled") this.studies.push(answer.value);
      else this.skipped.push([this.names[k], answer.reason.message]);
    });
    const running = await Promise.allSettled(this.studies.map((s) => getJSON(apiUrl(s.name, "version"))));
    setLive(running.some((r) => r.status === "fulfilled" && r.value.running));
  }

  showNotes() {
    const notes = [];
    if (this.names.length < 2) {
      notes.push(el("p", { className: "warning", id: "compare-too-few" }, "Choose two or more studies to compare: tick them in ",
        el("a", { href: "/", text: "the list of studies" }), "."));
    }
    for (const [name, reason] of this.skipped) {
      notes.push(el("p", { className: "warning compare-skipped" }, el("strong", { text: `${name}` }),
        ` is left out: ${reason}`));
    }
    const untimed = this.studies.filter((s) => this.byTime && s.by_number.number.length && !s.by_time.number.length);
    for (const s of untimed) {
      notes.push(el("p", { className: "warning compare-untimed" }, el("strong", { text: s.name }),
        " has no trial times (an older study of trial folders): it has no curve against elapsed time."));
    }
    const objectives = new Set(this.studies.map((s) => describe(s.objective)));
    if (objectives.size > 1) {
      notes.push(el("p", { className: "warning", id: "compare-mismatch" },
        "These studies do not share one objective: ",
        this.studies.flatMap((s, k) => [k ? "; " : "", el("strong", { text: s.name }), ` ${describe(s.objective)}`]),
        ". Their curves are drawn on one axis all the same: compare them with care."));
    }
    clear(this.notes).append(...notes);
  }

  async draw() {
    const values = this.studies.flatMap((s) => (this.byTime ? s.by_time : s.by_number).value);
    this.log.refresh(plots.positive(values), "log scale needs every study's best values above zero");
    clear(this.legendList).append(...this.studies.map((s, k) => el("li", { dataset: { study: s.name } },
      el("span", { className: "swatch", style: `background:${COLOURS[k % COLOURS.length]}` }), " ",
      el("a", { href: studyUrl(s.name), text: s.name }),
      ` · ${describe(s.objective)} · ${s.complete} complete of ${s.total} trials`)));
    await plots.draw(this.div, overlay(this.studies, this.byTime, this.log.checked));
  }

  async refresh() {
    const before = JSON.stringify(this.studies.map((s) => s.version));
    await this.load();
    this.showNotes();
    if (JSON.stringify(this.studies.map((s) => s.version)) !== before || !this.div.data) await this.draw();
    document.body.dataset.ready = "1";
    document.body.dataset.drawn = "1";
  }
}

export async function renderCompare() {
  const params = new URLSearchParams(window.location.search);
  const names = [...new Set(params.getAll("study"))];
  setCrumbs(["studies", "/"], ["compare", null]);
  document.title = "Compare studies · hypered";
  const page = new ComparePage(names, params);
  page.build(clear(document.getElementById("main")));
  await page.refresh();
  poll(() => page.refresh(), REFRESH_MS);
}
