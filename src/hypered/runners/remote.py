"""The part of a trial that runs on a Dask worker: one attempt of the program, in a folder of its own.

Dask runs a task again elsewhere when its worker is lost, so a trial may have
several attempts. Each attempt gets its own folder, so no two ever share a
params, results or log file: `<trial folder>/attempt-N` when the study's trial
folder is visible on the worker (a shared filesystem), else a temporary folder.
The driver's paths in the command, the params and the environment are rewritten
to that folder. The program runs under a watchdog (`LocalRunner(supervise=True)`)
that kills it as soon as the worker dies, so the attempt of a lost worker does
not live on beside the next one. The results and the (capped) logs travel back
in the Outcome, and the driver writes them into the trial folder.

While the program runs, the lines it appends to its reports.jsonl are sent to the
driver through a Dask Queue (`ReportForwarder`), and a Dask Event per trial tells
the attempt to stop early: its program's process group gets SIGTERM, then
SIGKILL after the grace period, as on the driver's own machine.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from dataclasses import replace
from itertools import count
from pathlib import Path
from typing import Any

from ..storage.files import write_json
from ..storage.layout import STDERR_FILE, STDOUT_FILE
from .base import Job, Outcome
from .local import LocalRunner

LOG_FILES = (STDOUT_FILE, STDERR_FILE)
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
        report_path=None if job.report_path is None else Path(str(job.report_path).replace(old, new)),
        command=tuple(arg.replace(old, new) for arg in job.command),
        env={k: v.replace(old, new) for k, v in job.env.items()},
    )


def attempt_folder(trial_folder: Path) -> Path:
    """A new folder `attempt-N` in `trial_folder`, N the first number not taken (mkdir is atomic)."""
    for n in count(1):
        folder = trial_folder / f"attempt-{n}"
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue
    raise AssertionError("unreachable")


class ReportForwarder:
    """Sends the whole lines appended to a report file since the last `send` to a Dask Queue.

    Each message is `(number, attempt, offset, data)`: the trial, the attempt that
    wrote the lines, where in the attempt's file `data` (bytes) starts, and the lines.
    """

    def __init__(self, path: Path | None, queue: Any, number: int, attempt: str) -> None:
        self.path = path
        self.queue = queue
        self.number = number
        self.attempt = attempt
        self.offset = 0

    def send(self) -> None:
        if self.path is None:
            return
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except OSError:
            return
        end = data.rfind(b"\n") + 1  # a last line without its newline is still being written
        if end:
            self.queue.put((self.number, self.attempt, self.offset, data[:end]))
            self.offset += end


def run_job(job: Job, cwd: str, cancel_event: str | None = None, attempt_variable: str | None = None,
            reports_queue: str | None = None, stop_event: str | None = None) -> Outcome:
    """Run one attempt of `job` on this worker and report how it ended (called through Dask).

    `attempt_variable` names a Dask Variable this attempt claims at its start,
    so the driver can tell whether the Outcome it receives is the latest attempt's.
    `reports_queue` names the Dask Queue that carries the program's report lines
    to the driver; setting the Dask Event `stop_event` stops the program early.
    """
    from distributed import Event, Queue, Variable, get_worker

    worker = get_worker().address
    shared = job.experiment_dir.is_dir()
    with (contextlib.nullcontext(None) if shared else tempfile.TemporaryDirectory(prefix="hypered-")) as scratch:
        folder = attempt_folder(job.experiment_dir) if scratch is None else Path(scratch)
        attempt = f"{folder.name}-{uuid.uuid4().hex[:8]}"  # e.g. attempt-2-1f0c9a3e
        if attempt_variable:
            Variable(attempt_variable).set(attempt)
        local = _local_job(job, folder)
        write_json(local.params_path, local.params)
        workdir = Path(cwd) if Path(cwd).is_dir() else local.experiment_dir
        cancel = Event(cancel_event) if cancel_event else None
        stop = Event(stop_event) if stop_event else None
        queue = Queue(reports_queue) if reports_queue else None
        forwarder = ReportForwarder(local.report_path if queue else None, queue, job.number, attempt)
        with LocalRunner(workdir, supervise=True) as runner:
            runner.submit(local)
            outcomes: list[Outcome] = []
            while not outcomes:
                outcomes = runner.wait(timeout=_POLL)
                forwarder.send()  # the last lines too: sent before the Outcome, so they arrive first
                if outcomes:
                    break
                if cancel is not None and cancel.is_set():
                    outcomes = runner.cancel()
                elif stop is not None and stop.is_set():
                    runner.stop(job.number)  # SIGTERM now; `wait` sends SIGKILL after the grace period
        if queue is not None:
            queue.close()
        logs = {name: _read(folder / name) for name in LOG_FILES}  # already capped at job.log_limit
    return replace(outcomes[0], worker=worker, logs=logs, attempt=attempt)


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode(errors="replace")
    except FileNotFoundError:
        return ""


def worker_pid() -> int:
    """The pid of the worker process (tests use it to kill a worker mid-trial)."""
    return os.getpid()
