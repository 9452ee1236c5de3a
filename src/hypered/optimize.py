"""The `optimize` entry point: validate arguments into a StudySpec (study.spec), then run the study."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .bayesopt import DEFAULT_KERNEL
from .constraints import Constraint
from .early_stopping import ASHA
from .objective import Objective
from .runners import DEFAULT_LOG_LIMIT
from .study import LogReporter, run_study
from .study.spec import make_spec


def optimize(
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
) -> dict[str, Any] | None:
    """Tune `params` with Bayesian optimization; the best trial.

    Args:
        name: The study's name, also its folder under `directory`.
        objective: `minimize("loss")` or `maximize("acc")`; dotted names reach nested results.
            A list of two or more, `[minimize("val.loss"), minimize("latency_ms")]`, makes a
            study of several objectives: it searches for their Pareto set (each suggestion
            minimizes a random Chebyshev scalarization of them all, ParEGO), and returns it.
        params: Nested dict whose leaves are variables (`real`, `integer`, `categorical`),
            fixed JSON values, or utilities (`experiment_dir()`, `device_id(n)`, ...).
        binary: Command run for each trial; `{params_path}`, `{results_path}`,
            `{experiment_dir}` and top-level parameter names are substituted.
        function: Instead of `binary`, a Python function `f(params) -> results dict`
            (or a number, taken as the objective's value).
        random_starts: Trials drawn from a Sobol design before the Gaussian process takes over
            (after the `initial` points, which do not reduce them; each `warm_start` trial does).
            Later, after every 8 complete or failed trials in a row without a new best (better
            by 1% of the gap between the median value and the best), one more.
        iterations: Complete trials to reach in total, random starts and the last tenth's
            repeats (see `noisy`) included.
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
        early_stopping: `asha(min_step, max_step, reduction)` stops trials whose reports
            (`hypered.report`, or lines appended to HYPERED_REPORT_PATH) fall behind the others
            at the same step; None lets every trial run to its end.
        log_limit: Bytes kept of each trial's stdout and of its stderr (the head and the tail,
            with a marker where output was cut); None keeps everything.
        initial: Starting points, run first and in order, before the random starts: a list of
            dicts giving every searched parameter a value (by dotted name, or nested as in
            `params`), e.g. `[{"lr": 1e-3, "layers": 2}]`. Each is checked against the space
            before anything runs; one that a trial of the study already has is not run again.
        warm_start: The folder of an earlier study with the same search space and objective
            (e.g. "experiments/old_study"): its complete trials feed the Gaussian process from
            the first suggestion, and each one replaces one random start. They are read, not
            copied: this study's trials and best are its own.
        constraints: Bounds other metrics of the results must keep, e.g.
            `[at_most("memory_gb", 16), at_least("val.acc", 0.9)]` (dotted names as for the
            objective). A complete trial that breaks one is kept as infeasible, with the reason
            ("infeasible: memory_gb = 18.2 > 16"); one whose results lack a constrained metric
            fails. The optimizer models each constrained metric with its own GP and weights its
            acquisition by the probability that all hold. The best trial is the best feasible
            one; while none is, the least infeasible one, marked `"feasible": false`.
        noisy: Whether the objective is noisy, for the recommendation when the run ends: True
            recommends the trial with the best posterior mean (and the last tenth of the budget
            re-runs the best candidate), False the best observed one. None (the default) lets the
            model judge from the fitted noise; when it calls the objective noisy, the first trial
            of the last tenth repeats the best trial's values, and the two values decide (the rest
            re-run the best candidate if they differ).

    Returns:
        `{"params", "results", "value", "experiment_dir", "trial", "objective", "recommended_by",
        "posterior_mean", "noise_std", "best_observed"}` of the recommended trial (also written to
        `<directory>/<name>/best.json`), or None if no trial completed.
        With `constraints`, also `"feasible"` and `"violations"` (the broken bounds, if any).
        With several objectives, the Pareto set among the feasible trials instead:
        `{"objectives": ["minimize('val.loss')", ...], "pareto": [{"trial", "values",
        "params", "results", "experiment_dir"}, ...]}`, "values" mapping each objective's
        metric to the trial's value, by trial number; with `constraints`, also `"feasible"`
        (false, with an empty "pareto", while no trial keeps them all) and `"constraints"`.

    Raises:
        SpaceError, ArgumentError: an invalid argument (both are ValueErrors).
        StudyError: the study cannot run (locked by another process, too many failures, a
            warm_start study that no longer fits, ...).
    """
    spec = make_spec(
        name=name, objective=objective, params=params, binary=binary, function=function,
        random_starts=random_starts, iterations=iterations, kernel=kernel,
        kernel_scale=kernel_scale, acquisition_fn=acquisition_fn,
        optimizer_restarts=optimizer_restarts, seed=seed, cwd=cwd, directory=directory,
        max_failures=max_failures, timeout=timeout, parallel=parallel, executor=executor,
        on_change=on_change, early_stopping=early_stopping, log_limit=log_limit,
        initial=initial, warm_start=warm_start, constraints=constraints, noisy=noisy,
    )
    show_log()
    answer = run_study(spec, LogReporter())
    return None if answer is None else answer.summary(spec)


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
