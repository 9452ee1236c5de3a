"""Outcome constraints: bounds a trial's metrics must keep (`at_most("memory_gb", 16)`), and
which trial is best once some trials break them.

A complete trial is feasible when every constraint holds on its results. The best trial is the
best feasible one; while none is feasible, the least infeasible one (smallest total relative
excess over the bounds), labelled as such wherever it is shown.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import ArgumentError
from .objective import Objective
from .space import lookup
from .trial import Trial, TrialState


class Bound(enum.Enum):
    AT_MOST = "at_most"
    AT_LEAST = "at_least"


class ConstraintMissing(Exception):
    """The results do not give a usable value for a constraint's metric (the reason is the message)."""


@dataclass(frozen=True)
class Constraint:
    """The metric `name` (dotted to reach nested results) must stay at most or at least `bound`."""

    name: str
    kind: Bound
    bound: float

    def __post_init__(self) -> None:
        call = f"{self.kind.value}({self.name!r}, {self.bound!r})"
        if not isinstance(self.name, str) or not self.name or any(not p for p in self.name.split(".")):
            raise ArgumentError(f"{call}: give the metric's name first, e.g. "
                                f"{self.kind.value}(\"memory_gb\", 16) or \"val.acc\"")
        if isinstance(self.bound, bool) or not isinstance(self.bound, (int, float)) \
                or not math.isfinite(self.bound):
            raise ArgumentError(f"{call}: the bound must be a finite number, got {self.bound!r}")
        object.__setattr__(self, "bound", float(self.bound))

    def value(self, results: Any) -> float:
        """The metric's value in `results`; ConstraintMissing saying why not."""
        if not isinstance(results, dict):
            raise ConstraintMissing(f"results must be a JSON object, got {type(results).__name__}")
        try:
            value = lookup(results, self.name)
        except KeyError as err:
            raise ConstraintMissing(f"constraint metric {self.name!r} not in results: {err.args[0]}") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ConstraintMissing(f"constraint metric {self.name!r} is {value!r}, not a finite number")
        return float(value)

    def slack(self, value: float) -> float:
        """How far `value` is past the bound: <= 0 when the constraint holds (what the optimizer models)."""
        return value - self.bound if self.kind is Bound.AT_MOST else self.bound - value

    def excess(self, value: float) -> float:
        """The relative amount by which `value` breaks the bound (0.0 when it holds)."""
        return max(self.slack(value), 0.0) / (abs(self.bound) if self.bound else 1.0)

    def violation(self, value: float) -> str | None:
        """"memory_gb = 18.2 > 16" when `value` breaks the constraint, else None."""
        if self.slack(value) <= 0.0:
            return None
        sign = ">" if self.kind is Bound.AT_MOST else "<"
        return f"{self.name} = {value:.6g} {sign} {self.bound:.6g}"

    def describe(self) -> str:
        return f"{self.kind.value}({self.name!r}, {self.bound:g})"

    def as_dict(self) -> dict[str, Any]:
        """As study.db's meta keeps it."""
        return {"name": self.name, "kind": self.kind.value, "bound": self.bound}


def at_most(name: str, bound: float) -> Constraint:
    """The metric `name` of each trial's results must be <= `bound` (e.g. at_most("memory_gb", 16))."""
    return Constraint(name, Bound.AT_MOST, bound)


def at_least(name: str, bound: float) -> Constraint:
    """The metric `name` of each trial's results must be >= `bound` (e.g. at_least("val.acc", 0.9))."""
    return Constraint(name, Bound.AT_LEAST, bound)


def constraint_from_dict(stored: Any) -> Constraint:
    """The Constraint that `Constraint.as_dict` wrote; ValueError/TypeError/KeyError when malformed."""
    return Constraint(stored["name"], Bound(stored["kind"]), stored["bound"])


@dataclass(frozen=True)
class Verdict:
    """A trial's results judged against the constraints."""

    violations: tuple[str, ...]  # "memory_gb = 18.2 > 16", one per broken constraint
    excess: float  # total relative excess over the bounds; inf when a metric is missing

    @property
    def feasible(self) -> bool:
        return not self.violations


