"""Everything a study needs to run, built and validated in one place for `optimize` and config files."""

from __future__ import annotations

import math
import os
import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..bayesopt import ACQUISITIONS, DEFAULT_KERNEL, KERNELS
from ..constraints import Constraint, check_constraints
from ..early_stopping import ASHA
from ..errors import ArgumentError
from ..objective import Objective
from ..pareto import check_objectives
from ..runners import DEFAULT_LOG_LIMIT
from ..runners.command import CommandTemplate, parse_command
from ..space import DeviceId, Encoding, ParamsTree, parse_params
from .initial_points import initial_points
from .warm import check_warm_start


@dataclass(frozen=True)
class StudySpec:
    """A validated study: what to tune, how to run a trial, how to choose the next one."""

    name: str
    objective: Objective
    params: ParamsTree
    command: CommandTemplate | None  # exactly one of command and function
    function: Callable[[dict[str, Any]], Any] | None
    random_starts: int
    iterations: int
    kernel: str
    kernel_scale: float | None
    acquisition_fn: str
    optimizer_restarts: int
    seed: int | None
    cwd: Path
    directory: Path
    max_failures: int
    timeout: float | None
    parallel: int
    executor: str | None  # None: local processes; "dask://host:port": a Dask cluster
    on_change: str = "refuse"  # a rerun whose definition differs: "refuse", "restart" or "continue"
    early_stopping: ASHA | None = None  # None: every trial runs to its end
    log_limit: int | None = DEFAULT_LOG_LIMIT  # bytes kept of each of a trial's stdout and stderr; None: all
    initial: tuple[dict[str, Any], ...] = ()  # starting points: sampled values by dotted name, run first
    warm_start: Path | None = None  # an earlier study's folder (absolute) whose complete trials feed the GP
    constraints: tuple[Constraint, ...] = ()  # bounds on other metrics; a trial breaking one is infeasible
    objectives: tuple[Objective, ...] = ()  # several objectives: all of them (`objective` is the first); else ()
    noisy: bool | None = None  # None: the model judges whether the objective is noisy; else as declared

    @property
    def all_objectives(self) -> tuple[Objective, ...]:
        """Every objective: `objectives`, or the single `objective`."""
        return self.objectives or (self.objective,)

    @property
    def study_dir(self) -> Path:
        return self.directory / self.name

    @property
    def encoding(self) -> Encoding:
        return Encoding(self.params.variables, self.params.conditions)

    def space_signature(self) -> dict[str, dict[str, Any]]:
        """The search space as JSON (kept in study.db), to tell a resumed study's space is unchanged."""
        return self.params.signature()


SPEC_ARGUMENTS = (
    "name", "objective", "params", "binary", "function", "random_starts", "iterations", "kernel",
    "kernel_scale", "acquisition_fn", "optimizer_restarts", "seed", "cwd", "directory",
    "max_failures", "timeout", "parallel", "executor", "on_change", "early_stopping", "log_limit",
    "initial", "warm_start", "constraints", "noisy",
)
"""The arguments of `optimize` (and of a config file's optimize(...)), in order."""

ON_CHANGE = ("refuse", "restart", "continue")
"""What a rerun does when the stored study differs: refuse (the default), move the old study aside
and start afresh, or keep the old trials and go on with the new definition."""


def make_spec(
    *,
    name: str,
    objective: Objective | Sequence[Objective],
    params: dict[str, Any],
    binary: str | None = None,
    function: Callable[[dict[str, Any]], Any] | None = None,
    random_starts: int = 10,
    iterations: int = 100,
    kernel: str = DEFAULT_KERNEL,
    kernel_scale: float | None = None,
    acquisition_fn: str = "EI",
    optimizer_restarts: int = 5,
    seed: int | None = None,
    cwd: str | os.PathLike[str] | None = None,
    directory: str | os.PathLike[str] = "experiments",
    max_failures: int = 5,
    timeout: float | None = None,
    parallel: int = 1,
    executor: str | None = None,
    on_change: str = "refuse",
    early_stopping: ASHA | None = None,
    log_limit: int | None = DEFAULT_LOG_LIMIT,
    initial: Sequence[Mapping[str, Any]] | None = None,
    warm_start: str | os.PathLike[str] | None = None,
    constraints: Sequence[Constraint] | None = None,
    noisy: bool | None = None,
) -> StudySpec:
    """Check every argument of `optimize`; a StudySpec, or ArgumentError/SpaceError saying what is wrong."""
    _check_name(name)
    objectives = check_objectives(objective)
    checked_constraints = check_constraints(objectives, constraints)
    tree = parse_params(params)
    points = initial_points(tree, initial)
    if (binary is None) == (function is None):
        raise ArgumentError("give exactly one of binary= (a command) and function= (a Python callable)")
    if function is not None and not callable(function):
        raise ArgumentError(f"function must be callable, got {function!r}")
    workdir = Path(cwd) if cwd is not None else Path.cwd()
    if not workdir.is_dir():
        raise ArgumentError(f"cwd={str(cwd)!r} is not a directory")
    _check_int("random_starts", random_starts, 0)
    _check_int("iterations", iterations, 1)
    _check_int("optimizer_restarts", optimizer_restarts, 1)
    _check_int("max_failures", max_failures, 1)
    _check_int("parallel", parallel, 1)
    if seed is not None:
        _check_int("seed", seed, 0)
    _check_choice("kernel", kernel, KERNELS)
    _check_choice("acquisition_fn", acquisition_fn, ACQUISITIONS)
    if kernel_scale is not None:
        _check_positive("kernel_scale", kernel_scale)
    if executor is not None:
        _check_executor(executor, function)
    if timeout is not None:
        _check_positive("timeout", timeout)
        if function is not None:
            raise ArgumentError("timeout= needs binary=: a Python function cannot be stopped safely")
    _check_choice("on_change", on_change, dict.fromkeys(ON_CHANGE))
    if log_limit is not None:
        _check_int("log_limit", log_limit, 1024)
    _check_devices(tree, parallel)
    if noisy is not None and not isinstance(noisy, bool):
        raise ArgumentError(f"noisy={noisy!r}: give True (the objective is noisy), False (it is not) "
                            "or None (let the model judge)")
    if early_stopping is not None:
        if not isinstance(early_stopping, ASHA):
            raise ArgumentError(f"early_stopping must be asha(...) or None, got {early_stopping!r}")
        if len(objectives) > 1:
            raise ArgumentError("early_stopping needs a single objective: trials are stopped by one "
                                "reported metric, which several objectives do not give; leave "
                                "early_stopping out")
    command = None
    if binary is not None:
        sometimes = {name: tree.exists_when(name) for name in tree.names if name not in tree.always}
        command = parse_command(binary, frozenset(params), sometimes)
        _check_program(command.argv[0], workdir)
        _check_script(command.argv, workdir)
    warm = None if warm_start is None else check_warm_start(warm_start, Path(directory) / name, tree, objectives)
    return StudySpec(
        name=name, objective=objectives[0], params=tree, command=command, function=function,
        random_starts=random_starts, iterations=iterations, kernel=kernel,
        kernel_scale=None if kernel_scale is None else float(kernel_scale),
        acquisition_fn=acquisition_fn, optimizer_restarts=optimizer_restarts, seed=seed,
        cwd=workdir.absolute(), directory=Path(directory), max_failures=max_failures,
        timeout=None if timeout is None else float(timeout), parallel=parallel, executor=executor,
        on_change=on_change, early_stopping=early_stopping, log_limit=log_limit,
        initial=points, warm_start=warm, constraints=checked_constraints,
        objectives=objectives if len(objectives) > 1 else (), noisy=noisy,
    )


