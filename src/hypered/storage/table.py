"""A study's trials as a table: one flat row per trial, written as CSV or JSON Lines.

Columns: number, state, value, `params.<name>` for each sampled variable (dotted names),
`results.<name>` for each leaf of any trial's results (dotted names), started, finished
(unix times), duration (seconds), reason; then `feasible` (true/false for a complete trial,
empty for others) when the study has constraints, and `pareto` (whether a trial is in the
Pareto set) when it has several objectives.
"""

from __future__ import annotations

import csv
import json
import math
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .stored import StoredStudy

FORMATS = ("csv", "jsonl")


def flatten(tree: Any, prefix: str = "") -> dict[str, Any]:
    """Every non-dict leaf of nested dicts by dotted name ({"val": {"acc": 1}} -> {"val.acc": 1})."""
    out: dict[str, Any] = {}
    if not isinstance(tree, dict):
        return out
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


def _param_names(study: StoredStudy) -> list[str]:
    names = dict.fromkeys(study.space)
    for trial in study.trials:
        names.update(dict.fromkeys(trial.values))
    return list(names)


def _metric_names(study: StoredStudy) -> list[str]:
    names: dict[str, None] = {}
    for trial in study.trials:
        names.update(dict.fromkeys(flatten(trial.results)))
    return list(names)


def _judged(study: StoredStudy) -> list[str]:
    """The columns that judge a trial: `feasible` with constraints, `pareto` with several objectives."""
    return ["feasible"] * bool(study.constraints) + ["pareto"] * bool(study.objectives)


def columns(study: StoredStudy) -> list[str]:
    """The table's columns for this study, in order."""
    return (["number", "state", "value"] + [f"params.{n}" for n in _param_names(study)]
            + [f"results.{n}" for n in _metric_names(study)] + ["started", "finished", "duration", "reason"]
            + _judged(study))


def trial_rows(study: StoredStudy) -> list[dict[str, Any]]:
    """One dict per trial with every column (None where a trial has no such value)."""
    params, metrics = _param_names(study), _metric_names(study)
    front = {t.number for t in study.pareto}
    rows = []
    for trial in study.trials:
        flat = flatten(trial.results)
        row: dict[str, Any] = {"number": trial.number, "state": trial.state.value, "value": trial.value}
        row.update({f"params.{n}": trial.values.get(n) for n in params})
        row.update({f"results.{n}": flat.get(n) for n in metrics})
        row.update({"started": trial.started, "finished": trial.finished, "duration": trial.duration,
                    "reason": trial.reason})
        if study.constraints:
            row["feasible"] = study.feasible(trial)
        if study.objectives:
            row["pareto"] = trial.number in front
        rows.append(row)
    return rows


def write_table(study: StoredStudy, out: IO[str], fmt: str) -> None:
    """Write the study's rows to `out` as "csv" or "jsonl"."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    rows = trial_rows(study)
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, allow_nan=True) + "\n")
        return
    writer = csv.DictWriter(out, fieldnames=columns(study), lineterminator="\n")
    writer.writeheader()
    writer.writerows(_csv_cells(row) for row in rows)


def _csv_cells(row: dict[str, Any]) -> dict[str, Any]:
    return {key: _csv_cell(value) for key, value in row.items()}


def _csv_cell(value: Any) -> Any:
    """Empty for None, JSON for lists and dicts, repr-exact floats, everything else as str."""
    if value is None:
        return ""
    if isinstance(value, bool) or isinstance(value, (list, dict)):
        return json.dumps(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else {"nan": "NaN", "inf": "Infinity"}.get(
            repr(value), "-Infinity")
    return value

