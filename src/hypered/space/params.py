"""A nested params tree split into its leaves: variables, utilities and fixed values."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import SpaceError
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
    variables: tuple[tuple[str, Variable], ...]  # (dotted name, variable) in tree order
    utilities: tuple[tuple[str, Utility], ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.variables)

    def build(self, values: Mapping[str, Any], context: TrialContext | None) -> dict[str, Any]:
        """The full nested params of one trial: sampled values, fixed values, resolved utilities."""
        return _build(self.tree, (), values, context)

    def check_values(self, values: Mapping[str, Any]) -> None:
        """Raise ValueError unless `values` gives an in-range value to every variable."""
        for name, var in self.variables:
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


def _build(node: Mapping[str, Any], path: Path, values: Mapping[str, Any],
           context: TrialContext | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, leaf in node.items():
        here = path + (key,)
        if isinstance(leaf, Mapping):
            out[key] = _build(leaf, here, values, context)
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
    variables: list[tuple[str, Variable]] = []
    utilities: list[tuple[str, Utility]] = []
    _walk(params, (), variables, utilities)
    names = [name for name, _ in variables] + [name for name, _ in utilities]
    if len(set(names)) != len(names):
        raise SpaceError("params: two leaves have the same dotted name; rename one")
    if not variables:
        raise SpaceError("params has no search variable: add a real(), integer() or categorical()")
    return ParamsTree(params, tuple(variables), tuple(utilities))


def _walk(node: Mapping[str, Any], path: Path, variables: list[tuple[str, Variable]],
          utilities: list[tuple[str, Utility]]) -> None:
    for key, leaf in node.items():
        if not isinstance(key, str) or not key:
            raise SpaceError(f"params: key {key!r} under {dotted(path) or 'the top'} must be a non-empty string")
        if "." in key:
            raise SpaceError(f"params: key {key!r} must not contain '.' (nest dicts instead)")
        here = path + (key,)
        if isinstance(leaf, Mapping):
            _walk(leaf, here, variables, utilities)
        elif isinstance(leaf, (Real, Integer, Categorical)):
            variables.append((dotted(here), leaf))
        elif isinstance(leaf, Utility):
            utilities.append((dotted(here), leaf))
        else:
            _check_fixed(here, leaf)
