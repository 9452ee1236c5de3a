"""Early stopping's judgement: asynchronous successive halving (ASHA) over the steps trials report.

Li et al. 2020, "A System for Massively Parallel Hyperparameter Tuning": rungs at
min_step · reduction^k. When a trial first reports at or past a rung, its value there
is compared with every value recorded at that rung so far; it goes on only if it is
among the best 1/reduction of them, so about 1/reduction of the trials pass each
rung. No trial needs to wait for others (asynchronous), which suits `parallel=N`.
A rung stops nothing until `reduction` trials have reached it: the first trials are
compared with a population, not with one lucky neighbour.
"""

from __future__ import annotations

import math
import threading
from typing import Any

from ..early_stopping import ASHA
from ..objective import Objective
from .curves import objective_value


class Rungs:
    """The values trials reported at each rung, and the stop-or-go judgement. Thread-safe:
    `function=` trials ask from their own threads."""

    def __init__(self, method: ASHA, objective: Objective) -> None:
        self.method = method
        self.objective = objective
        self._losses: dict[int, dict[int, float]] = {}  # rung -> trial number -> loss there
        self._lock = threading.Lock()

    def judge(self, number: int, step: int, metrics: dict[str, Any]) -> str | None:
        """Record trial `number`'s report; why it should stop now, or None to go on."""
        value = objective_value(self.objective, metrics)
        if value is None:
            return None  # this line does not carry the objective: nothing to judge
        if math.isnan(value):
            return f"stopped at step {step}: {self.objective.name} is NaN"
        loss = self.objective.loss(value)
        with self._lock:
            verdict = None
            for rung in self.method.rungs(step):
                at_rung = self._losses.setdefault(rung, {})
                if number in at_rung:
                    continue
                at_rung[number] = loss
                verdict = verdict or self._verdict(rung, number, step, value)
            return verdict

    def _verdict(self, rung: int, number: int, step: int, value: float) -> str | None:
        losses = sorted(self._losses[rung].values())
        reduction = self.method.reduction
        if len(losses) < reduction:
            return None
        keep = max(1, len(losses) // reduction)
        if self._losses[rung][number] <= losses[keep - 1]:
            return None
        return (f"stopped at step {step}: {self.objective.name} {value:.6g} is not among the best "
                f"1/{reduction} of the {len(losses)} trials at step {rung}")