def judge(constraints: Sequence[Constraint], results: Any) -> Verdict:
    """How `results` fare against `constraints`; a missing metric counts as broken."""
    violations, excess = [], 0.0
    for constraint in constraints:
        try:
            value = constraint.value(results)
        except ConstraintMissing as err:
            violations.append(str(err))
            excess = math.inf
            continue
        broken = constraint.violation(value)
        if broken is not None:
            violations.append(broken)
            excess += constraint.excess(value)
    return Verdict(tuple(violations), excess)


INFEASIBLE = "infeasible: "  # how the reason of an infeasible trial starts


def infeasible_reason(verdict: Verdict) -> str:
    """The reason kept with an infeasible trial (study.db's reason column)."""
    return INFEASIBLE + "; ".join(verdict.violations)


def best_trial(trials: Iterable[Trial], objective: Objective, constraints: Sequence[Constraint] = (),
               verdict: Callable[[Trial], Verdict] | None = None) -> Trial | None:
    """The best complete trial: the best feasible one (the earliest among equals); while no trial
    is feasible, the least infeasible one (smallest total excess, then the best value); None when
    no trial completed. `verdict` judges a trial when its results are not at hand (default: judge
    its results against `constraints`)."""
    best, best_key = None, None
    for trial in trials:
        if trial.state is not TrialState.COMPLETE or trial.value is None:
            continue
        excess = 0.0 if not constraints else \
            (verdict(trial) if verdict else judge(constraints, trial.results)).excess
        key = (excess > 0.0, excess, objective.loss(trial.value))
        if best_key is None or key < best_key:
            best, best_key = trial, key
    return best


def check_constraints(objectives: Objective | Sequence[Objective], constraints: Any) -> tuple[Constraint, ...]:
    """The constraints as a tuple; ArgumentError (starting "constraints[i]: ") when one is invalid."""
    if constraints is None:
        return ()
    if not isinstance(constraints, (list, tuple)):
        shown = constraints.describe() if isinstance(constraints, Constraint) else repr(constraints)
        raise ArgumentError(f"constraints must be a list such as [at_most(\"memory_gb\", 16)], got {shown}")
    problem = constraint_problem(objectives, constraints)
    if problem is not None:
        raise ArgumentError(problem[1])
    return tuple(constraints)


def constraint_problem(objectives: Objective | Sequence[Objective], constraints: Sequence[Any]
                       ) -> tuple[int, str] | None:
    """(index, message) of the first invalid constraint in the list (none may bound an objective's
    metric), or None."""
    optimized = {objectives.name} if isinstance(objectives, Objective) else {o.name for o in objectives}
    seen: dict[tuple[str, Bound], int] = {}
    for index, constraint in enumerate(constraints):
        where = f"constraints[{index}]"
        if not isinstance(constraint, Constraint):
            return index, (f"{where}: expected at_most(\"metric\", bound) or at_least(\"metric\", "
                           f"bound), got {constraint!r}")
        if constraint.name in optimized:
            return index, (f"{where}: {constraint.describe()} bounds the objective's own metric "
                           f"{constraint.name!r}, which the study already optimizes; constrain other "
                           "metrics of the results")
        if (constraint.name, constraint.kind) in seen:
            return index, (f"{where}: {constraint.describe()} repeats constraints"
                           f"[{seen[constraint.name, constraint.kind]}]'s {constraint.kind.value} "
                           f"on {constraint.name!r}; keep one")
        seen[constraint.name, constraint.kind] = index
        other_kind = Bound.AT_LEAST if constraint.kind is Bound.AT_MOST else Bound.AT_MOST
        if (constraint.name, other_kind) in seen:
            other = constraints[seen[constraint.name, other_kind]]
            low, high = (other, constraint) if constraint.kind is Bound.AT_MOST else (constraint, other)
            if low.bound > high.bound:
                return index, (f"{where}: {constraint.describe()} conflicts with {other.describe()}: "
                               f"no value of {constraint.name!r} can satisfy both")
    return None
