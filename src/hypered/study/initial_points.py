"""Starting points (`initial=`): configurations the user gives, checked against the space before anything runs.

A point gives each searched parameter a value, named by its dotted name (`"model.lr"`) or
nested as in params (`{"model": {"lr": ...}}`). The rules, each with its one-line error:

- every searched parameter has a value: a partial point is an error naming what is missing
  (its result would otherwise depend on values nobody chose);
- a name that is not in params is an error; a fixed value of params may be repeated with the
  same value (so a trial's params can be pasted in, less its utilities) but not changed; a
  utility is filled in per trial and cannot be given;
- a value fits its variable as a sampled one does: a number within a real's bounds, a whole
  number within an integer's, one of a categorical's choices;
- a point gives only the branches it takes: `{"optimizer": "sgd", "momentum": 0.9}`; a value
  for a parameter of a branch not taken is an error naming it;
- no point repeats another: a study runs each configuration once.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ArgumentError
from ..space import Categorical, Integer, ParamsTree, Real, Utility, Variable, active_flags, dotted
from ..storage import trial_key

Step = int | str  # a list index or a dict key


@dataclass(frozen=True)
class PointProblem:
    """What is wrong with `initial`, and where: `path` leads from the list to the bad part."""

    path: tuple[Step, ...]  # (): the list itself; (i,): point i; (i, "model", "lr"): a value in it
    message: str


def initial_points(tree: ParamsTree, initial: Any) -> tuple[dict[str, Any], ...]:
    """The points of `initial` as sampled values by dotted name; ArgumentError on the first bad one."""
    points, problem = _read(tree, initial)
    if problem is not None:
        raise ArgumentError(problem.message)
    return points


def initial_problem(tree: ParamsTree, initial: Any) -> PointProblem | None:
    """The first thing wrong with `initial` and where it is (for a config file's line and column)."""
    return _read(tree, initial)[1]


def _read(tree: ParamsTree, initial: Any) -> tuple[tuple[dict[str, Any], ...], PointProblem | None]:
    if initial is None:
        return (), None
    if isinstance(initial, (str, bytes, Mapping)) or not isinstance(initial, Sequence):
        return (), PointProblem((), f"initial must be a list of dicts of parameter values, e.g. "
                                    f"[{{{tree.names[0]!r}: ...}}], got {initial!r}")
    points: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for index, point in enumerate(initial):
        values: dict[str, Any] = {}
        problem = _point(tree, tree.tree, point, (index,), values)
        if problem is None and tree.conditions:
            problem = _branches(tree, values, index)
        if problem is None:
            problem = _missing(tree, values, index)
        if problem is not None:
            return (), problem
        ordered = {name: values[name] for name in tree.active_names(values)}
        key = trial_key(ordered)
        if key in seen:
            return (), PointProblem((index,), f"initial[{index}] repeats initial[{seen[key]}]: "
                                              "a study runs each configuration once")
        seen[key] = index
        points.append(ordered)
    return tuple(points), None


def _point(tree: ParamsTree, node: Mapping[str, Any], point: Any, path: tuple[Step, ...],
           values: dict[str, Any]) -> PointProblem | None:
    """Collect the values of `point` (a dict at `node` of the params tree) into `values`."""
    where = _where(path)
    if not isinstance(point, Mapping):
        return PointProblem(path, f"{where} must be a dict of parameter values, got {point!r}")
    for key, value in point.items():
        here = (*path, key)
        if not isinstance(key, str) or not key:
            return PointProblem(here, f"{where}: key {key!r} must be a parameter name")
        prefix = tuple(str(step) for step in path[1:])
        leaf, found = _find(node, key)
        name = dotted((*prefix, *key.split(".")))
        if not found and name in tree.names and name not in tree.always:
            if name in values:
                return PointProblem(here, f"{_where(path[:1])}: gives {name} twice (dotted and nested)")
            values[name] = value  # a branch's parameter: checked once the point's choices are known
            continue
        if not found:
            return PointProblem(here, f"{_where(path[:1])}: {name!r} is not a parameter of params "
                                      f"(searched: {', '.join(tree.names)})")
        problem: PointProblem | None = None
        if isinstance(leaf, Mapping) and not isinstance(value, Mapping):
            inside = [n for n in tree.names if n.startswith(name + ".")]
            problem = PointProblem(here, f"{_where(path[:1])}: {name} holds parameters "
                                         f"({', '.join(inside) or 'none searched'}): give them as a dict, "
                                         f"or by dotted name, not {value!r}")
        elif isinstance(leaf, Mapping):
            problem = _point(tree, leaf, value, here, values)
        elif isinstance(leaf, (Real, Integer, Categorical)):
            problem = _value(leaf, name, value, here, values)
        elif isinstance(leaf, Utility):
            problem = PointProblem(here, f"{_where(path[:1])}: {name} is {leaf.describe()}, filled in "
                                         "for each trial: leave it out")
        elif not _same_fixed(leaf, value):
            problem = PointProblem(here, f"{_where(path[:1])}: {name}={value!r}, but params fixes it at "
                                         f"{leaf!r}: a fixed value is the same in every trial (make it "
                                         "a variable to vary it, or leave it out)")
        if problem is not None:
            return problem
    return None


def _find(node: Mapping[str, Any], key: str) -> tuple[Any, bool]:
    """The params-tree leaf or subtree at `key` (dotted keys walk down); (None, False) if absent."""
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None, False
        node = node[part]
    return node, True


def _value(var: Variable, name: str, value: Any, path: tuple[Step, ...],
           values: dict[str, Any]) -> PointProblem | None:
    where = _where(path[:1])
    if name in values:
        return PointProblem(path, f"{where}: gives {name} twice (dotted and nested)")
    if isinstance(var, Categorical):
        try:
            values[name] = var.choices[var.index(value)]
        except ValueError:
            return PointProblem(path, f"{where}: {name}={value!r} is not one of {list(var.choices)!r}")
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return PointProblem(path, f"{where}: {name}={value!r} is not a number ({var.describe()})")
    number = float(value)
    if not math.isfinite(number) or not var.low <= number <= var.high:
        return PointProblem(path, f"{where}: {name}={value!r} is outside {var.describe()}")
    if isinstance(var, Integer):
        if not number.is_integer():
            return PointProblem(path, f"{where}: {name}={value!r} is not a whole number ({var.describe()})")
        values[name] = int(number)
    else:
        values[name] = number
    return None


def _branches(tree: ParamsTree, values: dict[str, Any], index: int) -> PointProblem | None:
    """Check the values of branch parameters against the branches the point takes."""
    taken = set(tree.active_names(values))
    conditions = tree.conditions
    for position, ((name, var), condition) in enumerate(zip(tree.variables, conditions)):
        if condition is None or name not in values:
            continue
        if name not in taken:
            return PointProblem((index, name), f"initial[{index}]: {name}={values[name]!r} is given, but "
                                               f"{name} exists only when {tree.exists_when(name)}: leave it out")
        if _is_active(tree, values, position):
            problem = _value(var, name, values.pop(name), (index, name), values)
            if problem is not None:
                return problem
    return None


def _is_active(tree: ParamsTree, values: Mapping[str, Any], position: int) -> bool:
    flags = active_flags(tree.variables, tree.conditions, values)
    return flags[position]


def _missing(tree: ParamsTree, values: Mapping[str, Any], index: int) -> PointProblem | None:
    missing = [name for name in tree.active_names(values) if name not in values]
    if not missing:
        return None
    return PointProblem((index,), f"initial[{index}] has no value for {', '.join(missing)}: a starting "
                                  "point gives every searched parameter")


def _same_fixed(fixed: Any, value: Any) -> bool:
    """Whether `value` is `fixed` as params.json would hold it (10 and 10.0 differ there)."""
    try:
        return json.dumps(fixed, sort_keys=True) == json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        return False


def _where(path: tuple[Step, ...]) -> str:
    return f"initial[{path[0]}]" if path else "initial"
