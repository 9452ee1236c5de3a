"""Config files -> validated studies: read, evaluate safely, check each optimize() call."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..constraints import constraint_problem
from ..errors import ConfigError, HyperedError, SpaceError
from ..objective import Objective
from ..pareto import objectives_problem
from ..space import parse_params
from ..study.initial_points import initial_problem
from ..study.spec import SPEC_ARGUMENTS, StudySpec, make_spec
from .evaluate import MAX_CONFIG_BYTES, OptimizeCall, evaluate_config

_OPTIMIZE_ARGUMENTS = frozenset(SPEC_ARGUMENTS)


def read_config(path: str | Path) -> list[OptimizeCall]:
    """The optimize(...) calls of the config file at `path`; ConfigError if unreadable or unsafe."""
    shown = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ConfigError("config file not found", shown) from None
    except IsADirectoryError:
        raise ConfigError("is a directory, not a config file", shown) from None
    except OSError as err:
        raise ConfigError(f"cannot read config file: {err.strerror}", shown) from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"config file is larger than {MAX_CONFIG_BYTES} bytes", shown)
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ConfigError(f"config file is not UTF-8 text ({err.reason})", shown) from None
    return evaluate_config(source, shown)


def load_config(path: str | Path, overrides: Mapping[str, Any] | None = None) -> list[StudySpec]:
    """Validated studies of a config file, in order.

    A relative `cwd` (and the default, when none is given) is the config file's
    folder, so `binary="python3 train.py ..."` finds train.py beside the config.
    `overrides` (from the command line) replace the config's arguments.
    """
    folder = Path(path).absolute().parent
    specs = []
    for call in read_config(path):
        specs.append(_spec(call, folder, overrides or {}))
    return specs


def _spec(call: OptimizeCall, folder: Path, overrides: Mapping[str, Any]) -> StudySpec:
    unknown = sorted(set(call.arguments) - _OPTIMIZE_ARGUMENTS)
    if unknown:
        raise call.error(f"optimize() has no argument {unknown[0]!r}; known: "
                         f"{', '.join(sorted(_OPTIMIZE_ARGUMENTS - {'function'}))}")
    if "function" in call.arguments:
        raise call.error("function= cannot be used in a config file: use binary=")
    arguments = {**call.arguments, **overrides}
    for required in ("name", "objective", "params", "binary"):
        if required not in arguments:
            raise call.error(f"optimize() needs {required}=")
    cwd = Path(arguments.get("cwd") or ".")
    arguments["cwd"] = cwd if cwd.is_absolute() else folder / cwd
    try:
        return make_spec(**arguments)
    except HyperedError as err:
        raise _located(call, err) from None


def _located(call: OptimizeCall, err: HyperedError) -> ConfigError:
    """`err` at the value it is about when that is in `initial=`, `warm_start=`, `constraints=` or
    `noisy=`, else at optimize(."""
    message = str(err)
    if isinstance(err, SpaceError) and err.path and "params" in call.nodes:
        return call.error_at("params", err.path, message)
    constraints, objective = call.arguments.get("constraints"), call.arguments.get("objective")
    if "constraints" in call.nodes and message.startswith("constraints"):
        objectives = [objective] if isinstance(objective, Objective) else objective
        found = constraint_problem(objectives, constraints) if isinstance(constraints, list) \
            and isinstance(objectives, list) and all(isinstance(o, Objective) for o in objectives) else None
        return call.error_at("constraints", () if found is None else (found[0],), message)
    if "objective" in call.nodes and message.startswith("objective"):
        found_objective = objectives_problem(objective) if isinstance(objective, list) else None
        index = None if found_objective is None else found_objective[0]
        return call.error_at("objective", () if index is None else (index,), message)
    if "initial" in call.nodes:
        try:
            problem = initial_problem(parse_params(call.arguments.get("params")), call.arguments["initial"])
        except HyperedError:
            problem = None  # params itself is wrong: that is `err`
        if problem is not None and problem.message == message:
            return call.error_at("initial", problem.path, message)
    if "early_stopping" in call.nodes and message.startswith("early_stopping"):
        return call.error_at("early_stopping", (), message)
    if "warm_start" in call.nodes and message.startswith("warm_start"):
        return call.error_at("warm_start", (), message)
    if "noisy" in call.nodes and message.startswith("noisy"):
        return call.error_at("noisy", (), message)
    return call.error(message)
