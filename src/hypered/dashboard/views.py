"""The JSON the pages fetch: the study list, a study's summary, its plot columns, table and trials.

Plots of large studies get a sample of rows chosen server-side (every trial that improved the
best value, the best ones, the running ones, then an even spread), so a 10,000-trial study
sends a thousand points, not all of them. Learning curves are in curves.py.
"""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..storage import StoredReport, recommended_by
from ..trial import Trial, TrialState
from . import filters
from .curves import thin
from .frame import Frame, clean, label, number, shown
from .studies import Study, flatten

MAX_PLOT_POINTS = 1000
MAX_EDF_STEPS = 500  # the objective's EDF is drawn through at most this many steps
_BEST_KEPT = 100
LOG_TAIL_BYTES = 32 * 1024
TABLE_LIMIT_MAX = 500
REPORTS_SHOWN = 1000  # a trial page's reports: the last ones
STATES = tuple(s.value for s in TrialState)


def counts(study: Study) -> dict[str, int]:
    out = {state: 0 for state in STATES}
    for trial in study.trials:
        out[trial.state.value] += 1
    out["total"] = len(study.trials)
    return out


def last_activity(study: Study) -> float | None:
    times = [t for trial in study.trials for t in (trial.started, trial.finished) if t is not None]
    return max(times, default=study.created)


def summary(frame: Frame, running: bool) -> dict[str, Any]:
    """A study's line in the list: counts, the best observed value (`best`), the trial the study
    recommends (`recommended`, see `recommended_line`), last activity, running or not."""
    study = frame.study
    best = frame.best_index
    return clean({
        "name": study.name,
        "legacy": study.legacy,
        "objective": {"name": study.objective.name, "direction": study.objective.direction.value},
        "counts": counts(study),
        "best": None if best is None else {"number": frame.number[best], "value": frame.value[best],
                                           "feasible": frame.feasible(best)},
        "recommended": recommended_line(frame),
        "constraints": [c.describe() for c in study.constraints],
        "objectives": [{"name": o.name, "direction": o.direction.value} for o in study.objectives],
        "pareto": sum(frame.pareto),
        "last_activity": last_activity(study),
        "created": study.created,
        "iterations": study.iterations,
        "running": running,
        "version": study.version,
    })


def recommended_line(frame: Frame) -> dict[str, Any] | None:
    """The trial the study recommends, as the study list shows it: its `number`, observed `value`,
    `posterior_mean` (null unless judged noisy), `recommended_by` (best.json's words) and
    `best_observed` (whether it is also the best observed trial). None while the model's judgement
    does not hold (see StoredStudy.recommended) and for several objectives. Read from what is
    stored: the list never fits a model."""
    row = frame.recommended_index
    judgement = frame.study.recommendation
    if row is None or judgement is None:
        return None
    return {"number": frame.number[row], "value": frame.value[row],
            "posterior_mean": number(judgement.get("posterior_mean")),
            "recommended_by": recommended_by(judgement), "best_observed": row == frame.best_index}


def study_detail(frame: Frame, running: bool) -> dict[str, Any]:
    """Summary plus the variables, the metrics, the best observed trial's params and metrics
    (`best`) and the trial the study recommends (`recommendation`, which says more than the
    list's `recommended`)."""
    out = summary(frame, running)
    del out["recommended"]
    out["variables"] = [v.as_dict() for v in frame.variables]
    out["metrics"] = list(frame.metrics)
    best = frame.best_index
    if best is not None:
        out["best"] = trial_summary(frame, best)
    out["recommendation"] = recommendation(frame)
    return out


def trial_summary(frame: Frame, i: int) -> dict[str, Any]:
    """Row i's trial as the Best section shows it: number, value, params, metrics, feasibility."""
    trial = frame.study.trials[i]
    fields: dict[str, Any] = {
        "number": trial.number,
        "value": frame.value[i],
        "params": {v.name: frame.params[v.name][i] for v in frame.variables},
        "all_params": flatten(trial.params),
        "metrics": {m: frame.metric_values[m][i] for m in frame.metrics},
        "feasible": frame.feasible(i),
        "violations": frame.violations[i],
    }
    out: dict[str, Any] = shown(fields)  # Any-typed fields make mypy pick shown's Any overload
    return out


