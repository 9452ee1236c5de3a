"""Quality benchmark: hypered against its peers, on synthetic, noisy and real-world problems.

    python benchmarks/run.py --suite synthetic   # known optima, deterministic (budget 50)
    python benchmarks/run.py --suite real noisy  # scikit-learn models (budget 40), noisy synthetic
    python benchmarks/run.py --problems branin hartmann6 --optimizers hypered random
    python benchmarks/run.py --report-only       # rewrite RESULTS.md from what is recorded

Each run (problem, optimizer, seed) appends one line to results/quality.jsonl (synthetic suite)
or results/realworld.jsonl (the others), marked with its optimizer's variant (peers.VARIANTS), and
is skipped when run again unless that variant changed; RESULTS.md is rewritten
after every run. Besides the losses, a run records its params, the configuration it recommends
(hypered: Suggester.recommend; peers: their best observed trial) and that configuration's true
value: the noiseless function for synthetic problems, the mean of 5 re-evaluations for noisy
real ones.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from peers import OPTIMIZERS, VARIANTS, hypered_recommendation  # noqa: E402
from problems import PROBLEMS, Problem  # noqa: E402
from report import write_report  # noqa: E402

from hypered.space import Categorical  # noqa: E402

RESULTS = Path(__file__).parent / "results"
FILES = {"synthetic": RESULTS / "quality.jsonl", "noisy": RESULTS / "realworld.jsonl",
         "real": RESULTS / "realworld.jsonl"}
BUDGETS = {"synthetic": (50, 10), "noisy": (50, 10), "real": (40, 10)}  # (trials, random starts)
RE_EVALUATIONS = 5


def true_value(problem: Problem, params: dict[str, Any], observed: float, seed: int) -> float:
    """The noiseless value of one configuration (its observed loss when deterministic)."""
    if problem.truth is not None:
        return float(problem.truth(params))
    if not problem.noisy:
        return observed
    rng = np.random.default_rng([seed, 99])
    return float(np.mean([problem.loss(params, rng) for _ in range(RE_EVALUATIONS)]))


def on_bound_share(problem: Problem, params: list[dict[str, Any]]) -> float:
    """Share of points with half or more of their numeric coordinates on a bound of their range."""
    numeric = [(n, v) for n, v in problem.params.items() if not isinstance(v, Categorical)]
    if not params or not numeric:
        return 0.0
    on = [sum(p[n] <= v.low or p[n] >= v.high for n, v in numeric) >= len(numeric) / 2 for p in params]
    return float(np.mean(on))


def _one(problem_name: str, optimizer: str, seed: int, budget: int, n_init: int) -> dict:
    import logging
    import warnings
    warnings.filterwarnings("ignore")
    logging.getLogger("hypered").setLevel(logging.WARNING)
    problem = next(p for p in PROBLEMS if p.name == problem_name)
    losses, params, overhead = OPTIMIZERS[optimizer](problem, seed, budget, n_init)
    best = int(np.argmin(losses))
    chosen = hypered_recommendation(problem, seed, losses, params) if optimizer == "hypered" else best
    true_best = true_value(problem, params[best], losses[best], seed)
    true_chosen = true_best if chosen == best else true_value(problem, params[chosen], losses[chosen], seed)
    proposals = params[n_init:] if optimizer != "random" else params
    return {"problem": problem_name, "optimizer": optimizer, "variant": VARIANTS.get(optimizer, ""),
            "seed": seed, "budget": budget,
            "n_init": n_init, "losses": losses, "overhead": overhead, "params": params,
            "recommended": chosen, "true_recommended": true_chosen, "true_best_observed": true_best,
            "on_bound": on_bound_share(problem, proposals)}


def _done(path: Path) -> set[tuple]:
    """The runs recorded with their optimizer's current variant (an older variant is run again)."""
    if not path.exists():
        return set()
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return {(r["problem"], r["optimizer"], r["seed"], r["budget"], r["n_init"]) for r in rows
            if r.get("variant", "") == VARIANTS.get(r["optimizer"], "")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--suite", nargs="*", default=["synthetic"], choices=sorted(BUDGETS))
    parser.add_argument("--problems", nargs="*", default=None, help="default: every problem of --suite")
    parser.add_argument("--optimizers", nargs="*", default=list(OPTIMIZERS))
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    if not args.report_only:
        chosen = [p for p in PROBLEMS if (p.name in args.problems if args.problems else p.suite in args.suite)]
        done = {suite: _done(path) for suite, path in FILES.items()}
        todo = [(p.name, o, s, *BUDGETS[p.suite]) for s in range(args.first_seed, args.seeds)
                for p in chosen for o in args.optimizers
                if (p.name, o, s, *BUDGETS[p.suite]) not in done[p.suite]]
        suite_of = {p.name: p.suite for p in PROBLEMS}
        print(f"{len(todo)} runs to do", flush=True)
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            futures = [pool.submit(_one, *job) for job in todo]
            for future in as_completed(futures):
                row = future.result()
                with FILES[suite_of[row["problem"]]].open("a") as f:
                    f.write(json.dumps(row) + "\n")
                print(f"{row['problem']:>16} {row['optimizer']:>10} seed {row['seed']}: best {min(row['losses']):.5g} "
                      f"recommended {row['true_recommended']:.5g} on-bound {row['on_bound']:.2f} "
                      f"overhead {row['overhead'] / row['budget']:.3f} s/trial", flush=True)
                write_report()
    write_report()


if __name__ == "__main__":
    main()
