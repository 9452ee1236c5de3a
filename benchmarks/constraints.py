"""Outcome constraints benchmark: hypered against Optuna's GPSampler and TPE with constraints_func, and random.

Usage: python benchmarks/constraints.py [--seeds N] [--problems a,b] [--optimizers a,b] [--budget N]
       [--report-only]

Each problem is a deterministic objective to minimize under outcome constraints c_i(x) <= 0,
evaluated as a black box that returns the objective and every constraint value. Every optimizer
gets the same budget of trials and the same number of random initial trials; all see the
constraint values only through the trials' outputs (hypered: `at_most(name, 0)`; Optuna:
`constraints_func` returning the values, <= 0 feasible). Measured per run: the best feasible
objective value at the end (and at half the budget), whether any trial was feasible, and the
share of feasible trials.

Results are appended to benchmarks/results/constraints.jsonl, one line per (problem, optimizer,
seed), and a finished run is not run again; benchmarks/CONSTRAINTS.md is written from every line.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from peers import VARIANTS
from runs import append_run, current, missing, one_thread, read_runs

import hypered as hp

HERE = Path(__file__).parent
RESULTS = HERE / "results" / "constraints.jsonl"
REPORT = HERE / "CONSTRAINTS.md"
N_INIT = 10

Point = dict[str, float]


@dataclass(frozen=True)
class Problem:
    """min objective(x) s.t. every constraint value <= 0, over a box."""

    name: str
    bounds: dict[str, tuple[float, float]]
    evaluate: Callable[[Point], tuple[float, list[float]]]  # -> objective, constraint values
    optimum: float  # the best feasible value (literature, or a dense search here)
    source: str


def gardner(p: Point) -> tuple[float, list[float]]:
    """Gardner et al. 2014, Sec. 5.1: cos(2x)cos(y) + sin(x) s.t. cos(x)cos(y) - sin(x)sin(y) <= 0.5."""
    x, y = p["x"], p["y"]
    return math.cos(2 * x) * math.cos(y) + math.sin(x), [math.cos(x) * math.cos(y) - math.sin(x) * math.sin(y) - 0.5]


def gramacy(p: Point) -> tuple[float, list[float]]:
    """Gramacy et al. 2016: x1 + x2 s.t. two nonlinear constraints on [0, 1]^2 (optimum 0.5998)."""
    x1, x2 = p["x1"], p["x2"]
    c1 = 1.5 - x1 - 2 * x2 - 0.5 * math.sin(2 * math.pi * (x1**2 - 2 * x2))
    c2 = x1**2 + x2**2 - 1.5
    return x1 + x2, [c1, c2]


def branin_disk(p: Point) -> tuple[float, list[float]]:
    """Branin s.t. (x1 - 2.5)^2 + (x2 - 7.5)^2 <= 50 (Gelbart et al. 2014, Sec. 4.1): two of
    Branin's three minima lie outside the disk."""
    x1, x2 = p["x1"], p["x2"]
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    value = (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10
    return value, [(x1 - 2.5) ** 2 + (x2 - 7.5) ** 2 - 50]


_H6_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                  [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
_H6_P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                         [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])
_H6_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann6_l1(p: Point) -> tuple[float, list[float]]:
    """Hartmann6 s.t. ||x||_1 <= 1.5 (the unconstrained minimum, at ||x||_1 = 2.08, is cut off)."""
    x = np.array([p[f"x{i}"] for i in range(6)])
    value = -float(_H6_ALPHA @ np.exp(-np.sum(_H6_A * (x - _H6_P) ** 2, axis=1)))
    return value, [float(np.sum(x)) - 1.5]


@functools.cache
def _digits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from sklearn import datasets
    from sklearn.model_selection import train_test_split
    X, y = datasets.load_digits(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    return X_train, X_val, y_train, y_val


def forest_size(p: Point) -> tuple[float, list[float]]:
    """A random forest on digits (fixed 70/30 split, random_state 0): validation log loss, under a
    model-size budget of 2,000 tree nodes in all (a forest for a small device). Integers are
    rounded from the searched reals, the same for every optimizer."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import log_loss
    X_train, X_val, y_train, y_val = _digits()
    model = RandomForestClassifier(n_estimators=round(math.exp(p["log_trees"])), max_depth=round(p["max_depth"]),
                                   min_samples_leaf=round(p["min_samples_leaf"]), max_features=p["max_features"],
                                   random_state=0, n_jobs=1).fit(X_train, y_train)
    nodes = sum(tree.tree_.node_count for tree in model.estimators_)
    return float(log_loss(y_val, model.predict_proba(X_val))), [nodes - 2000.0]


PROBLEMS = {
    "gardner": Problem("gardner", {"x": (0.0, 6.0), "y": (0.0, 6.0)}, gardner, -2.0, "Gardner et al. 2014"),
    "gramacy": Problem("gramacy", {"x1": (0.0, 1.0), "x2": (0.0, 1.0)}, gramacy, 0.5998, "Gramacy et al. 2016"),
    "branin_disk": Problem("branin_disk", {"x1": (-5.0, 10.0), "x2": (0.0, 15.0)}, branin_disk, 0.397887,
                           "Gelbart et al. 2014"),
    "hartmann6_l1": Problem("hartmann6_l1", {f"x{i}": (0.0, 1.0) for i in range(6)}, hartmann6_l1, -2.5951,
                            "Hartmann6 in an L1 ball; optimum by SLSQP from 300 starts"),
    "forest_size": Problem("forest_size", {"log_trees": (math.log(5), math.log(200)), "max_depth": (2.0, 30.0),
                                           "min_samples_leaf": (1.0, 30.0), "max_features": (0.05, 1.0)},
                           forest_size, math.nan, "scikit-learn random forest on digits, at most 2,000 nodes"),
}


class Recorder:
    """Evaluates the problem and keeps every (objective, feasible) pair in call order."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.calls: list[tuple[float, bool]] = []

    def __call__(self, point: Point) -> tuple[float, list[float]]:
        value, constraints = self.problem.evaluate(point)
        self.calls.append((value, all(c <= 0.0 for c in constraints)))
        return value, constraints


def run_hypered(problem: Problem, seed: int, budget: int, recorder: Recorder) -> None:
    names = [f"c{i}" for i in range(len(problem.evaluate({k: lo for k, (lo, _) in problem.bounds.items()})[1]))]

    def function(params: dict[str, Any]) -> dict[str, float]:
        value, constraints = recorder({k: float(params[k]) for k in problem.bounds})
        return {"objective": value, **dict(zip(names, constraints))}

    with tempfile.TemporaryDirectory() as folder:
        hp.optimize(name="bench", objective=hp.minimize("objective"),
                    params={k: hp.real(lo, hi) for k, (lo, hi) in problem.bounds.items()},
                    function=function, iterations=budget, random_starts=N_INIT, seed=seed,
                    directory=folder, constraints=[hp.at_most(n, 0.0) for n in names])


def _run_optuna(problem: Problem, seed: int, budget: int, recorder: Recorder, sampler_name: str) -> None:
    import optuna
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.filterwarnings("ignore", category=FutureWarning)  # Optuna 5 deprecates constraints_func

    def constraints_func(trial: optuna.trial.FrozenTrial) -> list[float]:
        return list(trial.user_attrs["constraints"])

    if sampler_name == "gp":
        sampler: optuna.samplers.BaseSampler = optuna.samplers.GPSampler(
            seed=seed, n_startup_trials=N_INIT, constraints_func=constraints_func)
    else:
        sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=N_INIT, constraints_func=constraints_func)

    def objective(trial: optuna.trial.Trial) -> float:
        point = {k: trial.suggest_float(k, lo, hi) for k, (lo, hi) in problem.bounds.items()}
        value, constraints = recorder(point)
        trial.set_user_attr("constraints", constraints)
        return value

    optuna.create_study(sampler=sampler).optimize(objective, n_trials=budget)


def run_optuna_gp(problem: Problem, seed: int, budget: int, recorder: Recorder) -> None:
    _run_optuna(problem, seed, budget, recorder, "gp")


def run_optuna_tpe(problem: Problem, seed: int, budget: int, recorder: Recorder) -> None:
    _run_optuna(problem, seed, budget, recorder, "tpe")


def run_random(problem: Problem, seed: int, budget: int, recorder: Recorder) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(budget):
        recorder({k: float(rng.uniform(lo, hi)) for k, (lo, hi) in problem.bounds.items()})


OPTIMIZERS: dict[str, Callable[[Problem, int, int, Recorder], None]] = {
    "hypered": run_hypered,
    "optuna_gp": run_optuna_gp,
    "optuna_tpe": run_optuna_tpe,
    "random": run_random,
}


def best_feasible(calls: list[tuple[float, bool]]) -> float | None:
    values = [v for v, ok in calls if ok]
    return min(values) if values else None


def run_one(problem: Problem, optimizer: str, seed: int, budget: int) -> dict[str, Any]:
    recorder = Recorder(problem)
    start = time.perf_counter()
    OPTIMIZERS[optimizer](problem, seed, budget, recorder)
    calls = recorder.calls[:budget]
    return {"problem": problem.name, "optimizer": optimizer, "variant": VARIANTS.get(optimizer, ""),
            "seed": seed, "budget": budget, "best": best_feasible(calls),
            "best_half": best_feasible(calls[: budget // 2]),
            "feasible_share": sum(ok for _, ok in calls) / max(len(calls), 1),
            "seconds": time.perf_counter() - start}


# -- the report ------------------------------------------------------------------------------------

def _mean(values: list[float]) -> str:
    return f"{statistics.fmean(values):.4g}" if values else "-"


def _summary_row(name: str, runs: list[dict[str, Any]], optimum: float) -> str:
    found = [r["best"] for r in runs if r["best"] is not None]
    half = [r["best_half"] for r in runs if r["best_half"] is not None]
    gaps = [b - optimum for b in found] if math.isfinite(optimum) else []
    return (f"| {name} | {_mean(found)} | {statistics.median(found) if found else math.nan:.4g} | "
            f"{_mean(gaps)} | {_mean(half)} | {len(found)}/{len(runs)} | "
            f"{statistics.fmean(r['feasible_share'] for r in runs):.2f} | "
            f"{statistics.fmean(r['seconds'] for r in runs):.1f} |")


def _wins(runs: list[dict[str, Any]], seeds: list[int], a: str, b: str) -> str:
    """Seeds where a's best feasible value beats b's (a run with no feasible trial loses)."""
    def best(name: str, seed: int) -> float:
        value = next(r["best"] for r in runs if r["optimizer"] == name and r["seed"] == seed)
        return math.inf if value is None else value
    wins = sum(best(a, s) < best(b, s) for s in seeds)
    ties = sum(best(a, s) == best(b, s) for s in seeds)
    return f"{wins} wins, {ties} ties, {len(seeds) - wins - ties} losses"


NOTES = """## Notes

- The three 2D problems separate the model-based optimizers from TPE and random search but hardly
  from each other: hypered and Optuna's GPSampler both end with a mean gap below 1e-4, so the
  seed-by-seed "wins" there are differences in the fourth decimal or beyond (on branin_disk
  Optuna's GPSampler ends closer on most seeds). Compare the gap, and the value at half the
  budget, where the two differ more.
- hartmann6_l1 (6D; the constraint cuts off the unconstrained minimum, and only 1.5^6/6! = 1.6%
  of the cube is feasible) is where the constrained acquisition matters most.
- forest_size is a real task (each trial fits a forest, ~0.1-2 s; integers are rounded from the
  searched reals for every optimizer alike); its optimum is not known, so it has no gap column.
- Optuna 5 deprecates `constraints_func` in favour of `Trial.set_constraint`; the runs here use
  `constraints_func`, whose behaviour is the same.
"""


def report(runs: list[dict[str, Any]]) -> str:
    names = [n for n in OPTIMIZERS if any(r["optimizer"] == n for r in runs)]
    budgets = sorted({r["budget"] for r in runs})
    lines = ["# Outcome constraints", "",
             "Written by `python benchmarks/constraints.py` from `benchmarks/results/constraints.jsonl`; "
             "the method is in the script's docstring.", "",
             f"Each run: {', '.join(map(str, budgets))} trials, the first {N_INIT} random (Sobol for hypered). "
             "Best feasible: the lowest objective value among the trials that kept every constraint "
             "(lower is better); mean and median over the seeds where one was found. Gap: mean of best "
             "feasible minus the known optimum. At half: mean best feasible after half the budget. "
             "Seeds feasible: seeds with at least one feasible trial. Feasible share: mean share of "
             "feasible trials per run. Seconds: wall time per run on a shared 2-core machine, one BLAS "
             "(and torch) thread.", ""]
    for problem in PROBLEMS.values():
        at = [r for r in runs if r["problem"] == problem.name]
        seeds = sorted(s for s in {r["seed"] for r in at}
                       if {r["optimizer"] for r in at if r["seed"] == s} >= set(names))
        at = [r for r in at if r["seed"] in seeds]  # the same seeds for every optimizer
        if not at:
            continue
        optimum = problem.optimum
        lines += [f"## {problem.name} ({problem.source}; best known feasible value "
                  f"{optimum if math.isfinite(optimum) else 'not known'}), {len(seeds)} seeds", "",
                  "| optimizer | best feasible (mean) | median | gap | at half | seeds feasible | "
                  "feasible share | seconds |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        lines += [_summary_row(n, [r for r in at if r["optimizer"] == n], optimum) for n in names]
        lines += [""]
        if "hypered" in names:
            lines += [f"hypered against {other}, seed by seed: {_wins(at, seeds, 'hypered', other)}."
                      for other in names if other != "hypered"]
            lines += [""]
    return "\n".join(lines + [NOTES])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--budget", type=int, default=50)
    parser.add_argument("--problems", default=",".join(PROBLEMS))
    parser.add_argument("--optimizers", default=",".join(OPTIMIZERS))
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args()
    one_thread(torch=True)  # Optuna's GPSampler runs on torch
    runs = current(read_runs(RESULTS), VARIANTS)
    done = {(r["problem"], r["optimizer"], r["seed"]) for r in runs if r["budget"] == args.budget}
    if not args.report_only:
        for seed, problem, optimizer in missing(range(args.seeds), args.problems.split(","),
                                                args.optimizers.split(","), done):
            run = run_one(PROBLEMS[problem], optimizer, seed, args.budget)
            print(json.dumps(run), flush=True)
            runs.append(run)
            append_run(RESULTS, run)
            REPORT.write_text(report(runs))
    REPORT.write_text(report(runs))


if __name__ == "__main__":
    main()