def _check_executor(executor: Any, function: Any) -> None:
    if not isinstance(executor, str) or not re.fullmatch(r"dask://[^\s/:]+:\d+", executor):
        raise ArgumentError(f"executor={executor!r}: give \"dask://HOST:PORT\" (a Dask scheduler), "
                            "or leave it out to run trials locally")
    if function is not None:
        raise ArgumentError("executor= needs binary=: a Python function runs in this process")


def _check_name(name: Any) -> None:
    if not isinstance(name, str) or not name.strip():
        raise ArgumentError(f"name must be a non-empty string, got {name!r}")
    if "/" in name or "\\" in name or name.startswith(".") or any(ord(c) < 32 for c in name):
        raise ArgumentError(
            f"name={name!r} is used as a folder name: no slashes, no leading dot, no control characters"
        )


def _check_int(label: str, value: Any, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentError(f"{label} must be a whole number, got {value!r}")
    if value < minimum:
        raise ArgumentError(f"{label} must be at least {minimum}, got {value!r}")


def _check_positive(label: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value <= 0:
        raise ArgumentError(f"{label} must be a positive number, got {value!r}")


def _check_choice(label: str, value: Any, choices: dict[str, Any]) -> None:
    if value not in choices:
        raise ArgumentError(f"{label}={value!r} is unknown; choose one of {', '.join(choices)}")


def _check_devices(tree: ParamsTree, parallel: int) -> None:
    for name, utility in tree.utilities:
        if isinstance(utility, DeviceId) and parallel > utility.count:
            raise ArgumentError(
                f"parallel={parallel} but params[{name!r}] is device_id({utility.count}): "
                f"at most {utility.count} trials can hold a device at once"
            )


_INTERPRETERS = re.compile(r"(python[\d.]*|pypy[\d.]*|bash|sh|zsh|dash|Rscript|node|julia|perl|ruby|lua)")
_VALUED_OPTIONS = ("-W", "-X")  # python options whose value is the next argument


def _check_script(argv: tuple[str, ...], workdir: Path) -> None:
    """ArgumentError when an interpreter's script file (`python3 train.py`) is not in `workdir`."""
    if not _INTERPRETERS.fullmatch(Path(argv[0]).name):
        return
    args = iter(argv[1:])
    for arg in args:
        if arg in ("-m", "-c", "-e"):
            return  # a module or inline code, not a file
        if arg in _VALUED_OPTIONS:
            next(args, None)
        elif not arg.startswith("-"):
            break
    else:
        return
    if "{" in arg or not Path(arg).suffix:
        return  # filled in per trial, or not obviously a file name
    path = Path(arg) if Path(arg).is_absolute() else workdir / arg
    if not path.exists():
        raise ArgumentError(f"binary: {argv[0]}'s script {arg!r} not found (looked in {workdir}, "
                            "the folder binary runs in; set cwd= or give its path)")


def _check_program(program: str, workdir: Path) -> None:
    """ArgumentError unless the command's program can be found (as the OS would look for it)."""
    if "{" in program:
        return  # filled in per trial
    if os.sep in program:
        path = Path(program) if Path(program).is_absolute() else workdir / program
        if not path.is_file():
            raise ArgumentError(f"binary: program {program!r} not found (looked in {workdir})")
        if not os.access(path, os.X_OK):
            raise ArgumentError(f"binary: program {program!r} is not executable (chmod +x it)")
    elif shutil.which(program) is None:
        raise ArgumentError(f"binary: program {program!r} not found on PATH")
