"""The one protocol every runner speaks: submit jobs, collect what finished, cancel, close."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .logs import DEFAULT_LOG_LIMIT


@dataclass(frozen=True)
class Job:
    """One trial to run: where its files go and what to execute."""

    number: int
    params: dict[str, Any]  # the full nested params (also in params.json)
    experiment_dir: Path
    params_path: Path
    results_path: Path
    command: tuple[str, ...] = ()  # argv for a program; empty for an in-process function
    env: Mapping[str, str] = field(default_factory=dict)  # added to the inherited environment
    timeout: float | None = None  # seconds
    report_path: Path | None = None  # where the program appends its step-by-step reports
    log_limit: int | None = DEFAULT_LOG_LIMIT  # bytes kept of each of stdout.log, stderr.log; None: all


@dataclass(frozen=True)
class Outcome:
    """How a job ended: `results` when it reported them, else `reason` says why not."""

    number: int
    results: Any = None
    reason: str | None = None
    interrupted: bool = False
    started: float | None = None
    finished: float | None = None
    pid: int | None = None
    host: str | None = None
    worker: str | None = None
    stderr_tail: str = ""
    logs: Mapping[str, str] | None = None  # file name -> text, when the program ran elsewhere
    attempt: str | None = None  # which run of the job this is, when a cluster may run it more than once


class Runner(Protocol):
    """Runs jobs somewhere. Use as a context manager; `close` stops what still runs."""

    def submit(self, job: Job) -> int | None:
        """Start `job` (may return before it finishes); the pid of its process, if local."""

    def wait(self, timeout: float | None = None) -> list[Outcome]:
        """Block until at least one job finished or `timeout` passed; return the finished ones."""

    def stop(self, number: int) -> None:
        """Stop running job `number` early; its outcome comes through `wait` as usual."""

    def cancel(self) -> list[Outcome]:
        """Stop every running job; return them as interrupted outcomes."""

    def __enter__(self) -> Runner: ...

    def __exit__(self, *exc: object) -> None: ...