def recommendation(frame: Frame) -> dict[str, Any] | None:
    """The trial the study recommends, as best.json names it: `trial_summary` plus `judged` (whether
    the model judged the trials when the last run ended, with none completed since), `noisy`,
    `declared` (the user's noisy= rather than the model's judgement), `repeat` (what a trial that
    repeated another's values showed, when that decided `noisy`), `posterior_mean`, `noise_std`
    (null until judged), `recommended_by` (best.json's words) and
    `best_observed` (whether it is also the best observed trial). Until judged, the best observed
    trial. None before a trial completes, and for several objectives (their answer is the Pareto set)."""
    best = frame.best_index
    if best is None or frame.study.objectives:
        return None
    row = frame.recommended_index
    judgement = frame.study.recommendation if row is not None else None
    chosen = best if row is None else row
    out = trial_summary(frame, chosen)
    out.update(shown({
        "judged": judgement is not None,
        "recommended_by": recommended_by(judgement),
        "noisy": None if judgement is None else judgement.get("noisy"),
        "declared": None if judgement is None else bool(judgement.get("declared")),
        "repeat": None if judgement is None else judgement.get("repeat"),
        "posterior_mean": None if judgement is None else number(judgement.get("posterior_mean")),
        "noise_std": None if judgement is None else number(judgement.get("noise_std")),
        "best_observed": chosen == best,
    }))
    return out


def plot_rows(frame: Frame, max_points: int = MAX_PLOT_POINTS) -> list[int]:
    """Rows to plot: all if few, else improvements, the best, the recommended one, running ones and
    an even spread."""
    n = len(frame.number)
    if n <= max_points:
        return list(range(n))
    keep = {i for i in range(n) if frame.value[i] is not None and frame.value[i] == frame.best_so_far[i]
            and (i == 0 or frame.best_so_far[i - 1] != frame.best_so_far[i])}
    keep.update(i for i in range(n) if frame.state[i] == TrialState.RUNNING.value or frame.pareto[i])
    if frame.recommended_index is not None:
        keep.add(frame.recommended_index)  # starred in the plots
    sign = 1.0 if frame.minimize else -1.0
    scored = sorted((i for i in range(n) if frame.value[i] is not None),
                    key=lambda i: sign * frame.value[i])  # type: ignore[operator]
    keep.update(scored[:_BEST_KEPT])
    room = max(max_points - len(keep), 0)
    if room:
        step = n / room
        keep.update(int(k * step) for k in range(room))
    return sorted(keep)[:max(max_points, len(keep))]


def columns(frame: Frame, max_points: int = MAX_PLOT_POINTS) -> dict[str, Any]:
    """The plot data: one array per column, for the sampled rows."""
    rows = plot_rows(frame, max_points)
    rank = ranks(frame)

    def pick(values: list[Any]) -> list[Any]:
        return [values[i] for i in rows]

    return clean({
        "total": len(frame.number),
        "shown": len(rows),
        "sampled": len(rows) < len(frame.number),
        "version": frame.study.version,
        "number": pick(frame.number),
        "state": pick(frame.state),
        "value": pick(frame.value),
        "best_so_far": pick(frame.best_so_far),
        "duration": pick(frame.duration),
        "started": pick(frame.started),
        "finished": pick(frame.finished),
        "params": {name: pick(values) for name, values in frame.params.items()},
        "metrics": {name: pick(values) for name, values in frame.metric_values.items()},
        "edf": edf(frame),
        "rank": [rank[i] for i in rows],
        "pareto": pick(frame.pareto),
    })


def ranks(frame: Frame) -> list[float | None]:
    """Each trial's rank among every complete trial with a finite objective (not the plots' sample):
    the share of those that did strictly better, 0 for the best; None for a trial without a value
    (a trial stopped early is ranked by its last report)."""
    sign = 1.0 if frame.minimize else -1.0
    scored = sorted(sign * v for v, state in zip(frame.value, frame.state)
                    if state == TrialState.COMPLETE.value and v is not None and math.isfinite(v))
    if not scored:
        return [None] * len(frame.value)
    return [None if v is None or not math.isfinite(v) else bisect.bisect_left(scored, sign * v) / len(scored)
            for v in frame.value]


def edf(frame: Frame, max_steps: int = MAX_EDF_STEPS) -> dict[str, Any]:
    """The empirical distribution of the objective over every complete trial with a finite value (not
    the plots' sample): `values` sorted and `shares`, the fraction of those trials at or below each
    (at most `max_steps` of them, evenly spread, the largest kept); `count` the trials counted."""
    values = sorted(v for v, state in zip(frame.value, frame.state)
                    if state == TrialState.COMPLETE.value and v is not None and math.isfinite(v))
    n = len(values)
    # a value repeated counts up to its last copy: the share of trials <= v
    last = [k for k in range(n) if k == n - 1 or values[k + 1] != values[k]]
    kept = [last[k] for k in thin(len(last), max_steps)]
    return {"count": n, "values": [values[k] for k in kept], "shares": [(k + 1) / n for k in kept]}


