"""Runs each trial's program on a Dask cluster (`executor="dask://HOST:PORT"`).

The driver keeps the study store; workers receive the job, run the program
(see `remote.run_job`) and send back the results and the logs, so no shared
filesystem is needed. Dask reschedules the task of a worker lost mid-trial on
another worker (the lost worker's program dies with it); if that fails too, the
trial fails with the reason. Each attempt claims the trial in a Dask Variable
when it starts, and the driver accepts an Outcome only from the attempt that
claimed it last.

Reports travel from the workers through one Dask Queue per study: the driver
appends each attempt's lines to the trial's reports.jsonl on its own disk, where
the study reads them as it reads a local trial's (a later attempt's lines
follow the earlier one's; steps it repeats are skipped as for any program). To
stop a trial early, the driver sets the trial's Dask Event; the worker running it
stops its program.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

from ..errors import StudyError
from .base import Job, Outcome
from .remote import run_job


def dask_address(executor: str) -> str:
    """The scheduler address of an executor URL: dask://host:port -> tcp://host:port."""
    return "tcp://" + executor[len("dask://"):] if executor.startswith("dask://") else executor


class DaskRunner:
    """Submits jobs to the Dask scheduler at `address` (tcp://host:port)."""

    def __init__(self, address: str, cwd: Path, connect_timeout: float = 20.0) -> None:
        try:
            from distributed import Client, Event, Queue
        except ImportError:
            raise StudyError("running trials on Dask needs the dask extra: "
                             "pip install 'hypered[dask]'") from None
        try:
            self.client = Client(address, timeout=connect_timeout)
        except (OSError, TimeoutError) as err:
            raise StudyError(f"cannot reach the Dask scheduler at {address}: {err}") from None
        self.cwd = str(cwd)
        self._cancel_name = f"hypered-cancel-{uuid.uuid4().hex}"
        self._cancel = Event(self._cancel_name, client=self.client)
        self._reports = Queue(f"hypered-reports-{uuid.uuid4().hex}", client=self.client)
        self._futures: dict[int, Any] = {}
        self._started: dict[int, float] = {}
        self._attempts: dict[int, Any] = {}  # number -> the Variable its attempts claim
        self._stops: dict[int, Any] = {}  # number -> the Event that stops it early
        self._report_files: dict[int, ReportFile] = {}  # number -> where its reports go on this disk

    def __enter__(self) -> DaskRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()
        self._reports.close()
        self.client.close()

    def submit(self, job: Job) -> int | None:
        from distributed import Event, Variable

        key = f"hypered-trial-{job.number}-{uuid.uuid4().hex[:8]}"
        attempts = Variable(f"{key}-attempt", client=self.client)
        stop = Event(f"{key}-stop", client=self.client)
        future = self.client.submit(run_job, job, self.cwd, self._cancel_name, attempts.name,
                                    self._reports.name, stop.name, pure=False, key=key)
        self._futures[job.number] = future
        self._attempts[job.number] = attempts
        self._stops[job.number] = stop
        if job.report_path is not None:
            self._report_files[job.number] = ReportFile(job.report_path)
        self._started[job.number] = time.time()
        return None

    def wait(self, timeout: float | None = None) -> list[Outcome]:
        """Outcomes of the jobs that finished; first, the report lines that arrived go to their files."""
        from distributed import wait

        if not self._futures:
            return []
        try:
            wait(list(self._futures.values()), timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            pass
        done = [n for n, f in list(self._futures.items()) if f.done()]
        self._receive_reports()  # after `done`: a finished attempt sent its last lines before it returned
        return [self._collect(n) for n in done]

    def _receive_reports(self) -> None:
        for number, attempt, offset, data in self._reports.get(batch=True):
            file = self._report_files.get(number)
            if file is not None:
                file.append(attempt, offset, data)

    def _collect(self, number: int) -> Outcome:
        future = self._futures.pop(number)
        started = self._started.pop(number)
        attempts = self._attempts.pop(number)
        self._stops.pop(number).clear()  # an Event nobody waits for is dropped when cleared
        self._report_files.pop(number, None)
        try:
            outcome: Outcome = future.result()
            latest = attempts.get(timeout=10) if outcome.attempt is not None else None
        except Exception as err:  # the task itself failed on the cluster (e.g. KilledWorker)
            return Outcome(number, reason=f"lost on the Dask cluster: {type(err).__name__}: {err}",
                           started=started, finished=time.time())
        finally:
            attempts.delete()
        if latest != outcome.attempt:  # a superseded attempt: its results may be stale
            return Outcome(number, reason=f"lost on the Dask cluster: the outcome came from attempt "
                           f"{outcome.attempt} on {outcome.worker}, but attempt {latest} started later",
                           started=started, finished=time.time(), worker=outcome.worker)
        return outcome

    def stop(self, number: int) -> None:
        """Tell the worker running job `number` to stop it (SIGTERM, SIGKILL after a grace period)."""
        stop = self._stops.get(number)
        if stop is not None:
            stop.set()

    def cancel(self) -> list[Outcome]:
        if not self._futures:
            return []
        self._cancel.set()  # workers stop the running programs' process groups
        outcomes = [Outcome(n, reason="interrupted", interrupted=True, started=self._started.pop(n),
                            finished=time.time()) for n in self._futures]
        self.client.cancel(list(self._futures.values()))
        self._futures.clear()
        for attempts in self._attempts.values():
            attempts.delete()
        self._attempts.clear()
        for stop in self._stops.values():
            stop.clear()
        self._stops.clear()
        self._report_files.clear()
        return outcomes


class ReportFile:
    """A trial's reports.jsonl on the driver, fed the lines its attempts forward.

    Lines are kept from the latest attempt heard of: once a new attempt (Dask
    re-ran the task) sends, an older one's lines are ignored.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.attempt: str | None = None
        self.offset = 0  # bytes of the current attempt's file received so far
        self.superseded: set[str] = set()

    def append(self, attempt: str, offset: int, data: bytes) -> None:
        if attempt in self.superseded:
            return
        if attempt != self.attempt:
            if self.attempt is not None:
                self.superseded.add(self.attempt)
            self.attempt, self.offset = attempt, 0
        if offset != self.offset:  # a gap or a repeat: the Queue keeps order, so it cannot happen
            return
        with open(self.path, "ab") as f:
            f.write(data)
        self.offset += len(data)
