"""A nested params tree split into its leaves: variables, utilities and fixed values.

A conditional categorical's branches are walked too: their leaves sit beside the categorical
(`{"optimizer": categorical({"sgd": {"momentum": ...}})}` has leaves "optimizer" and
"momentum"), carry the Condition under which they exist, and may reuse a name of a sibling
branch (`lr` in both "sgd" and "adam", each its own variable) but no name of an enclosing dict.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import SpaceError
from .conditions import Condition, Conditions, active_flags, choices_for, describe_when, exclusive
from .utilities import TrialContext, Utility
from .variables import Categorical, Integer, Real, Variable

Path = tuple[str, ...]


def dotted(path: Path) -> str:
    """The display name of a leaf: its keys joined by dots ("model.lr")."""
    return ".".join(path)


def lookup(tree: Any, name: str) -> Any:
    """The value at a dotted name in nested dicts; KeyError naming the missing part."""
    if isinstance(tree, Mapping) and name in tree:
        return tree[name]  # a literal key "val.loss" wins over nesting
    node = tree
    walked: list[str] = []
    for key in name.split("."):
        if not isinstance(node, Mapping) or key not in node:
            where = dotted(tuple(walked)) or "the results"
            keys = ", ".join(map(str, node)) if isinstance(node, Mapping) else type(node).__name__
            raise KeyError(f"{where} has no {key!r} (found: {keys})")
        node = node[key]
        walked.append(key)
    return node


def _check_fixed(path: Path, value: Any) -> None:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        raise SpaceError(
            f"params[{dotted(path)!r}]: {value!r} is neither a search variable, "
            "a utility nor a JSON value"
        ) from None


@dataclass(frozen=True)
class ParamsTree:
    """A user's params tree and where its leaves are."""

    tree: Mapping[str, Any]
    variables: tuple[tuple[str, Variable], ...]  # (dotted name, variable) in tree order, parents first
    utilities: tuple[tuple[str, Utility], ...]
    conditions: Conditions = ()  # one per variable (None: always there); () when nothing is conditional

    @property
    def names(self) -> tuple[str, ...]:
        """Every variable's name once (sibling branches may share one)."""
        return tuple(dict.fromkeys(name for name, _ in self.variables))

    @property
    def always(self) -> frozenset[str]:
        """Names of the variables present in every trial."""
        conditions = self.conditions or (None,) * len(self.variables)
        return frozenset(name for (name, _), c in zip(self.variables, conditions) if c is None)

    def exists_when(self, name: str) -> str:
        """When a conditional parameter exists ("optimizer='sgd' or optimizer='adam'")."""
        return " or ".join(describe_when(choices_for(self.variables, self.conditions, i))
                           for i, (n, _) in enumerate(self.variables) if n == name)

    def active_names(self, values: Mapping[str, Any]) -> tuple[str, ...]:
        """The variables a trial with `values` has, in order."""
        flags = active_flags(self.variables, self.conditions, values)
        return tuple(name for (name, _), on in zip(self.variables, flags) if on)

    def signature(self) -> dict[str, dict[str, Any]]:
        """The search space as JSON, as study.db keeps it: each name's variable (`as_dict`).

        A branch's variable also has "when", the choices under which it exists ([{"optimizer":
        "sgd"}]); a name that sibling branches share has one "when" and one "variants" entry per
        branch, and the bounds (or choices) that span them all, for plots.
        """
        out: dict[str, dict[str, Any]] = {}
        for index, (name, var) in enumerate(self.variables):
            entry = var.as_dict()
            if not self.conditions or self.conditions[index] is None:
                out[name] = entry
                continue
            chain = choices_for(self.variables, self.conditions, index)
            if name not in out:
                out[name] = {**entry, "when": [chain]}
                continue
            previous = out[name]
            variants = previous.get("variants") or [{k: v for k, v in previous.items() if k != "when"}]
            out[name] = {**_span(previous, entry), "when": [*previous["when"], chain],
                         "variants": [*variants, entry]}
        return out

    def build(self, values: Mapping[str, Any], context: TrialContext | None) -> dict[str, Any]:
        """The full nested params of one trial: sampled values, fixed values, resolved utilities."""
        return _build(self.tree, (), values, context)

    def check_values(self, values: Mapping[str, Any]) -> None:
        """Raise ValueError unless `values` gives an in-range value to every variable of the
        branches it takes, and none to the others."""
        flags = active_flags(self.variables, self.conditions, values)
        present = {name for (name, _), on in zip(self.variables, flags) if on}
        for (name, var), on in zip(self.variables, flags):
            if not on:
                if name in values and name not in present:
                    raise ValueError(f"{name}={values[name]!r} is given, but {name} exists only when "
                                     f"{self.exists_when(name)}: leave it out")
                continue
            if name not in values:
                raise ValueError(f"missing value for {name!r}")
            value = values[name]
            if isinstance(var, Categorical):
                var.index(value)
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{name}={value!r} is not a number")
            elif not (var.low <= value <= var.high) or not math.isfinite(value):
                raise ValueError(f"{name}={value!r} is outside {var.describe()}")
            elif isinstance(var, Integer) and value != int(value):
                raise ValueError(f"{name}={value!r} is not a whole number")


