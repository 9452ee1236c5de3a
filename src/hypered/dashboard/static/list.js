// The study list: one row per study, refreshed every few seconds.
import { clear, el, fmt, fmtAgo, fmtTime, getJSON, poll, setCrumbs, setLive, studyUrl } from "./dom.js";

const REFRESH_MS = 3000;

function row(study) {
  const c = study.counts;
  const best = study.best ? fmt(study.best.value) : "–";
  const objective = `${study.objective.direction} ${study.objective.name}`;
  const status = study.running
    ? el("span", { className: "badge running", text: "running" })
    : el("span", { className: "badge idle", text: "idle" });
  return el("tr", { dataset: { study: study.name } },
    el("td", {}, el("a", { href: studyUrl(study.name), className: "study-link", text: study.name }),
      study.legacy ? el("span", { className: "badge legacy", text: "trial folders only" }) : null),
    el("td", {}, status),
    el("td", { className: "num complete", text: c.complete }),
    el("td", { className: "num failed", text: c.failed }),
    el("td", { className: "num running", text: c.running }),
    el("td", { className: "num", text: study.iterations ?? "–" }),
    el("td", { className: "num best", text: best }),
    el("td", { text: objective }),
    el("td", { title: fmtTime(study.last_activity), text: fmtAgo(study.last_activity) }));
}

function render(body, data) {
  clear(body);
  for (const study of data.studies) body.appendChild(row(study));
  setLive(data.studies.some((s) => s.running));
}

export async function renderList() {
  setCrumbs(["studies", null]);
  document.title = "Studies · hypered";
  const data = await getJSON("/api/studies");
  const main = clear(document.getElementById("main"));
  main.appendChild(el("h1", { text: "Studies" }));
  main.appendChild(el("p", { className: "muted", text: `in ${data.root}` }));
  if (data.studies.length === 0) {
    main.appendChild(el("p", { className: "empty", text: "No studies yet: run hypered with --dir pointing here." }));
  }
  const head = el("tr", {}, ...["study", "status", "complete", "failed", "running", "target", "best value",
    "objective", "last activity"].map((h) => el("th", { text: h })));
  const body = el("tbody");
  main.appendChild(el("table", { className: "grid", id: "study-list" }, el("thead", {}, head), body));
  render(body, data);
  poll(async () => render(body, await getJSON("/api/studies")), REFRESH_MS);
}
