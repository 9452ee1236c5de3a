"""Runs trials as calls of a Python function in this process (`optimize(function=...)`)."""

from __future__ import annotations

import functools
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import replace
from typing import Any

from ..reporting import TrialPruned, in_process_trial
from .base import Job, Outcome


class FunctionRunner:
    """Calls `function(params)` for each job.

    With one worker the call happens in the calling thread, inside `wait` (so
    Ctrl-C reaches the function); with more, in a pool of threads — suited to
    functions that release the GIL (training on a GPU, calling out to programs).
    A running call cannot be stopped: `cancel` reports it interrupted and lets it
    finish. The function returns its results: a dict of metrics, or a bare
    number (then taken as the objective's value under `objective_name`).

    `hypered.report` calls inside the function write to the job's report file and
    ask `judge(number, step, metrics)` whether to go on; a reason to stop makes
    `report` raise TrialPruned, which ends the call with that reason.
    """

    def __init__(self, function: Callable[[dict[str, Any]], Any], objective_name: str,
                 workers: int = 1, judge: Callable[[int, int, dict[str, Any]], str | None] | None = None) -> None:
        self.function = function
        self.objective_name = objective_name
        self.judge = judge
        self._queue: list[Job] = []
        self._pool = ThreadPoolExecutor(workers, "hypered-trial") if workers > 1 else None
        self._futures: dict[int, Future[Outcome]] = {}

    def __enter__(self) -> FunctionRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def submit(self, job: Job) -> int | None:
        if self._pool is None:
            self._queue.append(job)
        else:
            self._futures[job.number] = self._pool.submit(self._call, job)
        return None

    def wait(self, timeout: float | None = None) -> list[Outcome]:
        if self._pool is None:
            return [self._call(self._queue.pop(0))] if self._queue else []
        if not self._futures:
            return []
        wait(list(self._futures.values()), timeout=timeout, return_when=FIRST_COMPLETED)
        done = [n for n, f in self._futures.items() if f.done()]
        return [self._futures.pop(n).result() for n in done]

    def _call(self, job: Job) -> Outcome:
        thread = threading.current_thread().name if self._pool is not None else None
        base = Outcome(number=job.number, started=time.time(), pid=os.getpid(),
                       host=socket.gethostname(), worker=thread)
        judge = None if self.judge is None else functools.partial(self.judge, job.number)
        try:
            with in_process_trial(str(job.report_path) if job.report_path else "", judge):
                results = self.function(job.params)
        except TrialPruned as err:
            return replace(base, reason=str(err), finished=time.time())
        except Exception as err:  # the user's function failed: record why, go on
            last = traceback.format_exception_only(type(err), err)[-1].strip()
            return replace(base, reason=f"raised {last}", finished=time.time(),
                           stderr_tail=traceback.format_exc()[-4000:])
        if isinstance(results, (int, float)) and not isinstance(results, bool):
            results = _nest(self.objective_name, results)
        return replace(base, results=results, finished=time.time())

    def stop(self, number: int) -> None:
        """Nothing to do: a function stops at its next `report`, which asks the judge itself."""

    def cancel(self) -> list[Outcome]:
        numbers = [job.number for job in self._queue] + list(self._futures)
        for future in self._futures.values():
            future.cancel()
        self._queue.clear()
        self._futures.clear()
        return [Outcome(number=n, reason="interrupted", interrupted=True) for n in numbers]


def _nest(dotted_name: str, value: Any) -> dict[str, Any]:
    """{"a": {"b": value}} for "a.b"."""
    out: dict[str, Any] = {}
    node = out
    *parents, leaf = dotted_name.split(".")
    for key in parents:
        node = node.setdefault(key, {})
    node[leaf] = value
    return out
