"""`hypered status [DIR]`: every study under an experiments folder, how far it got, and whether it runs."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import StudyReadError
from ..storage import Driver, StoredStudy, find_studies, is_study, lock_holder, read_study
from ..storage.stored import STATES
from .exits import run_reporting_errors

_HEADER = ("study", *STATES, "best", "objective", "last activity", "driver")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hypered status",
        description="Every study under DIR: its trials per state, best value (for several objectives, "
                    "the size of the Pareto set), objective, last activity, "
                    "and the driver running it (pid and host) if one is. Reads only; works while studies run.",
        epilog="exit codes: 0 every study read; 1 DIR missing or a study unreadable (its row says why)",
    )
    parser.add_argument("dir", metavar="DIR", nargs="?", default="experiments",
                        help="the folder holding the study folders, or one study folder (default: ./experiments)")
    parser.add_argument("--json", action="store_true", help="print the same as JSON")
    return parser


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(argv)
    return run_reporting_errors("status", lambda: _status(Path(args.dir), args.json))


def _status(root: Path, as_json: bool) -> int:
    if not root.is_dir():
        raise StudyReadError(f"{root}: no such experiments folder (give the folder that holds your study "
                             "folders, e.g. hypered status experiments)")
    folders = [root] if is_study(root) else find_studies(root)
    rows = [_row(folder) for folder in folders]
    if as_json:
        print(json.dumps({"directory": str(root.absolute()), "studies": rows}, indent=2, allow_nan=False))
    elif not rows:
        print(f"no studies in {root}")
    else:
        _print_table(rows)
    failed = [row for row in rows if row["error"]]
    for row in failed if not as_json else []:
        print(f"hypered status: error: {row['error']}", file=sys.stderr)
    return 1 if failed else 0


def _row(folder: Path) -> dict[str, Any]:
    """One study's line: counts, best, objective, last activity, driver; or its error."""
    try:
        study = read_study(folder, outline=True)
    except StudyReadError as err:
        driver = lock_holder(folder)
        return {"name": folder.name, "folder": str(folder.absolute()), "error": str(err), "warnings": [],
                "trials": None, "best": None, "objective": None, "last_activity": None, "iterations": None,
                "running": driver is not None, "driver": _driver(driver)}
    if study.objectives:
        return _pareto_row(read_study(folder))  # the Pareto set compares results, which an outline lacks
    best = study.best
    return {
        "name": study.name, "folder": str(folder.absolute()), "error": None, "warnings": list(study.warnings),
        "trials": study.counts(),
        "best": None if best is None else {"trial": best.number, "value": best.value,
                                           **({"feasible": study.feasible(best)} if study.constraints else {})},
        "objective": {"name": study.objective.name, "direction": study.objective.direction.value},
        "last_activity": study.last_activity, "iterations": study.iterations,
        "running": study.running, "driver": _driver(study.driver),
    }


def _pareto_row(study: StoredStudy) -> dict[str, Any]:
    """A study of several objectives: "objective" lists them, "pareto" counts the Pareto set's trials
    (None before a trial completes) and "best" is None (no one trial is best)."""
    complete = study.counts()["complete"]
    return {
        "name": study.name, "folder": str(study.folder.absolute()), "error": None,
        "warnings": list(study.warnings), "trials": study.counts(), "best": None,
        "pareto": len(study.pareto) if complete else None,
        "objective": [{"name": o.name, "direction": o.direction.value} for o in study.objectives],
        "last_activity": study.last_activity, "iterations": study.iterations,
        "running": study.running, "driver": _driver(study.driver),
    }


def _best_cell(row: dict[str, Any]) -> str:
    if "pareto" in row:
        return "-" if row["pareto"] is None else f"Pareto set: {row['pareto']}"
    if row["best"] is None:
        return "-"
    return f"{row['best']['value']:.6g}" + (" (infeasible)" if row["best"].get("feasible") is False else "")


def _objective_cell(objective: dict[str, Any] | list[dict[str, Any]]) -> str:
    if isinstance(objective, list):
        return "[" + ", ".join(_objective_cell(o) for o in objective) + "]"
    return f"{objective['direction']}({objective['name']!r})"


def _driver(driver: Driver | None) -> dict[str, Any] | None:
    return None if driver is None else {"pid": driver.pid, "host": driver.host}


def _print_table(rows: list[dict[str, Any]]) -> None:
    lines = [list(_HEADER)]
    for row in rows:
        if row["error"]:
            continue
        lines.append([
            row["name"], *(str(row["trials"][state]) for state in STATES),
            _best_cell(row), _objective_cell(row["objective"]),
            "-" if row["last_activity"] is None else time.strftime("%Y-%m-%d %H:%M:%S",
                                                                   time.localtime(row["last_activity"])),
            "-" if row["driver"] is None else f"pid {row['driver']['pid']} on {row['driver']['host']}",
        ])
    widths = [max(len(line[i]) for line in lines) for i in range(len(_HEADER))]
    numeric = range(1, len(STATES) + 2)  # counts and best: right-aligned
    for line in lines:
        cells = [cell.rjust(w) if i in numeric else cell.ljust(w) for i, (cell, w) in enumerate(zip(line, widths))]
        print("  ".join(cells).rstrip())
    for row in rows:
        if row["error"]:
            print(f"{row['name']}: cannot be read (see the error below)")
        for warning in row["warnings"]:
            print(f"{row['name']}: warning: {warning}")
