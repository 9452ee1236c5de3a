"""The search variables a user declares: `real`, `integer`, `categorical`."""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
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
    """A variable taking one of a list of JSON values.

    A conditional categorical has one branch per choice: a dict of parameters that exist only
    in trials taking that choice (`branches[i]` belongs to `choices[i]`; `{}` for none).
    """

    choices: tuple[Any, ...]
    branches: tuple[Mapping[str, Any], ...] = field(default=(), hash=False)

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
        branches = tuple(self.branches)
        if branches and len(branches) != len(choices):
            raise SpaceError(f"categorical(): {len(branches)} branches for {len(choices)} choices")
        for choice, branch in zip(choices, branches):
            if not isinstance(branch, Mapping):
                raise SpaceError(f"categorical(): the branch of choice {choice!r} must be a dict of the "
                                 f"parameters it brings ({{}} for none), got {branch!r}")
        object.__setattr__(self, "branches", branches)

    @property
    def conditional(self) -> bool:
        """Whether choices bring parameters of their own."""
        return bool(self.branches)

    def index(self, value: Any) -> int:
        """Position of `value` among the choices; ValueError if absent."""
        key = _choice_key(value)
        for i, choice in enumerate(self.choices):
            if _choice_key(choice) == key:
                return i
        raise ValueError(f"{value!r} is not one of {list(self.choices)!r}")

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "categorical", "choices": list(self.choices)}
        if self.conditional:
            out["branches"] = [describe_tree(branch) for branch in self.branches]
        return out

    def describe(self) -> str:
        if not self.conditional:
            return f"categorical({list(self.choices)!r})"
        inner = ", ".join(f"{choice!r}: {describe_tree(branch)}"
                          for choice, branch in zip(self.choices, self.branches))
        return f"categorical({{{inner}}})"


def describe_tree(node: Mapping[str, Any]) -> str:
    """A params (sub)tree as text: variables and utilities described, fixed values as JSON."""
    parts = []
    for key, leaf in node.items():
        if isinstance(leaf, Mapping):
            text = describe_tree(leaf)
        elif hasattr(leaf, "describe"):
            text = leaf.describe()
        else:
            try:
                text = json.dumps(leaf, sort_keys=True)
            except (TypeError, ValueError):
                text = repr(leaf)
        parts.append(f"{key!r}: {text}")
    return "{" + ", ".join(parts) + "}"


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


def categorical(choices: list[Any] | Mapping[Any, Mapping[str, Any]]) -> Categorical:
    """A hyperparameter that takes one of `choices` (strings, numbers, booleans, null).

    Given a dict, each choice maps to the parameters that exist only when it is taken:
    `categorical({"sgd": {"momentum": real(0.5, 0.99)}, "adam": {}})`. They appear in a
    trial's params beside the categorical, and only in trials that take their choice.
    """
    if isinstance(choices, Mapping):
        if not choices:
            raise SpaceError("categorical({}): needs at least one choice")
        return Categorical(tuple(choices), tuple(choices.values()))
    return Categorical(choices)  # type: ignore[arg-type]
