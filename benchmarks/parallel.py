"""Parallel trials: throughput of parallel=1 vs 4, and what asynchronous parallelism costs in quality.

    python benchmarks/parallel.py [--seeds 10] [--strategy-seeds 20]

Throughput: 24 trials of a program that sleeps 1 s, run by the real local runner
with parallel=1 and parallel=4; dispatch overhead per trial = the time each of the
`parallel` slots is not running a program (wall time - the programs' own run time, as
recorded in study.db, / parallel), divided by the trials each slot ran.
Quality: Hartmann6 and the mixed HPO problem at budget 48 (10 random starts), each
evaluation sleeping a random 50-150 ms so that trials finish out of order; hypered
with parallel=1 and parallel=4 against random search.
Strategies: how pending trials are fantasized (bayesopt.PENDING_STRATEGIES), compared
on the same problems by a simulated asynchronous loop around the real Suggester (4
workers, durations drawn at random, no threads, so each run is reproducible).
Writes results/parallel.json and PARALLEL.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import heapq
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from peers import run_random  # noqa: E402
from problems import PROBLEMS  # noqa: E402

import hypered as hp  # noqa: E402
from hypered.bayesopt import PENDING_STRATEGIES  # noqa: E402
from hypered.space import Encoding  # noqa: E402
from hypered.space.params import parse_params  # noqa: E402
from hypered.storage import trial_key  # noqa: E402
from hypered.suggest import Suggester  # noqa: E402
from hypered.trial import Trial, TrialState  # noqa: E402

HERE = Path(__file__).parent
SLEEPER = textwrap.dedent("""
    import json, sys, time
    time.sleep(1.0)
    params = json.load(open(sys.argv[1]))
    json.dump({"loss": (params["x"] - 0.3) ** 2}, open(sys.argv[2], "w"))
