"""Learning curves: what each trial reported step by step, and what a stopped trial would have reached.

A trial stopped early still tells the optimizer where not to look. Its last reported
value is not comparable with final values, though: most curves keep improving. So the
model sees it at the final value of the same rank: its value at its last step is placed
among the complete trials' values at that step, and mapped to the final values, sorted,
at the same place (linear between neighbours; a value beyond the complete trials' range
at that step keeps its distance to the extreme one). It replaced a constant shift by the
complete trials' median improvement from that step, which shows every stopped trial as
learning at their median pace (benchmarks/EARLY_STOPPING.md compares the two). With no
complete trial that reported the step, the last value itself is used, which, for an
improving curve, is pessimistic: the right direction for a trial judged hopeless.

A trial that reported a NaN or infinite value diverged: its earlier values, often
the best of all at step 1, say nothing of where it ends. It is shown at the worst
value seen (complete trials' finals and its own values), as a failed trial is.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..objective import Objective
from ..space import lookup


class Curves:
    """Every trial's reports: trial number -> step -> the objective's value there."""

    def __init__(self, objective: Objective) -> None:
        self.objective = objective
        self._values: dict[int, dict[int, float]] = {}
        self._last: dict[int, tuple[int, dict[str, Any]]] = {}
        self._diverged: set[int] = set()  # trials that reported a NaN or infinite value

    def add(self, number: int, step: int, metrics: dict[str, Any]) -> float | None:
        """Record a report; the objective's value in it (None when absent or not a number)."""
        value = objective_value(self.objective, metrics)
        if value is not None:
            self._values.setdefault(number, {})[step] = value
            if not math.isfinite(value):
                self._diverged.add(number)
        if number not in self._last or step >= self._last[number][0]:
            self._last[number] = (step, metrics)
        return value

    def last(self, number: int) -> tuple[int, dict[str, Any], float | None] | None:
        """Trial `number`'s last report: (step, metrics, objective value), or None if it reported nothing."""
        if number not in self._last:
            return None
        step, metrics = self._last[number]
        return step, metrics, objective_value(self.objective, metrics)

    def extrapolate(self, number: int, finals: dict[int, float]) -> float | None:
        """Trial `number`'s last value shifted to a final one, learnt from `finals` (complete trials)."""
        if number in self._diverged:
            seen = [*finals.values(), *(v for v in self._values[number].values() if math.isfinite(v))]
            return max(seen, key=self.objective.loss) if seen else None
        last = self._last_value(number)
        if last is None:
            return None
        step, value = last
        loss = self.objective.loss  # in losses, lower is better; loss(loss(v)) == v
        pairs = [(loss(at_step), loss(final)) for other, final in finals.items()
                 if (at_step := self._value_at(other, step)) is not None]
        if not pairs:
            return value
        at_steps = sorted(a for a, _ in pairs)
        ends = sorted(f for _, f in pairs)
        here = loss(value)
        if here >= at_steps[-1]:
            return loss(ends[-1] + (here - at_steps[-1]))
        if here <= at_steps[0]:
            return loss(ends[0] + (here - at_steps[0]))
        return loss(float(np.interp(here, at_steps, ends)))

    def _last_value(self, number: int) -> tuple[int, float] | None:
        finite = [(s, v) for s, v in self._values.get(number, {}).items() if math.isfinite(v)]
        return max(finite) if finite else None

    def _value_at(self, number: int, step: int) -> float | None:
        """The value trial `number` reported at the last step <= `step`, if finite."""
        steps = [(s, v) for s, v in self._values.get(number, {}).items() if s <= step and math.isfinite(v)]
        return max(steps)[1] if steps else None


def objective_value(objective: Objective, metrics: dict[str, Any]) -> float | None:
    """The objective's metric in a report line, NaN included; None when absent or not a number."""
    try:
        value = lookup(metrics, objective.name)
    except KeyError:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)
