"""What makes a study the same study: its fingerprint, and how a rerun's differs from it.

A study's folder is named after `name` alone, so two definitions can meet in one
folder (two configs with the same name, an edited `binary`, a changed fixed
value, an edited `function`). The fingerprint, kept in study.db, is everything
that defines what a trial measures: the params tree (variables, fixed values,
utilities), the objective (or the list of objectives), the outcome constraints (when there are any: a study
without them keeps the fingerprint it always had), and the command with the folder
it runs in, or the function's qualified name and a hash of its source. Settings that only steer the
search or the budget (kernel, iterations, seed, parallel, ...) are not in it.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ..pareto import describe
from ..space import Categorical, Integer, Real, Utility
from .spec import StudySpec


def fingerprint(spec: StudySpec) -> dict[str, Any]:
    """The study's defining parts as JSON (kept in study.db's meta as "fingerprint")."""
    out: dict[str, Any] = {
        "params": dict(_leaves(spec.params.tree)),
        "objective": describe(spec.all_objectives),
    }
    if spec.constraints:
        out["constraints"] = [c.describe() for c in spec.constraints]
    if spec.command is not None:
        out["command"] = {"binary": spec.command.text, "cwd": str(spec.cwd)}
    if spec.function is not None:
        out["function"] = function_identity(spec.function)
    return out


def function_identity(function: Callable[..., Any]) -> dict[str, str]:
    """A function's module, qualified name and a hash of its source (when Python can read it)."""
    target = function if inspect.isroutine(function) else type(function)
    name = getattr(function, "__qualname__", None) or getattr(target, "__qualname__", repr(function))
    module = getattr(function, "__module__", None) or getattr(target, "__module__", "") or ""
    try:
        source = inspect.getsource(target)
    except (OSError, TypeError):  # built in, or defined where no file holds it (a REPL)
        return {"name": f"{module}.{name}", "source": "unavailable"}
    digest = hashlib.sha256(inspect.cleandoc(source).encode()).hexdigest()[:16]
    return {"name": f"{module}.{name}", "source": digest}


def _leaves(tree: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted name, description) of every leaf of a params tree."""
    for key, leaf in tree.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(leaf, Mapping):
            yield from _leaves(leaf, name)
        elif isinstance(leaf, (Real, Integer, Categorical)):
            yield name, leaf.describe()
        elif isinstance(leaf, Utility):
            yield name, leaf.describe()
        else:
            yield name, json.dumps(leaf, sort_keys=True)


def differences(stored: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """One line per part that differs between two fingerprints ("binary: was ..., now ...")."""
    lines = []
    old_params, new_params = stored.get("params", {}), current.get("params", {})
    for name in [*old_params, *(n for n in new_params if n not in old_params)]:
        was, now = old_params.get(name), new_params.get(name)
        if was != now:
            lines.append(f"params.{name}: {_change(was, now)}")
    if stored.get("objective") != current.get("objective"):
        lines.append(f"objective: {_change(stored.get('objective'), current.get('objective'))}")
    if stored.get("constraints") != current.get("constraints"):
        lines.append(f"constraints: {_change(_listed(stored.get('constraints')), _listed(current.get('constraints')))}")
    old_cmd, new_cmd = stored.get("command") or {}, current.get("command") or {}
    for part in ("binary", "cwd"):
        if old_cmd.get(part) != new_cmd.get(part):
            label = "binary" if part == "binary" else "the folder binary runs in (cwd)"
            lines.append(f"{label}: {_change(old_cmd.get(part), new_cmd.get(part))}")
    old_fn, new_fn = stored.get("function"), current.get("function")
    if old_fn != new_fn:
        if old_fn and new_fn and old_fn["name"] == new_fn["name"]:
            lines.append(f"function {new_fn['name']}: its source changed")
        else:
            lines.append(f"function: {_change(_fn_name(old_fn), _fn_name(new_fn))}")
    return lines


def can_continue(stored: Mapping[str, Any], current: Mapping[str, Any]) -> bool:
    """Whether old trials still mean something under the new definition.

    They do when only the command, the function, fixed values or the constraints changed (old
    trials are judged again from their stored results); a changed variable or objective makes
    the old trials' values or numbers incomparable.
    """
    if stored.get("objective") != current.get("objective"):
        return False
    old, new = stored.get("params", {}), current.get("params", {})
    return all(old.get(name) == new.get(name) for name in {*old, *new}
               if _is_variable(old.get(name)) or _is_variable(new.get(name)))


def _is_variable(description: str | None) -> bool:
    return description is not None and description.startswith(("real(", "integer(", "categorical("))


def _change(was: Any, now: Any) -> str:
    if was is None:
        return f"added ({now})"
    if now is None:
        return f"removed (was {was})"
    return f"was {was}, now {now}"


def _listed(constraints: list[str] | None) -> str | None:
    return None if not constraints else ", ".join(constraints)


def _fn_name(identity: Mapping[str, str] | None) -> str | None:
    return None if identity is None else identity["name"]
