"""A study as columns, one row per trial: what every plot and the trial table are drawn from.

Params are shown as the user wrote them: numbers for reals and integers, labels for categorical
choices (strings as they are, other JSON values as JSON). Metrics are the numeric leaves of each
trial's results by dotted name, NaN and infinities kept: `clean` makes them null for the plots
(missing there), `shown` makes them "NaN", "Infinity" and "-Infinity" for the table and the best trial.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from typing import Any, overload

from ..objective import Direction
from ..trial import TrialState
from .studies import Study, flatten

MAX_METRICS = 64  # results with more numeric leaves than this show the first ones


@dataclass(frozen=True)
class VariableInfo:
    """A search variable as the page needs it."""

    name: str
    type: str  # real | integer | categorical
    low: float | None = None
    high: float | None = None
    log: bool = False
    choices: tuple[str, ...] = ()  # labels, in the space's order

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type}
        if self.type == "categorical":
            out["choices"] = list(self.choices)
        else:
            out.update(low=finite(self.low), high=finite(self.high), log=self.log)
        return out


@dataclass(frozen=True)
class Frame:
    """Columns of a study's trials, in trial-number order."""

    study: Study
    variables: tuple[VariableInfo, ...]
    metrics: tuple[str, ...]
    number: list[int]
    state: list[str]
    value: list[float | None]  # of complete trials, and of pruned ones (their last report)
    best_so_far: list[float | None]  # best objective value among trials up to this one
    duration: list[float | None]
    started: list[float | None]
    finished: list[float | None]
    params: dict[str, list[Any]]
    metric_values: dict[str, list[float | None]]  # NaN and infinities kept
    excess: list[float]  # how far a complete trial is past the constraints' bounds; 0.0: feasible
    violations: list[list[str]]  # the constraints a complete trial broke ([] when it kept them)
    pareto: list[bool]  # several objectives: whether the trial is in the Pareto set (all False for one)

    @property
    def minimize(self) -> bool:
        return self.study.objective.direction is Direction.MINIMIZE

    @functools.cached_property
    def best_index(self) -> int | None:
        """Row of the best complete trial (lowest number on ties): the best feasible one, else the
        least infeasible one (the ranking of constraints.best_trial). Worked out once per frame:
        a study page's requests each ask for it, and a frame is cached until the study changes."""
        best: int | None = None
        for i, value in enumerate(self.value):
            if value is None or self.state[i] != TrialState.COMPLETE.value:
                continue
            if best is None or self._rank(i) < self._rank(best):
                best = i
        return best

    @functools.cached_property
    def recommended_index(self) -> int | None:
        """Row of the trial the study recommends (StoredStudy.recommended: the model's choice when the
        last run ended, while no trial completed since); None otherwise and for several objectives,
        whose answer is the Pareto set. Worked out once per frame, as `best_index` is."""
        trial = None if self.study.objectives else self.study.recommended
        return None if trial is None else self.number.index(trial.number)

    def feasible(self, i: int) -> bool | None:
        """Whether row i's trial kept every constraint; None unless it is complete."""
        return None if self.state[i] != TrialState.COMPLETE.value else self.excess[i] == 0.0

    def _rank(self, i: int) -> tuple[bool, float, float]:
        value = self.value[i]
        assert value is not None
        return self.excess[i] > 0.0, self.excess[i], value if self.minimize else -value


def label(value: Any) -> str:
    """How a categorical choice is shown: a string as is, any other JSON value as JSON."""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def finite(value: Any) -> int | float | None:
    """The number if it is finite (ints stay ints), else None (NaN, infinities, bools, non-numbers)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value if math.isfinite(value) else None


def number(value: Any) -> int | float | None:
    """The number, NaN and infinities included (ints stay ints), else None (bools, non-numbers)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


NONFINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}  # as json.dumps writes them


@overload
def shown(value: dict[str, Any]) -> dict[str, Any]: ...
@overload
def shown(value: Any) -> Any: ...
def shown(value: Any) -> Any:
    """`value` with every non-finite float as the text json.dumps gives it ("NaN", "Infinity",
    "-Infinity"), so the page can tell it from a missing value (null)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else NONFINITE[repr(value)]
    if isinstance(value, dict):
        return {str(k): shown(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [shown(v) for v in value]
    return value


@overload
def clean(value: dict[str, Any]) -> dict[str, Any]: ...
@overload
def clean(value: Any) -> Any: ...
def clean(value: Any) -> Any:
    """`value` with every non-finite float replaced by None, so it encodes as strict JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def variables_of(study: Study) -> tuple[VariableInfo, ...]:
    out = []
    for name, spec in study.space.items():
        if not isinstance(spec, dict):
            continue
        if spec.get("type") == "categorical":
            out.append(VariableInfo(name, "categorical", choices=tuple(label(c) for c in spec.get("choices", []))))
        elif spec.get("type") in ("real", "integer"):
            out.append(VariableInfo(name, spec["type"], finite(spec.get("low")), finite(spec.get("high")),
                                    bool(spec.get("log", False))))
    return tuple(out)


def build_frame(study: Study) -> Frame:
    variables = variables_of(study)
    flat_results = [flatten(t.results) for t in study.trials]
    metrics = _metric_names(study, flat_results)
    params: dict[str, list[Any]] = {v.name: [] for v in variables}
    metric_values: dict[str, list[float | None]] = {m: [] for m in metrics}
    value, best_so_far, excess, violations = [], [], [], []
    best: float | None = None
    minimize = study.objective.direction is Direction.MINIMIZE
    for trial, flat in zip(study.trials, flat_results):
        verdict = study.verdict(trial)
        excess.append(verdict.excess if trial.state is TrialState.COMPLETE else 0.0)
        violations.append(list(verdict.violations) if trial.state is TrialState.COMPLETE else [])
        for var in variables:
            raw = trial.values.get(var.name)
            params[var.name].append(
                label(raw) if var.type == "categorical" and var.name in trial.values else finite(raw))
        for name in metrics:
            metric_values[name].append(number(flat.get(name)))
        # a pruned trial's value is its last report: shown, never the best (it did not finish)
        v = finite(trial.value) if trial.state in (TrialState.COMPLETE, TrialState.PRUNED) else None
        # an infeasible trial is shown, never the best so far
        complete = trial.state is TrialState.COMPLETE and verdict.feasible
        if complete and v is not None and (best is None or (v < best if minimize else v > best)):
            best = v
        value.append(v)
        best_so_far.append(best)
    return Frame(
        study=study, variables=variables, metrics=metrics,
        number=[t.number for t in study.trials], state=[t.state.value for t in study.trials],
        value=value, best_so_far=best_so_far,
        duration=[finite(t.duration) for t in study.trials],
        started=[finite(t.started) for t in study.trials],
        finished=[finite(t.finished) for t in study.trials],
        params=params, metric_values=metric_values, excess=excess, violations=violations,
        pareto=_pareto_column(study),
    )


def _pareto_column(study: Study) -> list[bool]:
    """Whether each trial is in the Pareto set (a study of several objectives read in full)."""
    front = {t.number for t in study.pareto}
    return [t.number in front for t in study.trials]


def _metric_names(study: Study, flat_results: list[dict[str, Any]]) -> tuple[str, ...]:
    """Numeric leaves seen in any results, the objective (every objective) first."""
    seen: dict[str, None] = dict.fromkeys(o.name for o in study.all_objectives)
    for flat in flat_results:
        for name, value in flat.items():
            if len(seen) >= MAX_METRICS:
                break
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                seen[name] = None
    return tuple(seen)