def _span(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    """The variable (as_dict) covering two of the same type: widest bounds, or every choice."""
    if a["type"] == "categorical":
        choices = [*a["choices"], *(c for c in b["choices"] if c not in a["choices"])]
        return {"type": "categorical", "choices": choices}
    return {"type": a["type"], "low": min(a["low"], b["low"]), "high": max(a["high"], b["high"]),
            "log": bool(a["log"] and b["log"])}


def _build(node: Mapping[str, Any], path: Path, values: Mapping[str, Any],
           context: TrialContext | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, leaf in node.items():
        here = path + (key,)
        if isinstance(leaf, Mapping):
            out[key] = _build(leaf, here, values, context)
        elif isinstance(leaf, Categorical) and leaf.conditional:
            out[key] = values[dotted(here)]
            out.update(_build(leaf.branches[leaf.index(out[key])], path, values, context))
        elif isinstance(leaf, (Real, Integer, Categorical)):
            out[key] = values[dotted(here)]
        elif isinstance(leaf, Utility):
            out[key] = leaf.resolve(dotted(here), context) if context is not None else None
        else:
            out[key] = leaf
    return out


def parse_params(params: Any) -> ParamsTree:
    """Split a nested params dict into its variables and utilities; SpaceError if malformed."""
    if not isinstance(params, Mapping):
        raise SpaceError(f"params must be a dict of names to variables or values, got {params!r}")
    walk = _Walk()
    walk.node(params, (), None, frozenset(), ())
    variables, conditions = tuple(walk.variables), tuple(walk.conditions)
    names = [name for name, _ in variables] + [name for name, _ in walk.utilities]
    if len(set(names)) != len(names):
        _check_shared_names(variables, conditions, walk.utilities, walk.steps)
    if not variables:
        raise SpaceError("params has no search variable: add a real(), integer() or categorical()")
    conditional = any(c is not None for c in conditions)
    return ParamsTree(params, variables, tuple(walk.utilities), conditions if conditional else ())


class _Walk:
    """Collects the leaves of a params tree, with the condition each sits under."""

    def __init__(self) -> None:
        self.variables: list[tuple[str, Variable]] = []
        self.conditions: list[Condition | None] = []
        self.utilities: list[tuple[str, Utility]] = []
        self.steps: list[tuple[Any, ...]] = []  # per variable: where it is written in params

    def node(self, node: Mapping[str, Any], path: Path, condition: Condition | None,
             taken: frozenset[str], steps: tuple[Any, ...]) -> None:
        """Walk `node` at `path` (written at `steps`); `taken`: keys of the dicts a branch joins."""
        for key, leaf in node.items():
            if not isinstance(key, str) or not key:
                raise SpaceError(f"params: key {key!r} under {dotted(path) or 'the top'} must be a "
                                 "non-empty string", steps)
            if "." in key:
                raise SpaceError(f"params: key {key!r} must not contain '.' (nest dicts instead)", steps)
            here, at = path + (key,), steps + (key,)
            if isinstance(leaf, Mapping):
                self.node(leaf, here, condition, frozenset(), at)
            elif isinstance(leaf, Categorical) and leaf.conditional:
                self.branches(here, leaf, condition, taken | frozenset(node), at)
            elif isinstance(leaf, (Real, Integer, Categorical)):
                self.add(dotted(here), leaf, condition, at)
            elif isinstance(leaf, Utility):
                if condition is not None:
                    raise SpaceError(f"params[{dotted(here)!r}]: {leaf.describe()} cannot be inside a "
                                     "conditional branch: put it where every trial has it", at)
                self.utilities.append((dotted(here), leaf))
            else:
                _check_fixed(here, leaf)

    def branches(self, here: Path, var: Categorical, condition: Condition | None,
                 taken: frozenset[str], steps: tuple[Any, ...]) -> None:
        parent = self.add(dotted(here), var, condition, steps)
        for choice, (value, branch) in enumerate(zip(var.choices, var.branches)):
            for key in branch:
                if key in taken:
                    raise SpaceError(
                        f"params: the branch {dotted(here)}={value!r} redefines {dotted(here[:-1] + (key,))!r}, "
                        "which its parent already has: rename one (a branch's parameters sit beside "
                        f"{dotted(here)!r} in a trial's params)", steps + (value, key))
            self.node(branch, here[:-1], Condition(parent, choice), taken, steps + (value,))

    def add(self, name: str, var: Variable, condition: Condition | None, steps: tuple[Any, ...]) -> int:
        self.variables.append((name, var))
        self.conditions.append(condition)
        self.steps.append(steps)
        return len(self.variables) - 1


def _check_shared_names(variables: tuple[tuple[str, Variable], ...], conditions: Conditions,
                        utilities: list[tuple[str, Utility]], steps: list[tuple[Any, ...]]) -> None:
    """SpaceError unless every name shared by two leaves belongs to variables of different branches."""
    first: dict[str, int] = {}
    used = {name for name, _ in utilities}
    for index, (name, var) in enumerate(variables):
        if name in used and name not in first:
            raise SpaceError(f"params: two leaves are named {name!r}; rename one")
        used.add(name)
        if name not in first:
            first[name] = index
            continue
        other = variables[first[name]][1]
        if not conditions or not all(exclusive(conditions, j, index) for j, (n, _) in
                                     enumerate(variables[:index]) if n == name):
            raise SpaceError(f"params: two leaves are named {name!r} and a trial can have both; rename "
                             "one (only branches of the same categorical may share a name)", steps[index])
        if type(other) is not type(var) or (isinstance(var, Categorical) and var.conditional) \
                or (isinstance(other, Categorical) and other.conditional):
            raise SpaceError(f"params: branches share the name {name!r} for {other.describe()} and "
                             f"{var.describe()}: a shared name needs the same kind of variable (and "
                             "not a conditional categorical); rename one", steps[index])
