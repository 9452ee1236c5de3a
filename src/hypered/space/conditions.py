"""Which parameters a trial has: a conditional categorical's branch exists only when its choice is taken."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .variables import Categorical, Variable


@dataclass(frozen=True)
class Condition:
    """A branch variable's condition: the categorical `parent` takes its choice number `choice`.

    `parent` is the position of the categorical among the params' variables; it comes before
    every variable of its branches, so activity can be settled in one pass in variable order.
    """

    parent: int
    choice: int


Conditions = tuple[Condition | None, ...]  # one per variable; None: in every trial


def active_flags(variables: Sequence[tuple[str, Variable]], conditions: Conditions,
                 values: Mapping[str, Any]) -> tuple[bool, ...]:
    """Whether each variable is in a trial with `values` (a parent without a value counts as unchosen)."""
    flags: list[bool] = []
    for (_, _var), condition in zip(variables, _full(conditions, len(variables))):
        if condition is None:
            flags.append(True)
            continue
        parent_name, parent = variables[condition.parent]
        flags.append(flags[condition.parent] and parent_name in values
                     and _is_choice(parent, values[parent_name], condition.choice))
    return tuple(flags)


def _is_choice(var: Variable, value: Any, choice: int) -> bool:
    if not isinstance(var, Categorical):
        return False
    try:
        return var.index(value) == choice
    except (TypeError, ValueError):
        return False


def _full(conditions: Conditions, n: int) -> Conditions:
    return conditions if conditions else (None,) * n


def choices_for(variables: Sequence[tuple[str, Variable]], conditions: Conditions, index: int) -> dict[str, Any]:
    """The choices that make variable `index` active, outermost first ({"optimizer": "sgd"})."""
    chain: list[tuple[str, Any]] = []
    condition = _full(conditions, len(variables))[index]
    while condition is not None:
        name, parent = variables[condition.parent]
        assert isinstance(parent, Categorical)
        chain.append((name, parent.choices[condition.choice]))
        condition = _full(conditions, len(variables))[condition.parent]
    return dict(reversed(chain))


def describe_when(chain: Mapping[str, Any]) -> str:
    """`optimizer='sgd'`, or `optimizer='sgd' and schedule='step'` for a nested branch."""
    return " and ".join(f"{name}={choice!r}" for name, choice in chain.items())


def exclusive(conditions: Conditions, a: int, b: int) -> bool:
    """Whether variables `a` and `b` can never be in the same trial (they sit in different branches)."""
    chosen: dict[int, int] = {}
    condition = conditions[a] if conditions else None
    while condition is not None:
        chosen[condition.parent] = condition.choice
        condition = conditions[condition.parent]
    condition = conditions[b] if conditions else None
    while condition is not None:
        if condition.parent in chosen and chosen[condition.parent] != condition.choice:
            return True
        condition = conditions[condition.parent]
    return False
