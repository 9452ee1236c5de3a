"""Several objectives: the list `objective=[minimize("val.loss"), minimize("latency_ms")]`, each
trial's value of every objective, and which trials are Pareto-optimal.

A trial dominates another when it is no worse on every objective and better on one. The
Pareto set is the complete feasible trials that no other complete feasible trial dominates.
The stored `value` of a trial is its first objective's; all objectives are read from its results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .constraints import Constraint, Verdict, judge
from .errors import ArgumentError
from .objective import Objective, ObjectiveMissing
from .trial import Trial, TrialState


def objectives_problem(objectives: Sequence[Any]) -> tuple[int | None, str] | None:
    """(index or None for the whole list, message) of what is wrong with an objective list, or None."""
    if len(objectives) < 2:
        shown = "an empty list" if not objectives else f"a list of one ({_shown(objectives[0])})"
        return None, (f"objective is {shown}: give one objective, minimize(\"loss\"), or a list of "
                      "two or more, [minimize(\"loss\"), minimize(\"latency_ms\")]")
    seen: dict[str, int] = {}
    for index, objective in enumerate(objectives):
        if not isinstance(objective, Objective):
            return index, (f"objective[{index}]: expected minimize(\"metric\") or maximize(\"metric\"), "
                           f"got {objective!r}")
        if objective.name in seen:
            return index, (f"objective[{index}]: {objective.describe()} repeats objective"
                           f"[{seen[objective.name]}]'s metric {objective.name!r}; list each metric once")
        seen[objective.name] = index
    return None


def check_objectives(objective: Any) -> tuple[Objective, ...]:
    """Every objective of `objective=` as a tuple (one for a single objective); ArgumentError when invalid."""
    if isinstance(objective, Objective):
        return (objective,)
    if not isinstance(objective, (list, tuple)):
        raise ArgumentError("objective must be minimize(\"metric\"), maximize(\"metric\") or a list "
                            f"of them, got {objective!r}")
    problem = objectives_problem(objective)
    if problem is not None:
        raise ArgumentError(problem[1])
    return tuple(objective)


def describe(objectives: Sequence[Objective]) -> str:
    """"minimize('loss')" for one objective; "[minimize('loss'), minimize('ms')]" for several."""
    if len(objectives) == 1:
        return objectives[0].describe()
    return "[" + ", ".join(o.describe() for o in objectives) + "]"


def objective_values(objectives: Sequence[Objective], results: Any) -> tuple[float, ...]:
    """Each objective's value in `results`; ObjectiveMissing saying which is missing."""
    return tuple(objective.value(results) for objective in objectives)


def objective_losses(objectives: Sequence[Objective], results: Any) -> tuple[float, ...]:
    """Each objective's value as a quantity to minimize."""
    return tuple(o.loss(v) for o, v in zip(objectives, objective_values(objectives, results), strict=True))


def dominates(a: Sequence[float], b: Sequence[float]) -> bool:
    """Whether losses `a` dominate losses `b`: no worse anywhere, better somewhere."""
    return all(x <= y for x, y in zip(a, b, strict=True)) and any(x < y for x, y in zip(a, b, strict=True))


def pareto_trials(trials: Iterable[Trial], objectives: Sequence[Objective],
                  constraints: Sequence[Constraint] = (),
                  verdict: Callable[[Trial], Verdict] | None = None) -> list[Trial]:
    """The complete feasible trials no other such trial dominates, by trial number. Two trials
    with equal values are both kept. `verdict` judges a trial when its results are not at hand."""
    scored: list[tuple[Trial, tuple[float, ...]]] = []
    for trial in trials:
        if trial.state is not TrialState.COMPLETE:
            continue
        if constraints and not (verdict(trial) if verdict else judge(constraints, trial.results)).feasible:
            continue
        try:
            scored.append((trial, objective_losses(objectives, trial.results)))
        except ObjectiveMissing:
            continue  # a trial of an earlier definition that lacks a metric
    front = [(t, loss) for t, loss in scored if not any(dominates(other, loss) for _, other in scored)]
    return sorted((t for t, _ in front), key=lambda t: t.number)


def _shown(value: Any) -> str:
    return value.describe() if isinstance(value, Objective) else repr(value)
