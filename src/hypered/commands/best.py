"""`hypered best STUDY`: the best trial of a study, its params and metrics (--json: best.json's content)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

from ..errors import StudyReadError
from ..storage import flatten, read_study
from .exits import run_reporting_errors
from .target import add_study_arguments, study_folders


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hypered best",
        description="The best complete trial of a study so far (with outcome constraints: the best "
                    "feasible one, else the least infeasible, marked INFEASIBLE): its params and "
                    "metrics; for several objectives, the Pareto set (its trials' objective values "
                    "and params). Reads only; "
                    "works while the study runs. For a config file, each study it names.",
        epilog="exit codes: 0 shown; 1 no such study, an unreadable one, or no complete trial yet; "
               "2 a config error",
    )
    add_study_arguments(parser)
    parser.add_argument("--json", action="store_true",
                        help="print what best.json holds (params, results, value, experiment_dir, trial, "
                             "objective; with constraints, feasible and violations); a list of those "
                             "for a config of several studies")
    return parser


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(argv)
    return run_reporting_errors("best", lambda: _best(args))


def _best(args: argparse.Namespace) -> int:
    summaries = []
    for folder in study_folders(args.study, args.name, args.dir):
        study = read_study(folder)
        summary = study.best_summary()
        if summary is None:
            raise StudyReadError(f"study {study.name!r} in {folder} has no complete trial yet "
                                 f"({_counts(study.counts())})")
        summaries.append((study.name, folder, summary))
    if args.json:
        data: Any = [s for _, _, s in summaries] if len(summaries) > 1 else summaries[0][2]
        print(json.dumps(data, indent=4))
        return 0
    for index, (name, folder, summary) in enumerate(summaries):
        if index:
            print()
        if "pareto" in summary:
            _print_pareto(name, folder, summary)
            continue
        print(f"study {name} ({folder}): best is trial {summary['trial']}, "
              f"{summary['objective']} = {summary['value']:.6g}")
        if summary.get("feasible") is False:
            print(f"INFEASIBLE: no trial kept every constraint; this is the least infeasible "
                  f"({'; '.join(summary['violations'])})")
        print(f"folder: {summary['experiment_dir']}")
        _print_leaves("params", summary["params"])
        _print_leaves("results", summary["results"])
    return 0


def _print_pareto(name: str, folder: Any, summary: dict[str, Any]) -> None:
    """A study of several objectives: its Pareto set, one trial after another."""
    front = summary["pareto"]
    print(f"study {name} ({folder}): Pareto set of {len(front)} trial{'s' if len(front) != 1 else ''}, "
          f"{', '.join(summary['objectives'])}")
    if summary.get("feasible") is False:
        print("no trial kept every constraint, so the Pareto set is empty")
    for point in front:
        shown = ", ".join(f"{metric} = {value:.6g}" for metric, value in point["values"].items())
        print(f"trial {point['trial']}: {shown}")
        print(f"  folder: {point['experiment_dir']}")
        for leaf, value in (flatten(point["params"]) if isinstance(point["params"], dict) else {}).items():
            print(f"  {leaf} = {json.dumps(value)}")


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {state}" for state, n in counts.items() if n) or "no trials"


def _print_leaves(title: str, tree: Any) -> None:
    print(f"{title}:")
    leaves = flatten(tree) if isinstance(tree, dict) else {"": tree}
    for name, value in leaves.items():
        print(f"  {name} = {json.dumps(value)}")
