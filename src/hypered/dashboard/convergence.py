"""A study's best value so far, as the comparison page overlays several studies' curves: only the
trials that improved it, so a 10,000-trial study sends a few dozen points, exactly (the curve is
a step that changes only there).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..trial import TrialState
from .frame import Frame


def best_so_far(frame: Frame) -> dict[str, Any]:
    """The improvements of the best complete value, against trial number and against elapsed time.

    `by_number`: each trial (in number order) that beat every trial numbered before it, with its
    value; `by_time`: each trial that beat every trial that finished before it, with the seconds
    from the study's first start to its end. `last_number` and `last_elapsed` are where the study
    is now, so a curve can run on, flat, to its end. Which value is better is the objective's.
    """
    study = frame.study
    objective = study.objective
    complete = [i for i in range(len(frame.number)) if frame.state[i] == TrialState.COMPLETE.value
                and frame.value[i] is not None and math.isfinite(frame.value[i])]  # type: ignore[arg-type]
    starts = [t for t in frame.started if t is not None]
    t0 = min(starts, default=None)
    ends = [t for t in (*frame.finished, *frame.started) if t is not None]
    timed = sorted((i for i in complete if frame.finished[i] is not None and t0 is not None),
                   key=lambda i: (frame.finished[i], frame.number[i]))
    by_number = _improvements(frame, objective.better, complete)
    by_time = _improvements(frame, objective.better, timed)
    return {
        "name": study.name,
        "objective": {"name": objective.name, "direction": objective.direction.value},
        "total": len(frame.number),
        "complete": len(complete),
        "last_number": max(frame.number, default=None),
        "last_elapsed": None if t0 is None or not ends else max(ends) - t0,
        "by_number": {"number": [frame.number[i] for i in by_number], "value": [frame.value[i] for i in by_number]},
        "by_time": {"number": [frame.number[i] for i in by_time],
                    "elapsed": [frame.finished[i] - t0 for i in by_time],  # type: ignore[operator]
                    "value": [frame.value[i] for i in by_time]},
        "version": study.version,
    }


def _improvements(frame: Frame, better: Callable[[float, float], bool], rows: list[int]) -> list[int]:
    """The rows, in the order given, whose value beats every one before them."""
    out: list[int] = []
    for i in rows:
        if not out or better(frame.value[i], frame.value[out[-1]]):  # type: ignore[arg-type]
            out.append(i)
    return out
