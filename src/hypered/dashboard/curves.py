"""Learning curves as the study page draws them: which trials' curves (a sample when many trials
reported), each thinned to an even spread of its steps, of the objective or of another metric the
trials reported.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from ..storage import Curve, StoredReport
from ..trial import TrialState
from .frame import clean
from .studies import Study, flatten

MAX_CURVES = 200  # learning curves drawn at most (one Plotly trace each)
MAX_CURVE_STEPS = 250  # points per curve at most (an even spread of its steps, the last kept)
_BEST_CURVES = 50


def curve_numbers(study: Study, reported: Sequence[int], max_curves: int = MAX_CURVES) -> list[int]:
    """The trials whose learning curves to draw, of those that `reported` (and the study holds): all
    if few, else the running ones, the recommended one, the best complete ones, the stopped-early
    ones spread evenly over trial numbers (up to half of what is left), then an even spread of the rest."""
    trials = {t.number: t for t in study.trials}
    found = [number for number in reported if number in trials]
    n = len(found)
    if n <= max_curves:
        return found
    state = [trials[number].state for number in found]
    keep: list[int] = []
    chosen: set[int] = set()

    def add(indices: list[int], most: int) -> None:
        fresh = [i for i in indices if i not in chosen]
        picked = [fresh[k] for k in thin(len(fresh), most)] if most < len(fresh) else fresh
        keep.extend(picked)
        chosen.update(picked)

    best = study.best  # drawn in its own colour
    add([i for i in range(n) if state[i] is TrialState.RUNNING][:max_curves // 4], max_curves)
    add([i for i in range(n) if best is not None and found[i] == best.number], 1)
    complete = [i for i in range(n) if state[i] is TrialState.COMPLETE and trials[found[i]].value is not None]
    complete.sort(key=lambda i: study.objective.loss(trials[found[i]].value))  # type: ignore[arg-type]
    add([i for i in complete if i not in chosen][:_BEST_CURVES], max_curves - len(keep))
    add([i for i in range(n) if state[i] is TrialState.PRUNED], (max_curves - len(keep)) // 2)
    add(list(range(n)), max_curves - len(keep))
    return [found[i] for i in sorted(keep)]


def curves(study: Study, drawn: Sequence[Curve], reported: Sequence[int], metric: str | None = None,
           metrics: Sequence[str] = ()) -> dict[str, Any]:
    """The learning curves `drawn` (see `curve_numbers`) as the page plots them, each thinned to
    MAX_CURVE_STEPS points; `reported`: every trial that reported; `metric`: the reported metric
    drawn (None: the objective's), `metrics` those the page offers. Trials the study does not hold
    yet (it was read a moment before the reports) are left out."""
    trials = {t.number: t for t in study.trials}
    out = []
    thinned = False
    for curve in drawn:
        trial = trials.get(curve.number)
        if trial is None:
            continue
        picked = thin(len(curve.steps), MAX_CURVE_STEPS)
        thinned = thinned or len(picked) < len(curve.steps)
        out.append({"number": curve.number, "state": trial.state.value,
                    "steps": [curve.steps[i] for i in picked], "values": [curve.values[i] for i in picked]})
    total = sum(1 for number in reported if number in trials)
    best, observed = study.best, study.best_observed
    return clean({
        "total": total,
        "shown": len(out),
        "sampled": len(out) < total,
        "thinned": thinned,
        "best_kept": _BEST_CURVES,  # for the page's note on how curves were sampled
        "max_steps": MAX_CURVE_STEPS,
        "version": study.version,
        "objective": {"name": study.objective.name, "direction": study.objective.direction.value},
        "metric": metric or study.objective.name,
        "metrics": list(metrics),
        "best": None if best is None else best.number,
        # the best trial is the model's pick, not the best observed value (a noisy objective)
        "recommended": best is not None and observed is not None and best.number != observed.number,
        "curves": out,
    })


def metric_curve(number: int, reports: Sequence[StoredReport], metric: str) -> Curve:
    """Trial `number`'s curve of a reported `metric` (a dotted name): None where a line lacks it,
    or it is not a finite number."""
    values = []
    for report in reports:
        value: Any = flatten(report.metrics).get(metric)
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        values.append(float(value) if numeric and math.isfinite(value) else None)
    return Curve(number, tuple(r.step for r in reports), tuple(values))


def reported_metrics(objective: str, reports: Iterable[StoredReport]) -> list[str]:
    """The objective's name, then every other numeric metric (dotted names) in these reports, in order seen."""
    names: dict[str, None] = {objective: None}
    for report in reports:
        for name, value in flatten(report.metrics).items():
            if name != "step" and isinstance(value, (int, float)) and not isinstance(value, bool):
                names.setdefault(name, None)
    return list(names)


def thin(n: int, most: int) -> list[int]:
    """At most `most` of range(n), evenly spread, the last always kept (when `most` > 0)."""
    if n <= most:
        return list(range(n))
    if most <= 0:
        return []
    if most == 1:
        return [n - 1]
    return sorted({round(k * (n - 1) / (most - 1)) for k in range(most)})


