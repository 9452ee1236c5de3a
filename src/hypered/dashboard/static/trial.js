// One trial: its state, params, results, failure reason and the tails of its logs.
import {
  apiUrl, clear, el, fmt, fmtDuration, fmtTime, getJSON, keyValueTable, poll, setCrumbs, setLive,
  studyUrl, trialUrl,
} from "./dom.js";

const REFRESH_MS = 2000;

function logBlock(title, log, id) {
  const note = log.text === null ? "(no file)" : log.truncated ? `(the last part of ${log.size} bytes)` : "";
  return el("div", { className: "log" },
    el("h3", {}, title, " ", el("span", { className: "muted", text: note })),
    el("pre", { id, text: log.text ?? "" }));
}

// A trial in the running state whose study no live driver holds was left running: it will not finish.
function stateBadge(t, running) {
  const left = t.state === "running" && running === false;
  return el("span", { className: `state ${left ? "left-running" : t.state}`, id: "trial-state",
    title: left ? "left running by a driver that has stopped: this trial will not finish" : null,
    text: left ? "left running" : t.state });
}

function render(main, t, running) {
  clear(main).append(...[
    el("h1", {}, `Trial ${t.number} `, stateBadge(t, running)),
    el("nav", { className: "trial-nav", id: "trial-nav" },
      t.previous === null ? null : el("a", { href: trialUrl(t.study, t.previous), rel: "prev", text: `‹ trial ${t.previous}` }),
      el("a", { href: studyUrl(t.study) + "#trials", text: "all trials" }),
      t.next === null ? null : el("a", { href: trialUrl(t.study, t.next), rel: "next", text: `trial ${t.next} ›` })),
    t.reason ? el("p", { className: "error reason", id: "trial-reason" }, el("strong", { text: "Reason: " }), t.reason) : null,
    el("div", { className: "columns" },
      el("section", { className: "card" }, el("h2", { text: "Run" }), keyValueTable([
        [t.objective.name, fmt(t.value, true)], ["started", fmtTime(t.started)], ["finished", fmtTime(t.finished)],
        ["duration", fmtDuration(t.duration)], ["host", t.host], ["pid", t.pid], ["worker", t.worker],
        ["folder", t.folder], ["key", t.key],
      ])),
      el("section", { className: "card" }, el("h2", { text: "Sampled values" }),
        keyValueTable(Object.entries(t.sampled), "kv trial-sampled"))),
    el("div", { className: "columns" },
      el("section", { className: "card" }, el("h2", { text: "Params (params.json)" }),
        el("pre", { className: "json", id: "trial-params", text: t.params_text })),
      el("section", { className: "card" }, el("h2", { text: "Results" }),
        t.results_text === null ? el("p", { className: "empty", text: "No results." })
          : el("pre", { className: "json", id: "trial-results", text: t.results_text }))),
    el("section", { className: "card" }, el("h2", { text: "Logs" }),
      logBlock("stdout.log", t.stdout, "stdout"), logBlock("stderr.log", t.stderr, "stderr")),
  ].filter((node) => node !== null)); // Element.append would print a null as "null"
}

export async function renderTrial(name, number) {
  const main = document.getElementById("main");
  const status = getJSON(apiUrl(name, "version"));
  status.catch(() => {}); // awaited below
  let trial = await getJSON(apiUrl(name, `trials/${number}`));
  let { running } = await status;
  setLive(running);
  setCrumbs(["studies", "/"], [name, studyUrl(name)], [`trial ${number}`, trialUrl(name, number)]);
  document.title = `Trial ${number} · ${name} · hypered`;
  render(main, trial, running);
  document.body.dataset.ready = "1";
  document.body.dataset.drawn = "1";
  poll(async () => {
    const now = await getJSON(apiUrl(name, "version"));
    setLive(now.running);
    if (now.version !== trial.version || now.running !== running) {
      running = now.running;
      trial = await getJSON(apiUrl(name, `trials/${number}`));
      render(main, trial, running);
    }
    return true;
  }, REFRESH_MS);
}
