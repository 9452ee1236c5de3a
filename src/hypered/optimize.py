"""The `optimize` entry point: validate arguments into a StudySpec, then run the study."""

from __future__ import annotations

import logging
import math
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .bayesopt import ACQUISITIONS, DEFAULT_KERNEL, KERNELS
from .errors import ArgumentError
from .objective import Objective
from .runners.command import parse_command
from .space import DeviceId, ParamsTree, parse_params
from .study import LogReporter, StudySpec, best_summary, run_study
from .study.identity import ON_CHANGE

DEFAULT_LOG_LIMIT = 1_048_576  # bytes of each of a trial's stdout and stderr


def optimize(
    name: str,
    objective: Objective,
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
    log_limit: int | None = DEFAULT_LOG_LIMIT,
) -> dict[str, Any] | None:
    """Tune `params` with Bayesian optimization; the best trial.

    Args:
        name: The study's name, also its folder under `directory`.
        objective: `minimize("loss")` or `maximize("acc")`; dotted names reach nested results.
        params: Nested dict whose leaves are variables (`real`, `integer`, `categorical`),
            fixed JSON values, or utilities (`experiment_dir()`, `device_id(n)`, ...).
        binary: Command run for each trial; `{params_path}`, `{results_path}`,
            `{experiment_dir}` and top-level parameter names are substituted.
        function: Instead of `binary`, a Python function `f(params) -> results dict`
            (or a number, taken as the objective's value).
        random_starts: Trials drawn from a Sobol design before the Gaussian process takes over.
        iterations: Complete trials to reach in total, random starts included.
        kernel: Gaussian process kernel: one of "Matern52" (alias "Matern"), "Matern32", "RBF".
        kernel_scale: Fixes every lengthscale (unit-cube units) to this value; None fits them.
        acquisition_fn: "EI", "UCB" or "PI".
        optimizer_restarts: Local searches started when maximizing the acquisition function.
        seed: Makes the sequence of trials reproducible; None picks one and keeps it in study.db.
        cwd: Working directory of `binary` (default: the current one).
        directory: Folder that holds the study folders.
        max_failures: Stop after this many trials fail in a row.
        timeout: Seconds a trial's program may run before it is stopped and failed.
        parallel: How many trials run at once; the optimizer proposes a new one as soon as
            a slot frees, keeping away from the trials still running.
        executor: Where `binary` runs: None for local processes, or "dask://HOST:PORT" for
            the workers of a Dask cluster (`pip install 'hypered[dask]'`).
        on_change: What a rerun does when the study stored under `name` was defined otherwise
            (another space, objective, fixed value, command or function): "refuse" (raise
            StudyError listing the differences), "restart" (move the old study aside and start
            afresh) or "continue" (keep its trials and go on with this definition).
        log_limit: Bytes kept of each trial's stdout and of its stderr (the head and the tail,
            with a marker where output was cut); None keeps everything.

    Returns:
        `{"params", "results", "value", "experiment_dir", "trial", "objective"}` of the best
        trial (also written to `<directory>/<name>/best.json`), or None if no trial completed.

    Raises:
        SpaceError, ArgumentError: an invalid argument (both are ValueErrors).
        StudyError: the study cannot run (locked by another process, too many failures, ...).
    """
    spec = make_spec(
        name=name, objective=objective, params=params, binary=binary, function=function,
        random_starts=random_starts, iterations=iterations, kernel=kernel,
        kernel_scale=kernel_scale, acquisition_fn=acquisition_fn,
        optimizer_restarts=optimizer_restarts, seed=seed, cwd=cwd, directory=directory,
        max_failures=max_failures, timeout=timeout, parallel=parallel, executor=executor,
        on_change=on_change, log_limit=log_limit,
    )
    show_log()
    best = run_study(spec, LogReporter())
    return None if best is None else best_summary(spec, best)


def make_spec(
    *,
    name: str,
    objective: Objective,
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
    log_limit: int | None = DEFAULT_LOG_LIMIT,
) -> StudySpec:
    """Check every argument of `optimize`; a StudySpec, or ArgumentError/SpaceError saying what is wrong."""
    _check_name(name)
    if not isinstance(objective, Objective):
        raise ArgumentError(f"objective must be minimize(\"metric\") or maximize(\"metric\"), got {objective!r}")
    tree = parse_params(params)
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
    command = None
    if binary is not None:
        command = parse_command(binary, frozenset(params))
        _check_program(command.argv[0], workdir)
        _check_script(command.argv, workdir)
    return StudySpec(
        name=name, objective=objective, params=tree, command=command, function=function,
        random_starts=random_starts, iterations=iterations, kernel=kernel,
        kernel_scale=None if kernel_scale is None else float(kernel_scale),
        acquisition_fn=acquisition_fn, optimizer_restarts=optimizer_restarts, seed=seed,
        cwd=workdir.absolute(), directory=Path(directory), max_failures=max_failures,
        timeout=None if timeout is None else float(timeout), parallel=parallel, executor=executor,
        on_change=on_change, log_limit=log_limit,
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


def show_log() -> None:
    """Make the `hypered` logger's progress lines visible when the program has not set up logging.

    Done at each `optimize` call, not at import; a logger or root handler the user
    configured wins. Silence it with `logging.getLogger("hypered").setLevel(logging.WARNING)`.
    """
    logger = logging.getLogger("hypered")
    if logger.handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("hypered: %(message)s"))
    logger.addHandler(handler)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)


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
