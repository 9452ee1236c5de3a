"""Runs trials as calls of a Python function in this process (`optimize(function=...)`)."""

from __future__ import annotations

import os
import socket
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .base import Job, Outcome


class FunctionRunner:
    """Calls `function(params)` for each job, one at a time, when `wait` is called.

    The function returns its results: a dict of metrics, or a bare number
    (then taken as the objective's value under `objective_name`).
    """

    def __init__(self, function: Callable[[dict[str, Any]], Any], objective_name: str) -> None:
        self.function = function
        self.objective_name = objective_name
        self._queue: list[Job] = []

    def __enter__(self) -> FunctionRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self._queue.clear()

    def submit(self, job: Job) -> int | None:
        self._queue.append(job)
        return None

    def wait(self, timeout: float | None = None) -> list[Outcome]:
        if not self._queue:
            return []
        job = self._queue[0]
        base = Outcome(number=job.number, started=time.time(), pid=os.getpid(),
                       host=socket.gethostname())
        try:
            results = self.function(job.params)
        except Exception as err:  # the user's function failed: record why, go on
            last = traceback.format_exception_only(type(err), err)[-1].strip()
            return self._done(replace(base, reason=f"raised {last}", finished=time.time(),
                                      stderr_tail=traceback.format_exc()[-4000:]))
        if isinstance(results, (int, float)) and not isinstance(results, bool):
            results = _nest(self.objective_name, results)
        return self._done(replace(base, results=results, finished=time.time()))

    def _done(self, outcome: Outcome) -> list[Outcome]:
        self._queue.pop(0)
        return [outcome]

    def cancel(self) -> list[Outcome]:
        outcomes = [Outcome(number=job.number, reason="interrupted", interrupted=True)
                    for job in self._queue]
        self._queue.clear()
        return outcomes


def _nest(dotted_name: str, value: Any) -> dict[str, Any]:
    """{"a": {"b": value}} for "a.b"."""
    out: dict[str, Any] = {}
    node = out
    *parents, leaf = dotted_name.split(".")
    for key in parents:
        node = node.setdefault(key, {})
    node[leaf] = value
    return out