def trial_reports(study: Study, reports: Sequence[StoredReport], limit: int = REPORTS_SHOWN) -> dict[str, Any]:
    """A trial's reports as its page lists them: the last `limit`, each line's metrics flattened to
    dotted names (the objective's own and "step" left out: they have their columns)."""
    shown_reports = reports[-limit:] if limit else []
    rows = []
    names: dict[str, None] = {}
    for report in shown_reports:
        metrics = {k: v for k, v in flatten(report.metrics).items() if k not in ("step", study.objective.name)}
        names.update(dict.fromkeys(metrics))
        rows.append({"step": report.step, "value": report.value, "time": report.time, "metrics": metrics})
    return shown({"total": len(reports), "shown": len(rows), "metrics": list(names), "rows": rows})


def table(frame: Frame, *, state: str = "", sort: str = "number", descending: bool = False,
          offset: int = 0, limit: int = 100, where: str = "", around: int | None = None,
          trials: filters.TrialNumbers | None = None) -> dict[str, Any]:
    """One page of the trial table, filtered by state, `where` (filters.py) and the `trials` selected
    in the plots (all when None), and sorted by a column.

    `sort` is number, state, value, duration, started, `param:NAME` or `metric:NAME`; NaN sorts
    after the numbers and missing values last, either way. With `around`, the page is the one
    holding that trial (`found` says whether the filtered rows hold it). ValueError on an unknown
    column or state, or a filter that cannot be read.
    """
    if state and state not in STATES:
        raise ValueError(f"unknown state {state!r}; valid: {', '.join(STATES)}")
    key = _sort_column(frame, sort)
    terms = filters.parse(where, frame)
    rows = [i for i in range(len(frame.number)) if (not state or frame.state[i] == state)
            and (trials is None or frame.number[i] in trials)]
    if terms:
        kept = filters.keep(frame, terms)
        rows = [i for i in rows if kept(i)]
    present: list[int] = []
    nan: list[int] = []
    missing: list[int] = []
    for i in rows:
        k = key[i]
        (missing if k is None else present if k == k else nan).append(i)  # NaN != NaN
    present.sort(key=lambda i: (_sortable(key[i]), frame.number[i]), reverse=descending)
    rows = present + nan + missing
    limit = max(1, min(limit, TABLE_LIMIT_MAX))
    found = None
    if around is not None:
        at = next((k for k, i in enumerate(rows) if frame.number[i] == around), None)
        if at is not None:
            found, offset = around, at - at % limit
    offset = max(offset, 0)
    return {
        "total": len(rows),
        "offset": offset,
        "limit": limit,
        "found": found,
        "version": frame.study.version,
        "rows": [_table_row(frame, i) for i in rows[offset:offset + limit]],
    }


def table_query(frame: Frame, query: dict[str, str]) -> dict[str, Any]:
    """`table` for the query of /api/studies/NAME/table (state, sort, order, offset, limit, filter,
    around, trials)."""
    around = query.get("around", "").strip().lstrip("#")
    if around and not around.isdigit():
        raise ValueError(f"around must be a trial number, got {query['around']!r}")
    trials = filters.TrialNumbers.parse(query["trials"]) if "trials" in query else None
    return table(frame, state=query.get("state", ""), sort=query.get("sort", "number"),
                 descending=query.get("order", "asc") == "desc", offset=_query_int(query, "offset", 0),
                 limit=_query_int(query, "limit", 100), where=query.get("filter", ""),
                 around=int(around) if around else None, trials=trials)


def _query_int(query: dict[str, str], key: str, default: int) -> int:
    try:
        return int(query.get(key, default))
    except ValueError:
        raise ValueError(f"{key} must be a whole number, got {query[key]!r}") from None


def _sort_column(frame: Frame, sort: str) -> list[Any]:
    simple = {"number": frame.number, "state": frame.state, "value": frame.value,
              "duration": frame.duration, "started": frame.started}
    if sort in simple:
        return simple[sort]  # type: ignore[return-value]
    kind, _, name = sort.partition(":")
    if kind == "param" and name in frame.params:
        return frame.params[name]
    if kind == "metric" and name in frame.metric_values:
        return frame.metric_values[name]
    raise ValueError(f"unknown sort column {sort!r}")


def _sortable(value: Any) -> tuple[int, Any]:
    return (0, value) if isinstance(value, (int, float)) else (1, str(value))