""")


def throughput(parallel: int, trials: int = 24, random_starts: int = 24) -> dict[str, float]:
    """Wall time of `trials` 1-second trials; with random_starts == trials no model is fitted,
    so the overhead is the dispatch alone (store writes, process start, waiting)."""
    with tempfile.TemporaryDirectory() as folder:
        program = Path(folder) / "sleeper.py"
        program.write_text(SLEEPER)
        start = time.perf_counter()
        hp.optimize(name="tp", objective=hp.minimize("loss"), params={"x": hp.real(0, 1)},
                    binary=f"{sys.executable} {program} {{params_path}} {{results_path}}",
                    iterations=trials, random_starts=random_starts, parallel=parallel, seed=0,
                    directory=folder)
        wall = time.perf_counter() - start
        with sqlite3.connect(Path(folder) / "tp" / "study.db") as conn:
            own = sum(d for (d,) in conn.execute("SELECT duration FROM trials"))
    return {"parallel": parallel, "random_starts": random_starts, "wall": wall, "programs": own,
            "overhead_per_trial": (wall - own / parallel) / (trials / parallel)}


def quality(problem_name: str, parallel: int, seed: int, budget: int = 48) -> float:
    problem = next(p for p in PROBLEMS if p.name == problem_name)
    rng = np.random.default_rng(seed + 1000)
    delays = rng.uniform(0.05, 0.15, size=10 * budget)
    calls = [0]
    noise = np.random.default_rng([seed, 7])

    def objective(params: dict) -> float:
        index = calls[0]
        calls[0] += 1
        time.sleep(float(delays[index % len(delays)]))
        return problem.loss(params, noise)

    with tempfile.TemporaryDirectory() as folder:
        best = hp.optimize(name="q", objective=hp.minimize("loss"), params=problem.params, function=objective,
                           iterations=budget, random_starts=10, parallel=parallel, seed=seed, directory=folder)
    assert best is not None
    assert problem.optimum is not None, "parallel.py runs problems with known optima"
    return max(float(best["value"]) - problem.optimum, 0.0)


def simulated(problem_name: str, parallel: int, seed: int, pending: str, budget: int = 48) -> float:
    """Regret of one run of an asynchronous loop like the study's, on a simulated clock.

    `parallel` trials run at once; each lasts a random 0.5-1.5 time units; a new one is
    suggested as soon as one finishes, with the others pending.
    """
    problem = next(p for p in PROBLEMS if p.name == problem_name)
    suggester = Suggester(Encoding(parse_params(problem.params).variables), hp.minimize("loss"), random_starts=10,
                          seed=seed, kernel="Matern52", kernel_scale=None, acquisition="EI", restarts=5,
                          pending=pending)
    durations = np.random.default_rng(seed + 1000).uniform(0.5, 1.5, size=budget)
    noise = np.random.default_rng([seed, 7])
    trials: list[Trial] = []
    finishing: list[tuple[float, int]] = []  # (finish time, trial number), a heap
    clock = 0.0
    while len(trials) < budget or finishing:
        while len(trials) < budget and len(finishing) < parallel:
            values = suggester.suggest(trials)
            assert values is not None
            trials.append(Trial(len(trials), trial_key(values), values, values, TrialState.RUNNING))
            heapq.heappush(finishing, (clock + durations[len(trials) - 1], len(trials) - 1))
        clock, number = heapq.heappop(finishing)
        trials[number] = dataclasses.replace(trials[number], state=TrialState.COMPLETE,
                                             value=problem.loss(trials[number].values, noise))
    best = min(t.value for t in trials if t.value is not None)
    assert problem.optimum is not None, "parallel.py runs problems with known optima"
    return max(best - problem.optimum, 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--strategy-seeds", type=int, default=20)
    args = parser.parse_args()
    strategies: dict[str, dict[str, list[float]]] = {}
    for name in ("hartmann6", "mixed_hpo"):
        strategies[name] = {"parallel=1": [simulated(name, 1, s, "believer") for s in range(args.strategy_seeds)]}
        for pending in PENDING_STRATEGIES:
            strategies[name][pending] = [simulated(name, 4, s, pending) for s in range(args.strategy_seeds)]
            print(name, pending, statistics.median(strategies[name][pending]), flush=True)
    tp = [throughput(1), throughput(4), throughput(1, random_starts=10), throughput(4, random_starts=10)]
    for row in tp:
        print(f"throughput parallel={row['parallel']}: {row['wall']:.2f} s wall, "
              f"overhead {1000 * row['overhead_per_trial']:.1f} ms/trial", flush=True)
    results: dict[str, dict[str, list[float]]] = {}
    for name in ("hartmann6", "mixed_hpo"):
        problem = next(p for p in PROBLEMS if p.name == name)
        results[name] = {
            "random": [max(min(run_random(problem, s, 48, 10)[0]) - (problem.optimum or 0.0), 0.0)
                       for s in range(args.seeds)],
        }
        for parallel in (1, 4):
            results[name][f"hypered p{parallel}"] = [quality(name, parallel, s) for s in range(args.seeds)]
            print(name, parallel, statistics.median(results[name][f"hypered p{parallel}"]), flush=True)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "parallel.json").write_text(json.dumps(
        {"throughput": tp, "quality": results, "strategies": strategies}, indent=1))
    write(tp, results, args.seeds, strategies, args.strategy_seeds)


def score(regrets: list[float], random: list[float]) -> float:
    """100 x (1 - median regret / median regret of random search)."""
    return 100 * (1 - statistics.median(regrets) / statistics.median(random))


def write(tp: list[dict[str, float]], results: dict[str, dict[str, list[float]]], seeds: int,
          strategies: dict[str, dict[str, list[float]]], strategy_seeds: int) -> None:
    lines = ["# Parallel trials", "", "Written by `python benchmarks/parallel.py` (see its docstring).", "",
             "## Throughput: 24 trials of a program that sleeps 1 s", "",
             "Overhead per trial = (wall time − the programs' own run time / parallel) / (24 / parallel): "
             "how long each slot waits between two programs. With 24 random starts no model is fitted "
             "(dispatch alone); with 10, the GP chooses 14 trials and its thinking time is included.", "",
             f"Load average when written: {os.getloadavg()[0]:.1f} (2 shared cores).", "",
             "| parallel | random starts | wall time (s) | programs' own time (s) | overhead per trial (ms) |",
             "|---|---|---|---|---|"]
    for row in tp:
        lines.append(f"| {row['parallel']} | {row['random_starts']} | {row['wall']:.2f} | {row['programs']:.2f} | "
                     f"{1000 * row['overhead_per_trial']:.1f} |")
    lines += ["", f"Speed-up of parallel=4 over parallel=1: **{tp[0]['wall'] / tp[1]['wall']:.2f}×** "
              f"(dispatch only), **{tp[2]['wall'] / tp[3]['wall']:.2f}×** (with the GP).", "",
              f"## Quality at budget 48 ({seeds} seeds): median simple regret and normalized score", "",
              "Score: 100 × (1 − regret / median regret of random search).", "",
              "| problem | random | hypered parallel=1 | hypered parallel=4 |", "|---|---|---|---|"]
    for name, cells in results.items():
        base = statistics.median(cells["random"])
        row = []
        for key in ("random", "hypered p1", "hypered p4"):
            regret = statistics.median(cells[key])
            row.append(f"{regret:.4g} (score {100 * (1 - regret / base):.1f})")
        lines.append(f"| {name} | " + " | ".join(row) + " |")
    columns = list(next(iter(strategies.values())))
    lines += ["", f"## How pending trials are fantasized ({strategy_seeds} seeds, simulated clock)", "",
              "parallel=4 unless said otherwise; each cell: median regret, normalized score (random search's "
              "median regret from the table above), and the mean of the per-seed scores, which shows the tails.",
              "believer (the default) = kriging believer, the posterior mean; liar_* = constant liar; samples = "
              "EI averaged over 8 joint posterior samples.", "",
              "| problem | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for name, cells in strategies.items():
        random = results[name]["random"]
        base = statistics.median(random)
        row = [f"{statistics.median(cells[c]):.3g} ({score(cells[c], random):.1f}; mean "
               f"{statistics.mean(100 * (1 - r / base) for r in cells[c]):.1f})" for c in columns]
        lines.append(f"| {name} | " + " | ".join(row) + " |")
    (HERE / "PARALLEL.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
