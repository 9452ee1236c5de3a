"""Writes benchmarks/RESULTS.md from the recorded runs (results/*.json*)."""

from __future__ import annotations

import json
import platform
import statistics
from datetime import datetime, timezone
from pathlib import Path

from problems import PROBLEMS

HERE = Path(__file__).parent
ORDER = ["hypered", "optuna_gp", "skopt_gp", "optuna_tpe", "random"]
MODEL_BASED = {"hypered", "optuna_gp", "skopt_gp", "optuna_tpe"}


def _load(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


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
              "| problem | " + " | ".join(optimizers) + " |", "|---" * (len(optimizers) + 1) + "|"]
    for p in problems:
        cells = [f"{statistics.median(overheads[(p, o)]):.3f}" if (p, o) in overheads else "-"
                 for o in optimizers]
        lines.append(f"| {p} | " + " | ".join(cells) + " |")
    return lines


def scaling_table(rows: list[dict]) -> list[str]:
    if not rows:
        return []
    names = sorted({r["optimizer"] for r in rows}, key=lambda o: ORDER.index(o) if o in ORDER else 99)
    ns = sorted({r["n"] for r in rows})
    lines = ["## Time for one suggestion after n completed trials (s, Hartmann6, measured in one run)", "",
             "| n | " + " | ".join(names) + " | ratio " + " / ".join(names) + " |",
             "|---" * (len(names) + 2) + "|"]
    for n in ns:
        times = {r["optimizer"]: r["seconds"] for r in rows if r["n"] == n}
        cells = [f"{times[o]:.3f}" if o in times else "-" for o in names]
        ratio = "-"
        if len(names) == 2 and all(o in times for o in names) and times[names[1]] > 0:
            ratio = f"{times[names[0]] / times[names[1]]:.2f}"
        lines.append(f"| {n} | " + " | ".join(cells) + f" | {ratio} |")
    return lines


def write_report() -> None:
    quality = _load(HERE / "results" / "quality.jsonl")
    scaling = _load(HERE / "results" / "scaling.jsonl")
    budgets = sorted({(r["budget"], r["n_init"]) for r in quality})
    lines = ["# Benchmark results", "",
             f"Written {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
             f"Python {platform.python_version()}, by `python benchmarks/run.py` and "
             "`python benchmarks/scaling.py` (see benchmarks/README.md). "
             f"Budgets (trials, random starts): {budgets}.", ""]
    lines += quality_tables(quality) + [""] + scaling_table(scaling)
    (HERE / "RESULTS.md").write_text("\n".join(lines) + "\n")
