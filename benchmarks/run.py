"""Quality benchmark: hypered against its peers on problems with known optima.

    python benchmarks/run.py                 # the whole grid (resumes: finished runs are kept)
    python benchmarks/run.py --problems branin hartmann6 --optimizers hypered random
    python benchmarks/run.py --report-only   # rewrite RESULTS.md from what is recorded

Each run (problem, optimizer, seed) appends one line to results/quality.jsonl;
RESULTS.md is rewritten from that file after every run.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from peers import OPTIMIZERS  # noqa: E402
from problems import PROBLEMS  # noqa: E402
from report import write_report  # noqa: E402

RESULTS = Path(__file__).parent / "results"
QUALITY = RESULTS / "quality.jsonl"


def _one(problem_name: str, optimizer: str, seed: int, budget: int, n_init: int) -> dict:
    import warnings
    warnings.filterwarnings("ignore")
    problem = next(p for p in PROBLEMS if p.name == problem_name)
    losses, overhead = OPTIMIZERS[optimizer](problem, seed, budget, n_init)
    return {"problem": problem_name, "optimizer": optimizer, "seed": seed, "budget": budget,
            "n_init": n_init, "losses": losses, "overhead": overhead}


def _done() -> set[tuple]:
    if not QUALITY.exists():
        return set()
    rows = [json.loads(line) for line in QUALITY.read_text().splitlines() if line.strip()]
    return {(r["problem"], r["optimizer"], r["seed"], r["budget"], r["n_init"]) for r in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--problems", nargs="*", default=[p.name for p in PROBLEMS])
    parser.add_argument("--optimizers", nargs="*", default=list(OPTIMIZERS))
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--budget", type=int, default=50)
    parser.add_argument("--init", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    if not args.report_only:
        done = _done()
        todo = [(p, o, s, args.budget, args.init) for s in range(args.seeds) for p in args.problems
                for o in args.optimizers if (p, o, s, args.budget, args.init) not in done]
        print(f"{len(todo)} runs to do", flush=True)
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            futures = [pool.submit(_one, *job) for job in todo]
            for future in as_completed(futures):
                row = future.result()
                with QUALITY.open("a") as f:
                    f.write(json.dumps(row) + "\n")
                best = min(row["losses"])
                print(f"{row['problem']:>16} {row['optimizer']:>10} seed {row['seed']}: best {best:.5g} "
                      f"overhead {row['overhead'] / row['budget']:.3f} s/trial", flush=True)
                write_report()
    write_report()


if __name__ == "__main__":
    main()
