"""Learning curves: what each trial reported step by step, and what a stopped trial would have reached.

A trial stopped early still tells the optimizer where not to look. Its last reported
value is not comparable with final values, though: most curves keep improving. So the
model sees it at its last value shifted by how much complete trials improved from
that step to their end (the median of final − value-at-that-step over the complete
trials that reported the step) — a per-step offset model of the curves. With no
complete trial to learn the shift from, the last value itself is used, which, for
an improving curve, is pessimistic: the right direction for a trial judged hopeless.

A trial that reported a NaN or infinite value diverged: its earlier values, often
the best of all at step 1, say nothing of where it ends. It is shown at the worst
value seen (complete trials' finals and its own values), as a failed trial is.
"""

from __future__ import annotations

import math
from statistics import median
from typing import Any

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
        shifts = []
        for other, final in finals.items():
            at_step = self._value_at(other, step)
            if at_step is not None:
                shifts.append(final - at_step)
        return value + median(shifts) if shifts else value

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
