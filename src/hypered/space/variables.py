"""The search variables a user declares: `real`, `integer`, `categorical`."""

from __future__ import annotations

import json
import math
import numbers
from dataclasses import dataclass
from typing import Any

from ..errors import SpaceError


def _check_number(kind: str, label: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SpaceError(f"{kind}(): {label} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise SpaceError(f"{kind}(): {label} must be finite, got {value!r}")
    return float(value)


def _plain(value: Any) -> Any:
    """A numpy (or other) integer as an int and real as a float; Python's own numbers as they are."""
    if isinstance(value, (bool, int, float)) or not isinstance(value, numbers.Real):
        return value
    return int(value) if isinstance(value, numbers.Integral) else float(value)


def _check_bounds(kind: str, low: Any, high: Any, log: Any) -> None:
    lo = _check_number(kind, "low", low)
    hi = _check_number(kind, "high", high)
    if not isinstance(log, bool):
        raise SpaceError(f"{kind}(low={low!r}, high={high!r}): log must be True or False, got {log!r}")
    if lo >= hi:
        raise SpaceError(f"{kind}(low={low!r}, high={high!r}): low must be below high")
    if log and lo <= 0:
        raise SpaceError(f"{kind}(low={low!r}, high={high!r}, log=True): log scale needs low > 0")


@dataclass(frozen=True)
class Real:
    """A real-valued variable in [low, high], uniform or log-uniform."""

    low: float
    high: float
    log: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "low", _plain(self.low))  # a numpy float32 as a float
        object.__setattr__(self, "high", _plain(self.high))
        _check_bounds("real", self.low, self.high, self.log)

    def as_dict(self) -> dict[str, Any]:
        return {"type": "real", "low": self.low, "high": self.high, "log": self.log}

    def describe(self) -> str:
        return f"real({self.low!r}, {self.high!r}{', log=True' if self.log else ''})"


@dataclass(frozen=True)
class Integer:
    """An integer variable in [low, high], both bounds included."""

    low: int
    high: int
    log: bool = False

    def __post_init__(self) -> None:
        for label, value in (("low", _plain(self.low)), ("high", _plain(self.high))):
            if isinstance(value, int) and not isinstance(value, bool):
                object.__setattr__(self, label, value)  # np.int64(1) -> 1
            elif isinstance(value, float) and float(value).is_integer():
                object.__setattr__(self, label, int(value))
            elif isinstance(value, bool) or not isinstance(value, int):
                raise SpaceError(f"integer(): {label} must be a whole number, got {value!r}")
        _check_bounds("integer", self.low, self.high, self.log)

    @property
    def size(self) -> int:
        return self.high - self.low + 1

    def as_dict(self) -> dict[str, Any]:
        return {"type": "integer", "low": self.low, "high": self.high, "log": self.log}

    def describe(self) -> str:
        return f"integer({self.low!r}, {self.high!r}{', log=True' if self.log else ''})"


def _choice_key(value: Any) -> str:
    """A key telling choices apart (True and 1 are different choices)."""
    return f"{type(value).__name__}:{json.dumps(value, sort_keys=True)}"


@dataclass(frozen=True)
class Categorical:
    """A variable taking one of a list of JSON values."""

    choices: tuple[Any, ...]

    def __post_init__(self) -> None:
        if isinstance(self.choices, (str, bytes, dict)) or not hasattr(self.choices, "__iter__"):
            raise SpaceError(f"categorical(): choices must be a list, got {self.choices!r}")
        choices = tuple(self.choices)
        if not choices:
            raise SpaceError("categorical([]): needs at least one choice")
        seen: set[str] = set()
        for choice in choices:
            try:
                key = _choice_key(choice)
            except (TypeError, ValueError):
                raise SpaceError(
                    f"categorical(): choice {choice!r} is not a JSON value "
                    "(use strings, numbers, booleans, null, lists or dicts)"
                ) from None
            if key in seen:
                raise SpaceError(f"categorical({list(choices)!r}): duplicate choice {choice!r}")
            seen.add(key)
        object.__setattr__(self, "choices", choices)

    def index(self, value: Any) -> int:
        """Position of `value` among the choices; ValueError if absent."""
        key = _choice_key(value)
        for i, choice in enumerate(self.choices):
            if _choice_key(choice) == key:
                return i
        raise ValueError(f"{value!r} is not one of {list(self.choices)!r}")

    def as_dict(self) -> dict[str, Any]:
        return {"type": "categorical", "choices": list(self.choices)}

    def describe(self) -> str:
        return f"categorical({list(self.choices)!r})"


Variable = Real | Integer | Categorical


def variable_from_dict(data: dict[str, Any]) -> Variable:
    """The variable that `as_dict` described (as stored in study.db)."""
    kind = data.get("type")
    if kind == "real":
        return Real(data["low"], data["high"], bool(data.get("log", False)))
    if kind == "integer":
        return Integer(data["low"], data["high"], bool(data.get("log", False)))
    if kind == "categorical":
        return Categorical(tuple(data["choices"]))
    raise SpaceError(f"unknown variable type {kind!r} in {data!r}")


def real(low: float, high: float, log: bool = False) -> Real:
    """A real-valued hyperparameter in [low, high] (log-uniform when `log`)."""
    return Real(low, high, log)


def integer(low: int, high: int, log: bool = False) -> Integer:
    """An integer hyperparameter in [low, high], both included (log-uniform when `log`)."""
    return Integer(low, high, log)


def categorical(choices: list[Any]) -> Categorical:
    """A hyperparameter that takes one of `choices` (strings, numbers, booleans, null)."""
    return Categorical(choices)  # type: ignore[arg-type]
