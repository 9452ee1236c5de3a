// One trial: its state, params, results, failure reason and the tails of its logs.
import {
  apiUrl, clear, el, fmt, fmtDuration, fmtTime, getJSON, jsonBlock, keyValueTable, poll, setCrumbs, setLive,
  studyUrl, trialUrl,
} from "./dom.js";

const REFRESH_MS = 2000;

function logBlock(title, log, id) {
  const note = log.text === null ? "(no file)" : log.truncated ? `(the last part of ${log.size} bytes)` : "";
  return el("div", { className: "log" },
    el("h3", {}, title, " ", el("span", { className: "muted", text: note })),
    el("pre", { id, text: log.text ?? "" }));
}

function render(main, t) {
  clear(main);
  main.append(
    el("h1", {}, `Trial ${t.number} `, el("span", { className: `state ${t.state}`, id: "trial-state", text: t.state })),
    t.reason ? el("p", { className: "error", id: "trial-reason" }, el("strong", { text: "Reason: " }), t.reason) : null,
    el("div", { className: "columns" },
      el("section", { className: "card" }, el("h2", { text: "Run" }), keyValueTable([
        [t.objective.name, t.value], ["started", fmtTime(t.started)], ["finished", fmtTime(t.finished)],
        ["duration", fmtDuration(t.duration)], ["host", t.host], ["pid", t.pid], ["worker", t.worker],
        ["folder", t.folder], ["key", t.key],
      ])),
      el("section", { className: "card" }, el("h2", { text: "Sampled values" }),
        keyValueTable(Object.entries(t.sampled), "kv trial-sampled"))),
    el("div", { className: "columns" },
      el("section", { className: "card" }, el("h2", { text: "Params (params.json)" }), jsonBlock(t.params)),
      el("section", { className: "card" }, el("h2", { text: "Results" }),
        t.results === null ? el("p", { className: "empty", text: "No results." }) : jsonBlock(t.results))),
    el("section", { className: "card" }, el("h2", { text: "Logs" }),
      logBlock("stdout.log", t.stdout, "stdout"), logBlock("stderr.log", t.stderr, "stderr")));
}

export async function renderTrial(name, number) {
  const main = document.getElementById("main");
  let trial = await getJSON(apiUrl(name, `trials/${number}`));
  setCrumbs(["studies", "/"], [name, studyUrl(name)], [`trial ${number}`, trialUrl(name, number)]);
  document.title = `Trial ${number} · ${name} · hypered`;
  render(main, trial);
  document.body.dataset.ready = "1";
  document.body.dataset.drawn = "1";
  poll(async () => {
    const { version, running } = await getJSON(apiUrl(name, "version"));
    setLive(running);
    if (version !== trial.version) {
      trial = await getJSON(apiUrl(name, `trials/${number}`));
      render(main, trial);
    }
    return true;
  }, REFRESH_MS);
}
