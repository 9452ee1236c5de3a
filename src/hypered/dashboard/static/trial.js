// One trial: its state, params, results, failure reason, what it reported step by step and the
// tails of its logs.
import {
  apiUrl, clear, cut, el, fmt, fmtApprox, fmtDuration, fmtTime, getJSON, isNonFinite, keyValueTable, poll,
  setCrumbs, setLive, studyUrl, trialUrl,
} from "./dom.js";

const REFRESH_MS = 2000;

function logBlock(title, log, id) {
  const note = log.text === null ? "(no file)" : log.truncated ? `(the last part of ${log.size} bytes)` : "";
  return el("div", { className: "log" },
    el("h3", {}, title, " ", el("span", { className: "muted", text: note })),
    el("pre", { id, text: log.text ?? "" }));
}

const NAME_CHARS = 40;

const cell = (value) => {
  const text = fmt(value, typeof value === "number" || isNonFinite(value));
  return el("td", { className: "num", text, title: text.length > 12 ? text : null });
};

// The lines the trial reported (the last ones if there are many): step, the objective's value,
// then every other metric reported; a table that scrolls within its card.
function reportsCard(t) {
  const r = t.reports;
  if (!r || r.total === 0) return null;
  const head = el("tr", {}, el("th", { text: "step" }),
    el("th", { text: cut(t.objective.name, NAME_CHARS), title: t.objective.name }),
    r.metrics.map((name) => el("th", { text: cut(name, NAME_CHARS), title: name })));
  const body = el("tbody", {}, r.rows.map((row) => el("tr", { dataset: { step: row.step } },
    el("td", { className: "num", text: String(row.step) }), cell(row.value),
    r.metrics.map((name) => cell(row.metrics[name])))));
  const note = r.shown < r.total ? `the last ${r.shown} of ${r.total} lines` : `${r.total} line${r.total === 1 ? "" : "s"}`;
  return el("section", { className: "card", id: "reports" },
    el("h2", {}, "Reports ", el("span", { className: "muted", id: "reports-count", text: `(${note})` })),
    el("div", { className: "scroll reports" }, el("table", { className: "grid", id: "trial-reports" },
      el("thead", {}, head), body)));
}

// A trial in the running state whose study no live driver holds was left running: it will not finish.
function stateBadge(t, running) {
  const left = t.state === "running" && running === false;
  return el("span", { className: `state ${left ? "left-running" : t.state}`, id: "trial-state",
    title: left ? "left running by a driver that has stopped: this trial will not finish" : null,
    text: left ? "left running" : t.state });
}

// Where the reports' table was scrolled to: at its end it stays there as new lines come.
function reportsScroll(main) {
  const box = main.querySelector(".scroll.reports");
  if (!box) return () => {};
  const atEnd = box.scrollTop + box.clientHeight >= box.scrollHeight - 2;
  const top = box.scrollTop;
  return () => {
    const now = main.querySelector(".scroll.reports");
    if (now) now.scrollTop = atEnd ? now.scrollHeight : top;
  };
}

// Why the study recommends this trial (best.json's choice).
function recommendedText(rec) {
  if (rec.noisy) {
    const why = rec.declared ? "noisy=True was given" : rec.repeat ? `${rec.repeat}, so the objective is noisy`
      : "the objective looks noisy";
    return `The study recommends this trial: ${why} `
      + `(noise std ≈ ${fmtApprox(rec.noise_std)}) and this trial has the best posterior mean, `
      + `${fmt(rec.posterior_mean, true)}.`;
  }
  return `The study recommends this trial: ${rec.recommended_by}.`;
}

// The other trials with this trial's sampled values: a repeat, or an interrupted trial run again.
function sameValues(t) {
  const links = t.same_values.flatMap((n, i) => [i ? ", " : "", el("a", { href: trialUrl(t.study, n), text: `trial ${n}` })]);
  return el("p", { className: "muted", id: "trial-same-values" }, "The same sampled values ran as ", ...links, ".");
}

function render(main, t, running) {
  const restoreScroll = reportsScroll(main);
  clear(main).append(...[
    el("h1", {}, `Trial ${t.number} `, stateBadge(t, running),
      t.feasible === false ? el("span", { className: "state infeasible", id: "trial-infeasible", text: " infeasible" }) : null,
      t.recommended
        ? el("span", { className: "state recommended", id: "trial-recommended", text: "recommended" }) : null),
    t.recommended
      ? el("p", { className: "muted", id: "trial-recommendation", text: recommendedText(t.recommended) }) : null,
    t.same_values && t.same_values.length ? sameValues(t) : null,
    t.constraints && t.constraints.length
      ? el("p", { className: "muted", id: "trial-constraints", text: `constraints: ${t.constraints.join(", ")}` }) : null,
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
    reportsCard(t),
    el("section", { className: "card" }, el("h2", { text: "Logs" }),
      logBlock("stdout.log", t.stdout, "stdout"), logBlock("stderr.log", t.stderr, "stderr")),
  ].filter((node) => node !== null)); // Element.append would print a null as "null"
  restoreScroll();
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
