"""What a study optimizes: one metric of the results, minimized or maximized."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import Any

from .errors import SpaceError
from .space import lookup


class Direction(enum.Enum):
    MINIMIZE = "minimize"
    MAXIMIZE = "maximize"


class ObjectiveMissing(Exception):
    """The results do not give a usable objective value (the reason is the message)."""


@dataclass(frozen=True)
class Objective:
    """The metric `name` (dotted to reach nested results) and its direction."""

    name: str
    direction: Direction

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name or any(
            not part for part in self.name.split(".")
        ):
            raise SpaceError(f"{self.direction.value}({self.name!r}): give the metric's name, "
                             "e.g. \"loss\" or \"val.loss\"")

    def value(self, results: Any) -> float:
        """The objective value in `results`; ObjectiveMissing saying why not."""
        if not isinstance(results, dict):
            raise ObjectiveMissing(f"results must be a JSON object, got {type(results).__name__}")
        try:
            value = lookup(results, self.name)
        except KeyError as err:
            raise ObjectiveMissing(f"objective {self.name!r} not in results: {err.args[0]}") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ObjectiveMissing(f"objective {self.name!r} is {value!r}, not a number")
        if not math.isfinite(value):
            raise ObjectiveMissing(f"objective {self.name!r} is {value!r}, not a finite number")
        return float(value)

    def loss(self, value: float) -> float:
        """The value as a quantity to minimize."""
        return value if self.direction is Direction.MINIMIZE else -value

    def better(self, a: float, b: float) -> bool:
        """Whether value `a` beats value `b`."""
        return self.loss(a) < self.loss(b)

    def describe(self) -> str:
        return f"{self.direction.value}({self.name!r})"


def minimize(name: str) -> Objective:
    """Minimize the metric `name` of each trial's results ("loss", or dotted "val.loss")."""
    return Objective(name, Direction.MINIMIZE)


def maximize(name: str) -> Objective:
    """Maximize the metric `name` of each trial's results ("acc", or dotted "val.acc")."""
    return Objective(name, Direction.MAXIMIZE)
