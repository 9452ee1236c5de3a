// The top of the study page: the study's name, counts and state, and its best trial. Drawn from
// the study's outline before the whole study is read, then from its detail.
import { append, clear, el, fmt, fmtApprox, keyValueTable, setLive, trialUrl } from "./dom.js";

// The study's name, counts and state; `d` is its detail or its outline. Trials in the running
// state while no live driver holds the study were left running by one that stopped.
export function fillHeader(header, d) {
  const c = d.counts;
  const left = !d.running && c.running > 0;
  clear(header).append(...[
    el("h1", {}, el("span", { className: "study-name", text: d.name }), " ",
      el("span", { className: `badge ${d.running ? "running" : "idle"}`, id: "study-status",
        text: d.running ? "running" : "idle" })),
    el("p", { className: "summary" },
      objectivesText(d),
      el("span", { id: "count-complete", text: `${c.complete} complete` }), ` · ${c.failed} failed · `,
      left ? el("span", { id: "count-left-running", className: "left-running",
        text: `${c.running} left running by a driver that has stopped (they will not finish)` })
        : `${c.running} running`,
      c.pruned ? ` · ${c.pruned} stopped early` : "",
      ` · ${c.interrupted} interrupted`,
      d.iterations ? ` · target ${d.iterations}` : "",
      d.legacy ? " · an older study (trial folders only): the search space and objective are inferred" : ""),
    ...(d.warnings ?? []).map((text) => el("p", { className: "warning study-warning" },
      el("strong", { text: "Part of this study's files cannot be read: " }), text)),
  ].filter((node) => node !== null));
  setLive(d.running);
}

// "minimize loss · ", or for several objectives "minimize loss, minimize latency_ms · Pareto set: 4 · ".
function objectivesText(d) {
  const several = d.objectives ?? [];
  if (several.length < 2) return `${d.objective.direction} ${d.objective.name} · `;
  return several.map((o) => `${o.direction} ${o.name}`).join(", ")
    + (d.pareto ? ` · Pareto set: ${d.pareto} trial${d.pareto === 1 ? "" : "s"}` : "") + " · ";
}

// The best trial, its params and metrics; `d` is the study's detail or its outline. When the study
// recommends another trial than the best observed (a noisy objective: the best posterior mean),
// both, the recommended one first and its params shown; else one line says how it was chosen.
export function fillBest(best, name, d) {
  clear(best).appendChild(el("h2", { text: "Best trial" }));
  if (!d.best) {
    best.appendChild(el("p", { className: "empty", text: "No complete trial yet." }));
    return;
  }
  const rec = d.recommendation ?? null;
  const differs = rec !== null && !rec.best_observed;
  const b = differs ? rec : d.best; // the trial whose params and metrics are shown
  const several = (d.objectives ?? []).length > 1;
  const observed = el("p", { id: "best-observed" }, differs ? "Best observed: " : "",
    el("a", { href: trialUrl(name, d.best.number), text: `trial ${d.best.number}` }),
    `: ${d.objective.name} = `, el("strong", { id: "best-value", text: fmt(d.best.value, true) }));
  const how = rec && !differs
    ? el("p", { className: "muted", id: "best-reason", text: howChosen(rec, d.running) }) : null;
  append(best, [
    differs ? [...recommendedLines(name, d, rec), observed] : [observed, how],
    several ? el("p", { className: "muted", id: "best-first-objective",
      text: `Several objectives: this is the best trial by ${d.objective.name} alone, one end of the `
        + "Pareto front. The whole Pareto set is in the Pareto front section and marked in the table." }) : null,
    b.feasible === false ? el("p", { className: "error", id: "best-infeasible",
      text: "Infeasible: no trial kept every constraint yet; this is the least infeasible"
        + (b.violations && b.violations.length ? ` (${b.violations.join("; ")})` : "") }) : null,
    el("div", { className: "columns" },
      el("div", {}, el("h3", { text: differs ? `params of trial ${b.number}` : "params" }),
        keyValueTable(Object.entries(b.all_params), "kv best-params")),
      el("div", {}, el("h3", { text: differs ? `metrics of trial ${b.number}` : "metrics" }),
        keyValueTable(Object.entries(b.metrics), "kv best-metrics", () => true)))]);
}

// The recommended trial when it is not the best observed: its observed value, its posterior mean, and why.
function recommendedLines(name, d, rec) {
  const lowest = d.objective.direction === "maximize" ? "highest" : "lowest";
  return [
    el("p", { id: "best-recommended" }, "Recommended: ",
      el("a", { href: trialUrl(name, rec.number), text: `trial ${rec.number}` }),
      `: ${d.objective.name} = `, el("strong", { id: "recommended-value", text: fmt(rec.value, true) }),
      " observed, ", el("strong", { id: "recommended-mean", text: fmt(rec.posterior_mean, true) }),
      " posterior mean"),
    el("p", { className: "muted", id: "best-reason", text: rec.noisy
      ? `${noisyBecause(rec)} (noise std ≈ ${fmtApprox(rec.noise_std)}): this trial has the best `
        + `posterior mean; the ${lowest} observed value may be a lucky draw.`
      : `Recommended by ${rec.recommended_by}.` }),
  ];
}

// Why the objective counts as noisy: the user said so (noisy=True), a repeated trial, or the model's fit.
function noisyBecause(rec) {
  if (rec.declared) return "The study was told the objective is noisy (noisy=True)";
  return rec.repeat ? `The objective is noisy: ${rec.repeat}` : "The objective looks noisy";
}

// How the trial shown was chosen, when it is also the best observed one.
function howChosen(rec, running) {
  if (!rec.judged) {
    return running ? "Best observed so far: the model judges whether the objective is noisy when the run ends."
      : "Best observed value: the model judges whether the objective is noisy when a run ends.";
  }
  if (rec.noisy === true) {
    return `${noisyBecause(rec)} (noise std ≈ ${fmtApprox(rec.noise_std)}), and this trial has both the best `
      + `posterior mean (${fmt(rec.posterior_mean, true)}) and the best observed value.`;
  }
  if (rec.noisy === false) {
    if (rec.declared) return "Best observed value; the study was told the objective is not noisy (noisy=False).";
    return rec.repeat ? `Best observed value; the objective is deterministic: ${rec.repeat}.`
      : "Best observed value; the objective does not look noisy.";
  }
  return "Best observed value.";
}
