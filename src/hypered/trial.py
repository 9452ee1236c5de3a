"""One evaluation of the program: its params, state and outcome."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


class TrialState(enum.Enum):
    RUNNING = "running"
    COMPLETE = "complete"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    PRUNED = "pruned"  # stopped early by early_stopping; its value is the last one reported


@dataclass(frozen=True)
class Trial:
    """A trial as the store keeps it. `values` holds the sampled variables by dotted name."""

    number: int
    key: str  # folder name: short hash of `values`
    values: dict[str, Any]
    params: dict[str, Any]  # full nested params: sampled, fixed and resolved utilities
    state: TrialState
    value: float | None = None  # objective value, in the user's direction
    results: Any = None
    reason: str | None = None  # why it failed or was interrupted
    started: float | None = None  # unix time
    finished: float | None = None
    pid: int | None = None
    host: str | None = None
    worker: str | None = None

    @property
    def duration(self) -> float | None:
        if self.started is None or self.finished is None:
            return None
        return self.finished - self.started
