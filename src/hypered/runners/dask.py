"""Runs each trial's program on a Dask cluster (`executor="dask://HOST:PORT"`).

The driver keeps the study store; workers receive the job, run the program
(see `remote.run_job`) and send back the results and the logs, so no shared
filesystem is needed. Dask reschedules the task of a worker lost mid-trial on
another worker (the lost worker's program dies with it); if that fails too, the
trial fails with the reason. Each attempt claims the trial in a Dask Variable
when it starts, and the driver accepts an Outcome only from the attempt that
claimed it last.
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
            from distributed import Client, Event
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
        self._futures: dict[int, Any] = {}
        self._started: dict[int, float] = {}
        self._attempts: dict[int, Any] = {}  # number -> the Variable its attempts claim

    def __enter__(self) -> DaskRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()
        self.client.close()

    def submit(self, job: Job) -> int | None:
        from distributed import Variable

        key = f"hypered-trial-{job.number}-{uuid.uuid4().hex[:8]}"
        attempts = Variable(f"{key}-attempt", client=self.client)
        future = self.client.submit(run_job, job, self.cwd, self._cancel_name, attempts.name,
                                    pure=False, key=key)
        self._futures[job.number] = future
        self._attempts[job.number] = attempts
        self._started[job.number] = time.time()
        return None

    def wait(self, timeout: float | None = None) -> list[Outcome]:
        from distributed import wait

        if not self._futures:
            return []
        try:
            wait(list(self._futures.values()), timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            return []
        return [self._collect(n) for n, f in list(self._futures.items()) if f.done()]

    def _collect(self, number: int) -> Outcome:
        future = self._futures.pop(number)
        started = self._started.pop(number)
        attempts = self._attempts.pop(number)
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
        """Not offered on Dask yet: `make_spec` refuses early stopping with an executor."""
        raise StudyError("early stopping is not available with executor= (Dask) yet")

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
        return outcomes
