"""`early_stopping=asha(...)`: how a study stops trials that fall behind (the study's judge is study.stopping)."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import SpaceError


@dataclass(frozen=True)
class ASHA:
    """`early_stopping=asha(...)`: which steps are rungs and how many trials pass each."""

    min_step: int = 1
    max_step: int | None = None
    reduction: int = 3

    def __post_init__(self) -> None:
        for label, value, low in (("min_step", self.min_step, 1), ("reduction", self.reduction, 2)):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise SpaceError(f"asha(): {label} must be a whole number >= {low}, got {value!r}")
        if self.max_step is not None and (isinstance(self.max_step, bool) or not isinstance(self.max_step, int)
                                          or self.max_step <= self.min_step):
            raise SpaceError(f"asha(): max_step must be a whole number above min_step={self.min_step}, "
                             f"or None, got {self.max_step!r}")

    def rungs(self, up_to: int) -> list[int]:
        """The rung steps at or below `up_to` (and below max_step, where no trial is stopped)."""
        rungs, step = [], self.min_step
        while step <= up_to and (self.max_step is None or step < self.max_step):
            rungs.append(step)
            step *= self.reduction
        return rungs

    def describe(self) -> str:
        return f"asha(min_step={self.min_step}, max_step={self.max_step}, reduction={self.reduction})"


def asha(min_step: int = 1, max_step: int | None = None, reduction: int = 3) -> ASHA:
    """Stop trials that fall behind at steps min_step, min_step·reduction, ... (before max_step)."""
    return ASHA(min_step, max_step, reduction)
