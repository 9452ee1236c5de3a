"""`hypered.report`: a trial tells hypered how it is doing, step by step, as it trains.

Each call appends one JSON line, `{"step": 3, "val_loss": 0.41}`, to the file that
`HYPERED_REPORT_PATH` names (the `{report_path}` placeholder of `binary`); a program
in any language can append such lines itself. Outside a hypered trial, `report`
does nothing, so a training script still runs on its own.

Inside `optimize(function=...)` the call also asks the study at once whether the
trial should go on; when early stopping says no, it raises `TrialPruned`, which
hypered catches: the function need not.
"""

from __future__ import annotations

import contextvars
import json
import operator
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

REPORT_PATH_ENV = "HYPERED_REPORT_PATH"

Judge = Callable[[int, dict[str, Any]], "str | None"]
"""Given a step and its metrics, why the trial should stop now, or None to go on."""


class TrialPruned(Exception):  # noqa: N818 (the name users know from Optuna)
    """Raised by `report` inside a `function=` trial that early stopping has stopped."""


@dataclass(frozen=True)
class _InProcessTrial:
    path: str
    judge: Judge | None


_CURRENT: contextvars.ContextVar[_InProcessTrial | None] = contextvars.ContextVar(
    "hypered_trial", default=None)


@contextmanager
def in_process_trial(path: str, judge: Judge | None) -> Iterator[None]:
    """Within this block, `report` writes to `path` and asks `judge` (used by the function runner)."""
    token = _CURRENT.set(_InProcessTrial(path, judge))
    try:
        yield
    finally:
        _CURRENT.reset(token)


def report(step: int, **metrics: Any) -> None:
    """Record the trial's metrics at `step` (an epoch, a batch count: any whole number >= 0).

    Name the objective's metric as the study does (`loss`, or nested: `val={"loss": 0.4}`
    for "val.loss"). Raises TrialPruned inside a `function=` trial that early stopping
    stopped; does nothing outside a hypered trial.
    """
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise ValueError(f"hypered.report: step must be a whole number >= 0, got {step!r}")
    trial = _CURRENT.get()
    path = trial.path if trial is not None else os.environ.get(REPORT_PATH_ENV)
    if not path:
        return
    line = json.dumps({"step": step, **metrics}, default=_number)
    with open(path, "a", encoding="utf-8") as f:  # one write per line: readers never see half of it
        f.write(line + "\n")
    if trial is not None and trial.judge is not None:
        reason = trial.judge(step, json.loads(line))
        if reason is not None:
            raise TrialPruned(reason)


def _number(value: Any) -> Any:
    """numpy scalars and the like, as JSON numbers."""
    if hasattr(value, "__index__"):
        return operator.index(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"hypered.report: {value!r} is not a JSON value") from None
