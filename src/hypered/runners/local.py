"""Runs each trial's program as a local process in its own process group."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from ..storage import ResultsError, read_results
from .base import Job, Outcome

_TAIL_BYTES = 4000
_KILL_GRACE = 5.0  # seconds between SIGTERM and SIGKILL
_TICK = 0.25  # longest sleep of `wait`, so timeouts are enforced on time


def tail(path: Path, limit: int = _TAIL_BYTES) -> str:
    """The last `limit` bytes of a text file ('' if absent)."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - limit))
            return f.read().decode(errors="replace")
    except OSError:
        return ""


@dataclass
class _Running:
    job: Job
    process: subprocess.Popen[bytes]
    started: float
    copiers: list[threading.Thread]
    timed_out: bool = False
    terminated_at: float = 0.0


def _reap(process: subprocess.Popen[bytes], number: int, exited: queue.Queue[int]) -> None:
    process.wait()
    exited.put(number)


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)
    except ProcessLookupError:
        pass


def _copy(source: IO[bytes], log: IO[bytes], echo: IO[bytes]) -> None:
    for chunk in iter(source.readline, b""):
        log.write(chunk)
        log.flush()
        echo.write(chunk)
        echo.flush()
    source.close()
    log.close()


class LocalRunner:
    """Runs programs as child processes; `cwd` is their working directory.

    Each child gets its own session (process group) so that Ctrl-C reaches
    hypered only, and stopping a trial stops everything the program spawned.
    """

    def __init__(self, cwd: Path, echo: bool = False) -> None:
        self.cwd = Path(cwd)
        self.echo = echo
        self._running: dict[int, _Running] = {}
        self._exited: queue.Queue[int] = queue.Queue()
        self._host = socket.gethostname()

    def __enter__(self) -> LocalRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()

    def submit(self, job: Job) -> int | None:
        out_path = job.experiment_dir / "stdout.log"
        err_path = job.experiment_dir / "stderr.log"
        env = {**os.environ, **job.env}
        copiers: list[threading.Thread] = []
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            pipe = subprocess.PIPE if self.echo else None
            process = subprocess.Popen(
                list(job.command), cwd=self.cwd, env=env, stdin=subprocess.DEVNULL,
                stdout=pipe or out, stderr=pipe or err, start_new_session=True,
            )
        if self.echo:
            assert process.stdout is not None and process.stderr is not None
            for source, path, echo in ((process.stdout, out_path, sys.stdout.buffer),
                                       (process.stderr, err_path, sys.stderr.buffer)):
                thread = threading.Thread(target=_copy, args=(source, open(path, "ab"), echo),
                                          daemon=True)
                thread.start()
                copiers.append(thread)
        self._running[job.number] = _Running(job, process, time.time(), copiers)
        threading.Thread(target=_reap, args=(process, job.number, self._exited), daemon=True).start()
        return process.pid

    def wait(self, timeout: float | None = None) -> list[Outcome]:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            self._enforce_timeouts()
            done = [self._finish(r) for r in list(self._running.values()) if r.process.poll() is not None]
            if done or not self._running:
                return done
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                return []
            wait_for = _TICK if deadline is None else min(_TICK, deadline - now)
            try:  # a reaper thread posts as soon as a process exits: no polling delay
                self._exited.get(timeout=wait_for)
            except queue.Empty:
                pass

    def _enforce_timeouts(self) -> None:
        """SIGTERM the process group of a trial past its timeout; SIGKILL it after a grace period."""
        now = time.time()
        for run in self._running.values():
            limit = run.job.timeout
            if limit is None or run.process.poll() is not None:
                continue
            if not run.timed_out and now - run.started > limit:
                run.timed_out = True
                run.terminated_at = now
                _signal_group(run.process.pid, signal.SIGTERM)
            elif run.timed_out and now - run.terminated_at > _KILL_GRACE:
                _signal_group(run.process.pid, signal.SIGKILL)

    def _finish(self, run: _Running) -> Outcome:
        del self._running[run.job.number]
        for thread in run.copiers:
            thread.join(timeout=5)
        code = run.process.returncode
        finished = time.time()
        base = Outcome(number=run.job.number, started=run.started, finished=finished,
                       pid=run.process.pid, host=self._host,
                       stderr_tail=tail(run.job.experiment_dir / "stderr.log"))
        if run.timed_out:
            _signal_group(run.process.pid, signal.SIGKILL)  # anything it left behind
            return replace(base, reason=f"timeout: still running after {run.job.timeout:g} s")
        if code != 0:
            return replace(base, reason=_exit_reason(code, base.stderr_tail))
        try:
            return replace(base, results=read_results(run.job.results_path))
        except ResultsError as err:
            return replace(base, reason=str(err))

    def cancel(self) -> list[Outcome]:
        """SIGTERM every running program's group, SIGKILL what is left after a grace period."""
        runs = list(self._running.values())
        self._running.clear()
        for run in runs:
            _signal_group(run.process.pid, signal.SIGTERM)
        grace_ends = time.monotonic() + _KILL_GRACE
        outcomes = []
        for run in runs:
            try:
                run.process.wait(timeout=max(grace_ends - time.monotonic(), 0.0))
            except subprocess.TimeoutExpired:
                pass
            _signal_group(run.process.pid, signal.SIGKILL)  # stragglers, even if the leader exited
            run.process.wait()
            outcomes.append(Outcome(number=run.job.number, reason="interrupted", interrupted=True,
                                    started=run.started, finished=time.time(),
                                    pid=run.process.pid, host=self._host))
        return outcomes

def stop_orphan(pid: int, started: float) -> bool:
    """Kill the process group of a trial left running by a driver that died; whether it did.

    Only a process that began within a few seconds of `started` is ours: a pid
    may have been reused since. Needs Linux's /proc; elsewhere does nothing.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = next(float(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime"))
    except (OSError, StopIteration, ValueError):
        return False
    ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22: start time since boot
    began = boot + ticks / os.sysconf("SC_CLK_TCK")
    try:
        if abs(began - started) > 5.0 or os.getpgid(pid) != pid:
            return False
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    return True


def _exit_reason(code: int, stderr_tail: str) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        reason = f"killed by {name}"
    else:
        reason = f"exited with code {code}"
    last = [line for line in stderr_tail.splitlines() if line.strip()]
    return f"{reason}: {last[-1].strip()[:300]}" if last else reason