def _table_row(frame: Frame, i: int) -> dict[str, Any]:
    trial = frame.study.trials[i]
    return shown({
        "number": frame.number[i],
        "state": frame.state[i],
        "value": frame.value[i],
        "duration": frame.duration[i],
        "started": frame.started[i],
        "reason": (trial.reason or "")[:200],
        "feasible": frame.feasible(i),
        "pareto": frame.pareto[i],
        "recommended": frame.recommended_index == i,
        "params": {name: values[i] for name, values in frame.params.items()},
        "metrics": {name: values[i] for name, values in frame.metric_values.items()},
    })


def trial_detail(study: Study, trial: Trial, reports: Sequence[StoredReport] = ()) -> dict[str, Any]:
    """Everything about one trial, with the tails of its stdout and stderr and its reports;
    `same_values`: the other trials with the same sampled values (a repeat, an interrupted trial's rerun)."""
    folder = _trial_folder(study.folder, trial.key)
    detail: dict[str, Any] = {
        "reports": trial_reports(study, reports),
        "study": study.name,
        "number": trial.number,
        "key": trial.key,
        "state": trial.state.value,
        "value": number(trial.value),
        "objective": {"name": study.objective.name, "direction": study.objective.direction.value},
        "sampled": {name: label(v) if isinstance(study.space.get(name), dict)
                    and study.space[name].get("type") == "categorical" else v
                    for name, v in trial.values.items()},
        "params": clean(trial.params),
        "results": clean(trial.results),
        # as written to params.json / results.json: NaN and Infinity as they are, not null
        "params_text": json.dumps(trial.params, indent=2, ensure_ascii=False),
        "results_text": None if trial.results is None else json.dumps(trial.results, indent=2, ensure_ascii=False),
        "reason": trial.reason,
        "constraints": [c.describe() for c in study.constraints],
        "feasible": study.feasible(trial) if study.constraints else None,
        "violations": list(study.verdict(trial).violations) if trial.state.value == "complete" else [],
        "recommended": _recommended(study, trial),
        "same_values": [t.number for t in study.trials if t.values == trial.values and t.number != trial.number],
        "started": trial.started,
        "finished": trial.finished,
        "duration": trial.duration,
        "pid": trial.pid,
        "host": trial.host,
        "worker": trial.worker,
        "folder": None if folder is None else str(folder),
        "stdout": log_tail(folder, "stdout.log"),
        "stderr": log_tail(folder, "stderr.log"),
        "version": study.version,
        "previous": _neighbour(study, trial, -1),
        "next": _neighbour(study, trial, 1),
    }
    out: dict[str, Any] = shown(detail)  # Any-typed fields make mypy pick shown's Any overload
    return out


def _recommended(study: Study, trial: Trial) -> dict[str, Any] | None:
    """How the study came to recommend this trial (see `recommendation`), or None if it does not."""
    chosen = None if study.objectives else study.recommended
    if chosen is None or chosen.number != trial.number:
        return None
    judgement = study.recommendation or {}
    return {"recommended_by": recommended_by(judgement), "noisy": judgement.get("noisy"),
            "declared": bool(judgement.get("declared")), "repeat": judgement.get("repeat"),
            "posterior_mean": number(judgement.get("posterior_mean")), "noise_std": number(judgement.get("noise_std"))}


def _neighbour(study: Study, trial: Trial, step: int) -> int | None:
    """The number of the trial before (step -1) or after (+1) this one, if there is one."""
    numbers = sorted(t.number for t in study.trials)
    at = numbers.index(trial.number) + step
    return numbers[at] if 0 <= at < len(numbers) else None


def _trial_folder(study_folder: Path, key: str) -> Path | None:
    """The trial's folder, if `key` names a direct sub-folder of the study (never outside it)."""
    if not key or key in (".", "..") or "/" in key or "\\" in key or "\0" in key:
        return None
    folder = study_folder / key
    return folder if folder.is_dir() and folder.resolve().parent == study_folder.resolve() else None


def log_tail(folder: Path | None, name: str, limit: int = LOG_TAIL_BYTES) -> dict[str, Any]:
    """The last `limit` bytes of a log, from a line start; whether it was cut."""
    if folder is None:
        return {"text": None, "truncated": False, "size": 0}
    path = folder / name
    try:
        with open(path, "rb") as f:
            size = f.seek(0, 2)
            f.seek(max(size - limit, 0))
            data = f.read(limit)
    except OSError:
        return {"text": None, "truncated": False, "size": 0}
    truncated = size > limit
    if truncated and b"\n" in data:
        data = data[data.index(b"\n") + 1:]
    return {"text": data.decode("utf-8", errors="replace"), "truncated": truncated, "size": size}
