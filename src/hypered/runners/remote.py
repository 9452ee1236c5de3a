"""The part of a trial that runs on a Dask worker: the program, in a folder of the worker's.

When the study's trial folder is visible on the worker (a shared filesystem) the
program runs there; otherwise in a temporary folder, with the driver's paths in
the command and params rewritten to it, and the logs travel back in the Outcome.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from .base import Job, Outcome
from .local import LocalRunner, tail

LOG_BYTES = 64_000
_POLL = 0.5  # seconds between checks that the driver still wants the trial


def _relocate(value: Any, old: str, new: str) -> Any:
    """`value` with every occurrence of path `old` in its strings replaced by `new`."""
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {k: _relocate(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_relocate(v, old, new) for v in value]
    return value


def _local_job(job: Job, folder: Path) -> Job:
    old, new = str(job.experiment_dir), str(folder)
    return replace(
        job, params=_relocate(job.params, old, new), experiment_dir=folder,
        params_path=folder / job.params_path.name, results_path=folder / job.results_path.name,
        command=tuple(arg.replace(old, new) for arg in job.command),
        env={k: v.replace(old, new) for k, v in job.env.items()},
    )


def run_job(job: Job, cwd: str, cancel_event: str | None = None) -> Outcome:
    """Run `job` on this worker and report how it ended (called through Dask)."""
    from distributed import Event, get_worker

    worker = get_worker().address
    shared = job.experiment_dir.is_dir()
    with tempfile.TemporaryDirectory(prefix="hypered-") as scratch:
        local = job if shared else _local_job(job, Path(scratch))
        if not shared:
            local.params_path.write_text(json.dumps(local.params, indent=4))
        workdir = Path(cwd) if Path(cwd).is_dir() else local.experiment_dir
        cancel = Event(cancel_event) if cancel_event else None
        with LocalRunner(workdir) as runner:
            runner.submit(local)
            outcomes: list[Outcome] = []
            while not outcomes:
                outcomes = runner.wait(timeout=_POLL)
                if not outcomes and cancel is not None and cancel.is_set():
                    outcomes = runner.cancel()
        outcome = replace(outcomes[0], worker=worker)
        if not shared:
            logs = {name: tail(local.experiment_dir / name, LOG_BYTES)
                    for name in ("stdout.log", "stderr.log")}
            outcome = replace(outcome, logs=logs)
    return outcome


def worker_pid() -> int:
    """The pid of the worker process (tests use it to kill a worker mid-trial)."""
    return os.getpid()
