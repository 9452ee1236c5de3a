"""Writes benchmarks/RESULTS.md from the recorded runs (results/*.json*)."""

from __future__ import annotations

import json
import platform
import statistics
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from peers import VARIANTS
from problems import PROBLEMS

HERE = Path(__file__).parent
ORDER = ["hypered", "optuna_gp", "skopt_gp", "optuna_tpe", "random"]
MODEL_BASED = {"hypered", "optuna_gp", "skopt_gp", "optuna_tpe"}


def _load(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def latest_variant(rows: list[dict]) -> tuple[list[dict], dict[str, str]]:
    """Each optimizer's runs of its current variant (peers.VARIANTS), or, when none is recorded
    yet, of its newest recorded one (variants are date-stamped: they sort by age; "" is oldest).
    Returns the runs kept and the variant kept per optimizer."""
    recorded: dict[str, set[str]] = {}
    for r in rows:
        recorded.setdefault(r["optimizer"], set()).add(r.get("variant", ""))
    kept = {o: VARIANTS.get(o, "") if VARIANTS.get(o, "") in vs else max(vs) for o, vs in recorded.items()}
    return [r for r in rows if r.get("variant", "") == kept[r["optimizer"]]], kept


def variant_note(kept: dict[str, str]) -> list[str]:
    """One line naming the variant of each optimizer that has variants, and any stale column."""
    named = {o: v for o, v in kept.items() if v or o in VARIANTS}
    if not named:
        return []
    parts = [f"{o} `{v or 'unmarked'}`" + ("" if v == VARIANTS.get(o, "") else
                                            f" (not the current `{VARIANTS[o]}`: not rerun yet)")
             for o, v in sorted(named.items())]
    return ["Runs of each optimizer's latest variant only (benchmarks/peers.py, VARIANTS): "
            + ", ".join(parts) + ".", ""]


def quality_tables(rows: list[dict]) -> list[str]:
    optima = {p.name: p.optimum for p in PROBLEMS}
    regrets: dict[tuple[str, str], list[float]] = {}
    overheads: dict[tuple[str, str], list[float]] = {}
    for r in rows:
        key = (r["problem"], r["optimizer"])
        regrets.setdefault(key, []).append(max(min(r["losses"]) - optima[r["problem"]], 0.0))
        overheads.setdefault(key, []).append(r["overhead"] / r["budget"])
    problems = [p.name for p in PROBLEMS if any(k[0] == p.name for k in regrets)]
    optimizers = [o for o in ORDER if any(k[1] == o for k in regrets)]
    score: dict[tuple[str, str], float] = {}
    for p in problems:
        base = statistics.median(regrets.get((p, "random"), [float("nan")]))
        for o in optimizers:
            if (p, o) in regrets and base > 0:
                score[(p, o)] = 100 * (1 - statistics.median(regrets[(p, o)]) / base)
    lines = ["## Median final simple regret (lower is better; seeds per cell in brackets)", "",
             "| problem | " + " | ".join(optimizers) + " |", "|---" * (len(optimizers) + 1) + "|"]
    for p in problems:
        cells = []
        for o in optimizers:
            vals = regrets.get((p, o))
            cells.append(f"{statistics.median(vals):.4g} ({len(vals)})" if vals else "-")
        lines.append(f"| {p} | " + " | ".join(cells) + " |")
    lines += ["", "## Normalized score: 100 × (1 − regret / median regret of random search)", "",
              "Higher is better; 100 means the optimum was reached, 0 is random search. "
              "**Bold**: best in the row.", "",
              "| problem | " + " | ".join(optimizers) + " |", "|---" * (len(optimizers) + 1) + "|"]
    for p in problems:
        row = {o: score.get((p, o)) for o in optimizers}
        top = max((v for v in row.values() if v is not None), default=None)
        cells = [("-" if v is None else (f"**{v:.1f}**" if v == top else f"{v:.1f}")) for v in row.values()]
        lines.append(f"| {p} | " + " | ".join(cells) + " |")
    means = []
    for o in optimizers:
        vals = [score[(p, o)] for p in problems if (p, o) in score]
        means.append(f"{statistics.mean(vals):.1f}" if vals else "-")
    lines.append("| **mean** | " + " | ".join(means) + " |")
    lines += ["", "## Median optimizer overhead per suggestion (s; wall time minus objective time)", "",
              "Columns recorded at different times are not comparable: hypered's synthetic runs were "
              "redone on 2026-12-01 on 2 cores under a load average of ~12 (other agents' tests), the "
              "peers' on 2026-11-27 on a quiet machine. `scaling.py` times both side by side.", "",
              "| problem | " + " | ".join(optimizers) + " |", "|---" * (len(optimizers) + 1) + "|"]
    for p in problems:
        cells = [f"{statistics.median(overheads[(p, o)]):.3f}" if (p, o) in overheads else "-"
                 for o in optimizers]
        lines.append(f"| {p} | " + " | ".join(cells) + " |")
    return lines


def _scores(rows: list[dict], problem: str, optimum: float | None) -> dict[tuple[str, int], float]:
    """100 x (1 - regret / median regret of random search's recommendation), per (optimizer, seed).

    Regret is measured from the optimum, or for real problems from the best true value any run
    recommended or observed. Each run is scored by the true value of its recommendation.
    """
    mine = [r for r in rows if r["problem"] == problem]
    ref = optimum if optimum is not None else min(
        min(r["true_recommended"], r["true_best_observed"]) for r in mine)
    randoms = [r["true_recommended"] - ref for r in mine if r["optimizer"] == "random"]
    base = statistics.median(randoms) if randoms else float("nan")
    return {(r["optimizer"], r["seed"]): _clipped(100 * (1 - (r["true_recommended"] - ref) / base))
            for r in mine if base > 0}


def _clipped(score: float) -> float:
    """Scores below -100 count as -100: where random search's median is already close to the best
    (tree_classifier), one poor seed would otherwise outweigh every other problem in the mean."""
    return max(score, -100.0)


def _ranks(rows: list[dict], problem: str) -> dict[str, list[float]]:
    """Rank (1 = best, ties averaged) of each optimizer's recommendation among those run on a seed."""
    by_seed: dict[int, dict[str, float]] = {}
    for r in rows:
        if r["problem"] == problem:
            by_seed.setdefault(r["seed"], {})[r["optimizer"]] = r["true_recommended"]
    ranks: dict[str, list[float]] = {}
    for values in by_seed.values():
        if len(values) < 2:
            continue
        for o, v in values.items():
            below = sum(w < v for w in values.values())
            ties = sum(w == v for w in values.values())
            ranks.setdefault(o, []).append(below + (ties + 1) / 2)
    return ranks


def recommendation_tables(rows: list[dict], title: str, bounds_only: bool = False) -> list[str]:
    """Best observed, true value of the recommendation, its score, worst seed, rank, on-bound share."""
    if not rows:
        return []
    optima = {p.name: p.optimum for p in PROBLEMS}
    problems = [p.name for p in PROBLEMS if any(r["problem"] == p.name for r in rows)]
    optimizers = [o for o in ORDER if any(r["optimizer"] == o for r in rows)]
    header = ["| problem | " + " | ".join(optimizers) + " |", "|---" * (len(optimizers) + 1) + "|"]

    def cell_rows(fmt: Any, mean_row: bool = False) -> list[str]:
        out: list[str] = []
        per_opt: dict[str, list[float]] = {o: [] for o in optimizers}
        for p in problems:
            cells = []
            for o in optimizers:
                value = fmt(p, o)
                cells.append("-" if value is None else value[0])
                if value is not None:
                    per_opt[o].append(value[1])
            out.append(f"| {p} | " + " | ".join(cells) + " |")
        if mean_row:
            out.append("| **mean** | " + " | ".join(
                f"{statistics.mean(v):.1f}" if v else "-" for v in per_opt.values()) + " |")
        return out

    def runs(p: str, o: str) -> list[dict]:
        return [r for r in rows if r["problem"] == p and r["optimizer"] == o]

    scores = {p: _scores(rows, p, optima[p]) for p in problems}
    ranks = {p: _ranks(rows, p) for p in problems}

    def best_observed(p: str, o: str) -> tuple[str, float] | None:
        vals = [min(r["losses"]) for r in runs(p, o)]
        return (f"{statistics.median(vals):.4g} ({len(vals)})", 0.0) if vals else None

    def true_rec(p: str, o: str) -> tuple[str, float] | None:
        vals = [r["true_recommended"] for r in runs(p, o)]
        return (f"{statistics.median(vals):.4g}", 0.0) if vals else None

    def score(p: str, o: str) -> tuple[str, float] | None:
        vals = [v for (oo, _), v in scores[p].items() if oo == o]
        if not vals:
            return None
        return f"{statistics.mean(vals):.1f}", statistics.mean(vals)

    def worst(p: str, o: str) -> tuple[str, float] | None:
        vals = [v for (oo, _), v in scores[p].items() if oo == o]
        if not vals:
            return None
        below = sum(v < 0 for v in vals)
        return f"{min(vals):.1f} ({below}/{len(vals)} < 0)", min(vals)

    def rank(p: str, o: str) -> tuple[str, float] | None:
        vals = ranks[p].get(o)
        return (f"{statistics.mean(vals):.2f}", statistics.mean(vals)) if vals else None

    def bound(p: str, o: str) -> tuple[str, float] | None:
        vals = [r["on_bound"] for r in runs(p, o)]
        return (f"{100 * statistics.mean(vals):.0f}%", 100 * statistics.mean(vals)) if vals else None

    def mean_rank_row() -> str:
        cells = []
        for o in optimizers:
            vals = [v for p in problems for v in ranks[p].get(o, [])]
            cells.append(f"{statistics.mean(vals):.2f}" if vals else "-")
        return "| **mean** | " + " | ".join(cells) + " |"

    lines = [f"## {title}", "",
             "Findings, and the losses in words: [FINDINGS.md](FINDINGS.md). Only seeds that every "
             "optimizer finished on a problem are counted (seeds per cell in the first table).", "",
             "### Median best observed loss (seeds in brackets)", "", *header, *cell_rows(best_observed), "",
             "### Median true loss of the recommended configuration", "",
             "hypered: `Suggester.recommend` (best posterior mean when the objective looks noisy); "
             "peers: their best observed trial.", "", *header, *cell_rows(true_rec), "",
             "### Normalized score of the recommended configuration (mean over seeds)", "",
             "100 × (1 − regret / median regret of random search's recommendation); regret from the "
             "optimum, or for real problems from the best true value any run found. A seed's score "
             "is clipped at -100.", "",
             *header, *cell_rows(score, mean_row=True), "",
             "### Worst seed's score (seeds scoring below random search's median)", "",
             *header, *cell_rows(worst), "",
             "### Mean rank of the recommended configuration (1 = best)", "",
             *header, *cell_rows(rank), mean_rank_row(), "",
             "### Share of proposals with half or more numeric coordinates on a bound", "",
             "After the random starts (random search: all its points).", "",
             *header, *cell_rows(bound, mean_row=True), ""]
    if bounds_only:
        return [f"## {title}", "", "### Share of proposals with half or more numeric coordinates on a bound", "",
                "After the random starts (random search: all its points).", "",
                *header, *cell_rows(bound, mean_row=True), ""]
    lines += _recommendation_effect(rows, problems, optima)
    return lines


def _recommendation_effect(rows: list[dict], problems: list[str], optima: dict[str, float | None]) -> list[str]:
    """hypered's mean score had it recommended its best observed trial, next to its recommendation."""
    out = ["### hypered: its recommendation against its best observed trial (mean score over seeds)", "",
           "| problem | best observed | recommended | seeds |", "|---|---|---|---|"]
    for p in problems:
        mine = [r for r in rows if r["problem"] == p]
        ref = optima[p] if optima[p] is not None else min(
            min(r["true_recommended"], r["true_best_observed"]) for r in mine)
        randoms = [r["true_recommended"] - ref for r in mine if r["optimizer"] == "random"]
        base = statistics.median(randoms) if randoms else float("nan")
        runs = [r for r in mine if r["optimizer"] == "hypered"]
        if not runs or not base > 0:
            continue
        observed = statistics.mean(_clipped(100 * (1 - (r["true_best_observed"] - ref) / base)) for r in runs)
        chosen = statistics.mean(_clipped(100 * (1 - (r["true_recommended"] - ref) / base)) for r in runs)
        out.append(f"| {p} | {observed:.1f} | {chosen:.1f} | {len(runs)} |")
    return out + [""]


def scaling_table(rows: list[dict]) -> list[str]:
    """One table per start: warm (a running study: the optimizer suggested after n - 1 trials
    first) and cold (a fresh optimizer's first suggestion; rows before the start was recorded)."""
    lines: list[str] = []
    for start, how in (("warm", "warm, as in a running study: each optimizer suggested once after n - 1 "
                                "trials first"),
                       ("cold", "cold: a fresh optimizer's first suggestion, as when a study resumes")):
        mine = [r for r in rows if r.get("start", "cold") == start]
        if not mine:
            continue
        names = sorted({r["optimizer"] for r in mine}, key=lambda o: ORDER.index(o) if o in ORDER else 99)
        lines += [f"## Time for one suggestion after n completed trials (s, Hartmann6, {start})", "",
                  f"Both optimizers side by side in one run; {how}.", "",
                  "| n | " + " | ".join(names) + " | ratio " + " / ".join(names) + " |",
                  "|---" * (len(names) + 2) + "|"]
        for n in sorted({r["n"] for r in mine}):
            times = {r["optimizer"]: r["seconds"] for r in mine if r["n"] == n}
            cells = [f"{times[o]:.3f}" if o in times else "-" for o in names]
            ratio = "-"
            if len(names) == 2 and all(o in times for o in names) and times[names[1]] > 0:
                ratio = f"{times[names[0]] / times[names[1]]:.2f}"
            lines.append(f"| {n} | " + " | ".join(cells) + f" | {ratio} |")
        lines.append("")
    return lines


def paired(rows: list[dict]) -> list[dict]:
    """The runs of the (problem, seed) pairs every optimizer of the suite finished (newest run kept)."""
    runs: dict[tuple[str, str, int], dict] = {}
    for r in rows:
        runs[(r["problem"], r["optimizer"], r["seed"])] = r
    optimizers = {o for _, o, _ in runs}
    complete = {(p, s) for p, _, s in runs if all((p, o, s) in runs for o in optimizers)}
    return [r for (p, _, s), r in runs.items() if (p, s) in complete]


def write_report() -> None:
    quality, quality_kept = latest_variant(_load(HERE / "results" / "quality.jsonl"))
    realworld, realworld_kept = latest_variant(_load(HERE / "results" / "realworld.jsonl"))
    suite = {p.name: p.suite for p in PROBLEMS}
    scaling = _load(HERE / "results" / "scaling.jsonl")
    budgets = sorted({(r["budget"], r["n_init"]) for r in quality})
    lines = ["# Benchmark results", "",
             f"Written {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
             f"Python {platform.python_version()}, by `python benchmarks/run.py` and "
             "`python benchmarks/scaling.py` (see benchmarks/README.md). "
             f"Budgets (trials, random starts): {budgets}.", ""]
    lines += variant_note(quality_kept) + quality_tables(quality) + [""]
    lines += ["## Real-world and noisy suites", "", *variant_note(realworld_kept)]
    lines += recommendation_tables(paired([r for r in realworld if suite.get(r["problem"]) == "real"]),
                                   "Real-world suite: scikit-learn models, 40 trials, 10 random starts")
    lines += recommendation_tables(paired([r for r in realworld if suite.get(r["problem"]) == "noisy"]),
                                   "Noisy synthetic problems, 50 trials, 10 random starts")
    lines += recommendation_tables([r for r in quality if "true_recommended" in r],
                                   "Synthetic suite, runs that recorded their params", bounds_only=True)
    lines += scaling_table(scaling)
    (HERE / "RESULTS.md").write_text("\n".join(lines) + "\n")
