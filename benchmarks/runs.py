"""What each benchmark script does around its runs: one thread, the grid of runs, the results file.

A script runs every (seed, task, optimizer) its results file does not hold yet, seeds outermost
so that a run cut short leaves whole seeds, and appends each run as a JSON line as soon as it
ends, so a rerun picks up where the last one stopped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from threadpoolctl import threadpool_limits


def one_thread(torch: bool = False) -> None:
    """One BLAS thread (and, with `torch`, one torch thread for Optuna's GPSampler), as hypered's
    suggestions use; hypered's progress log quiet. Optimizers compared side by side get the same."""
    logging.getLogger("hypered").setLevel(logging.WARNING)
    threadpool_limits(1)
    if torch:
        try:
            import torch as torch_module
        except ImportError:
            return
        torch_module.set_num_threads(1)


def read_runs(path: Path) -> list[dict[str, Any]]:
    """The runs recorded in a results file, in order ([] when there is none yet)."""
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def append_run(path: Path, run: dict[str, Any]) -> None:
    """Record one finished run at the end of the results file."""
    path.parent.mkdir(exist_ok=True)
    with path.open("a") as f:
        f.write(json.dumps(run) + "\n")


def current(runs: list[dict[str, Any]], variants: dict[str, str]) -> list[dict[str, Any]]:
    """The runs made by each optimizer's current variant (peers.VARIANTS; a run without a
    "variant" is of variant ""): an older variant's runs stay in the file, left out and redone."""
    return [r for r in runs if r.get("variant", "") == variants.get(r["optimizer"], "")]


def missing(seeds: Iterable[int], tasks: list[str], optimizers: list[str],
            done: set[tuple[str, str, int]]) -> Iterator[tuple[int, str, str]]:
    """(seed, task, optimizer) of every run to do, seeds outermost, skipping the `done` ones
    (given as (task, optimizer, seed))."""
    for seed in seeds:
        for task in tasks:
            for optimizer in optimizers:
                if (task, optimizer, seed) not in done:
                    yield seed, task, optimizer
