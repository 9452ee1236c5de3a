// The study list: one row per study, refreshed every few seconds. Ticking two or more studies
// opens their comparison (compare.js).
import { compareUrl } from "./compare.js";
import { clear, el, fmt, fmtAgo, fmtTime, getJSON, poll, setCrumbs, setLive, studyUrl } from "./dom.js";

const REFRESH_MS = 3000;

const COLUMNS = ["", "study", "status", "complete", "failed", "running", "target", "best value", "objective",
  "last activity"];

// A study that cannot be read: its name and what is wrong (the file and the problem, from the
// server), across the rest of the row; it has no page to link to.
function errorRow(study) {
  return el("tr", { dataset: { study: study.name }, className: "unreadable" },
    el("td", {}, el("input", { type: "checkbox", disabled: true, "aria-label": "cannot be compared: unreadable" })),
    el("td", { className: "name" }, el("span", { className: "study-name", title: study.name, text: study.name })),
    el("td", {}, el("span", { className: "badge error", text: "unreadable" })),
    el("td", { colSpan: COLUMNS.length - 3, className: "error study-error", text: study.error }));
}

// Trials in the running state while no live driver holds the study were left running by a
// driver that has stopped: they will not finish.
function runningCell(study) {
  const n = study.counts.running;
  if (study.running || n === 0) return el("td", { className: "num running", text: n });
  return el("td", { className: "num running left-running",
    title: `left running by a driver that has stopped: ${n === 1 ? "this trial" : `these ${n} trials`} will not finish` },
  `${n} left running`);
}

// The studies ticked for comparison (kept across the list's refreshes) and the link that opens it.
class Ticked {
  constructor() {
    this.names = new Set();
    this.link = el("a", { id: "compare-link", className: "button" });
    this.node = el("p", { className: "toolbar" }, this.link, " ",
      el("span", { className: "muted", text: "Tick two or more studies to overlay their convergence." }));
    this.update();
  }

  box(name) {
    return el("input", { type: "checkbox", className: "compare-box", value: name, checked: this.names.has(name),
      "aria-label": `compare ${name}`, onchange: (e) => {
        if (e.target.checked) this.names.add(name); else this.names.delete(name);
        this.update();
      } });
  }

  // Forgets studies no longer listed; the link is live from two studies on.
  update(listed = null) {
    if (listed) for (const name of this.names) if (!listed.has(name)) this.names.delete(name);
    const n = this.names.size;
    this.link.textContent = `Compare ${n} ${n === 1 ? "study" : "studies"}`;
    if (n >= 2) this.link.setAttribute("href", compareUrl([...this.names]));
    else this.link.removeAttribute("href");
    this.link.setAttribute("aria-disabled", String(n < 2));
  }
}

// The study's answer: the recommended trial's observed value (best.json's "value") when the study
// recommends another trial than the best observed (a noisy objective: the best posterior mean),
// marked and with both trials in its tooltip; else the best observed value.
function bestCell(study) {
  const rec = study.recommended;
  if (!study.best || !rec || rec.best_observed) {
    return el("td", { className: "num best", text: study.best ? fmt(study.best.value, true) : "–" });
  }
  const mean = rec.posterior_mean === null ? "" : `, posterior mean ${fmt(rec.posterior_mean, true)}`;
  const why = `trial ${rec.number}, recommended: ${rec.recommended_by}${mean}`
    + ` — best observed: trial ${study.best.number}, ${fmt(study.best.value, true)}`;
  return el("td", { className: "num best recommended", title: why },
    el("span", { className: "best-value", text: fmt(rec.value, true) }),
    el("span", { className: "state recommended", text: "recommended" }));
}

function row(study, ticked) {
  if (study.error) return errorRow(study);
  const c = study.counts;
  const objective = `${study.objective.direction} ${study.objective.name}`;
  const status = study.running
    ? el("span", { className: "badge running", text: "running" })
    : el("span", { className: "badge idle", text: "idle" });
  return el("tr", { dataset: { study: study.name } },
    el("td", {}, ticked.box(study.name)),
    el("td", { className: "name" },
      el("a", { href: studyUrl(study.name), className: "study-link", title: study.name, text: study.name }),
      study.legacy ? el("span", { className: "badge legacy", text: "trial folders only" }) : null,
      (study.warnings ?? []).length ? el("span", { className: "badge warning", title: study.warnings.join("\n"),
        text: study.warnings.length === 1 ? "1 warning" : `${study.warnings.length} warnings` }) : null),
    el("td", {}, status),
    el("td", { className: "num complete", text: c.complete }),
    el("td", { className: "num failed", text: c.failed }),
    runningCell(study),
    el("td", { className: "num", text: study.iterations ?? "–" }),
    bestCell(study),
    el("td", { className: "objective", title: objective, text: objective }),
    el("td", { title: fmtTime(study.last_activity), text: fmtAgo(study.last_activity) }));
}

function render(body, data, ticked) {
  clear(body);
  for (const study of data.studies) body.appendChild(row(study, ticked));
  ticked.update(new Set(data.studies.filter((s) => !s.error).map((s) => s.name)));
  setLive(data.studies.some((s) => s.running));
}

export async function renderList() {
  setCrumbs(["studies", null]);
  document.title = "Studies · hypered";
  const data = await getJSON("/api/studies");
  const main = clear(document.getElementById("main"));
  main.appendChild(el("h1", { text: "Studies" }));
  main.appendChild(el("p", { className: "muted root", text: `in ${data.root}` }));
  if (data.studies.length === 0) {
    main.appendChild(el("p", { className: "empty", text: "No studies yet: run hypered with --dir pointing here." }));
  }
  const ticked = new Ticked();
  const head = el("tr", {}, ...COLUMNS.map((h) => el("th", { text: h })));
  const body = el("tbody");
  main.appendChild(ticked.node);
  main.appendChild(el("table", { className: "grid", id: "study-list" }, el("thead", {}, head), body));
  render(body, data, ticked);
  poll(async () => render(body, await getJSON("/api/studies"), ticked), REFRESH_MS);
}
