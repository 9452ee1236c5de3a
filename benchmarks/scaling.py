"""Overhead scaling: time for one suggestion after n completed trials, hypered next to Optuna's GPSampler.

    python benchmarks/scaling.py [--ns 50 100 200 400 1000] [--repeats 3] [--cold]

Both optimizers get the same n completed Hartmann6 trials (uniformly random points) in the same
run. Each repeat times a study's steady state: a fresh optimizer first suggests after n - 1 trials
(untimed; both warm-start their next GP fit from this one), then after n (timed); with --cold, the
fresh optimizer's first suggestion is timed (as when a study resumes). The median of `repeats` is
recorded in results/scaling.jsonl (replacing the rows of the same start) and RESULTS.md is rewritten.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from problems import PROBLEMS, hartmann6  # noqa: E402
from report import write_report  # noqa: E402

import hypered as hp  # noqa: E402
from hypered.space import Encoding, parse_params  # noqa: E402
from hypered.storage import trial_key  # noqa: E402
from hypered.suggest import Suggester  # noqa: E402
from hypered.trial import Trial, TrialState  # noqa: E402

HARTMANN = next(p for p in PROBLEMS if p.name == "hartmann6")


def _points(n: int, seed: int) -> list[dict[str, float]]:
    """n random points, the best last: a history that ends on a new best has hypered's GP propose
    (after 8 trials without one it would propose a Sobol point instead, which costs nothing)."""
    rng = np.random.default_rng(seed)
    points = [{f"x{i}": float(v) for i, v in enumerate(row)} for row in rng.random((n, 6))]
    best = min(range(n), key=lambda i: hartmann6(points[i]))
    return points[:best] + points[best + 1:] + [points[best]]


def time_hypered(points: list[dict[str, float]], repeats: int, cold: bool = False) -> float:
    encoding = Encoding(parse_params(HARTMANN.params).variables)
    trials = [Trial(i, trial_key(p), p, p, TrialState.COMPLETE, value=hartmann6(p))
              for i, p in enumerate(points)]
    times = []
    for r in range(repeats):
        suggester = Suggester(encoding, hp.minimize("loss"), random_starts=10, seed=r, kernel="Matern52",
                              kernel_scale=None, acquisition="EI", restarts=5)
        if not cold:
            suggester.suggest(trials[:-1])
        start = time.perf_counter()
        suggester.suggest(trials)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_optuna(points: list[dict[str, float]], repeats: int, cold: bool = False) -> float:
    import optuna
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    dists = {name: optuna.distributions.FloatDistribution(0.0, 1.0) for name in HARTMANN.params}
    times = []
    for r in range(repeats):
        study = optuna.create_study(sampler=optuna.samplers.GPSampler(seed=r, n_startup_trials=10))
        study.add_trials([optuna.trial.create_trial(params=p, distributions=dists, value=hartmann6(p))
                          for p in points[:-1]])
        if not cold:
            warm = study.ask()
            for name in HARTMANN.params:
                warm.suggest_float(name, 0.0, 1.0)
            study.tell(warm, state=optuna.trial.TrialState.FAIL)  # its point is not one of the n
        study.add_trial(optuna.trial.create_trial(params=points[-1], distributions=dists,
                                                  value=hartmann6(points[-1])))
        start = time.perf_counter()
        trial = study.ask()
        for name in HARTMANN.params:
            trial.suggest_float(name, 0.0, 1.0)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--ns", nargs="*", type=int, default=[50, 100, 200, 400, 1000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="time a fresh optimizer's first suggestion")
    args = parser.parse_args()
    mode = "cold" if args.cold else "warm"
    warnings.filterwarnings("ignore")
    out = Path(__file__).parent / "results" / "scaling.jsonl"
    out.parent.mkdir(exist_ok=True)
    rows = [r for r in map(json.loads, out.read_text().splitlines() if out.exists() else [])
            if r.get("start", "cold") != mode]
    warm = _points(20, seed=0)  # imports and first-call costs (torch, caches) stay out of the numbers
    time_hypered(warm, 1)
    time_optuna(warm, 1)
    for n in args.ns:
        points = _points(n, seed=n)
        for name, timer in (("hypered", time_hypered), ("optuna_gp", time_optuna)):
            seconds = timer(points, args.repeats, args.cold)
            rows.append({"n": n, "optimizer": name, "seconds": seconds, "start": mode})
            print(f"n={n:5d} {name:>10}: {seconds:.3f} s", flush=True)
    out.write_text("".join(json.dumps(r) + "\n" for r in rows))
    write_report()


if __name__ == "__main__":
    main()
