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

from ..storage.files import ResultsError, read_results
from ..storage.layout import STDERR_FILE, STDOUT_FILE
from .base import Job, Outcome
from .logs import CappedLog, Echo, LogCopier

_TAIL_BYTES = 4000
_KILL_GRACE = 5.0  # seconds between SIGTERM and SIGKILL
_TICK = 0.25  # longest sleep of `wait`, so timeouts are enforced on time
_WATCHDOG = Path(__file__).with_name("watchdog.py")


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
    logs: LogCopier
    lifeline: int | None  # write end of the watchdog's pipe: closing it kills the program
    timed_out: bool = False
    stopped: bool = False  # by `stop`: early stopping judged it hopeless
    terminated_at: float = 0.0

    def release(self) -> None:
        """Finish the logs (after the program exited); let the watchdog go."""
        self.logs.stop()
        if self.lifeline is not None:
            os.close(self.lifeline)
            self.lifeline = None


def _reap(process: subprocess.Popen[bytes], number: int, exited: queue.Queue[int]) -> None:
    process.wait()
    exited.put(number)


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)
    except ProcessLookupError:
        pass


class LocalRunner:
    """Runs programs as child processes; `cwd` is their working directory.

    Each child gets its own session (process group) so that Ctrl-C reaches
    hypered only, and stopping a trial stops everything the program spawned.
    Its stdout and stderr go through pipes into stdout.log and stderr.log in the
    trial folder, capped at `Job.log_limit` bytes each (see `logs`), and to this
    process's own stdout and stderr too when `echo`. With `supervise`, each
    program runs under a watchdog that kills its process group as soon as this
    process dies (so a lost Dask worker leaves no program behind).
    """

    def __init__(self, cwd: Path, echo: bool = False, supervise: bool = False) -> None:
        self.cwd = Path(cwd)
        self.echo = echo
        self.supervise = supervise
        self._echoes: tuple[Echo, Echo] | None = None
        self._running: dict[int, _Running] = {}
        self._exited: queue.Queue[int] = queue.Queue()
        self._host = socket.gethostname()

    def __enter__(self) -> LocalRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()
        for echo in self._echoes or ():
            echo.close()

    def submit(self, job: Job) -> int | None:
        out = CappedLog(job.experiment_dir / STDOUT_FILE, job.log_limit)
        err = CappedLog(job.experiment_dir / STDERR_FILE, job.log_limit)
        command, lifeline = list(job.command), None
        pass_fds: tuple[int, ...] = ()
        if self.supervise:  # the watchdog holds the pipe's read end, we its write end
            read_end, lifeline = os.pipe()
            command = [sys.executable, "-I", "-S", str(_WATCHDOG), str(read_end), str(os.getpid()), "--", *command]
            pass_fds = (read_end,)
        try:
            process = subprocess.Popen(
                command, cwd=self.cwd, env={**os.environ, **job.env}, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, pass_fds=pass_fds,
            )
        except BaseException:
            out.close()
            err.close()
            if lifeline is not None:
                os.close(lifeline)
            raise
        finally:
            for fd in pass_fds:
                os.close(fd)
        assert process.stdout is not None and process.stderr is not None
        echo_out, echo_err = self._echo_targets()
        copier = LogCopier([(process.stdout, out, echo_out), (process.stderr, err, echo_err)])
        self._running[job.number] = _Running(job, process, time.time(), copier, lifeline)
        threading.Thread(target=_reap, args=(process, job.number, self._exited), daemon=True).start()
        return process.pid

    def _echo_targets(self) -> tuple[Echo | None, Echo | None]:
        if not self.echo:
            return None, None
        if self._echoes is None:
            self._echoes = Echo(sys.stdout.buffer), Echo(sys.stderr.buffer)
        return self._echoes

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
        for run in self._running.values():
            if (run.timed_out or run.stopped) and now - run.terminated_at > _KILL_GRACE \
                    and run.process.poll() is None:
                _signal_group(run.process.pid, signal.SIGKILL)

    def stop(self, number: int) -> None:
        """SIGTERM the process group of running job `number`; SIGKILL it after a grace period."""
        run = self._running.get(number)
        if run is None or run.stopped or run.process.poll() is not None:
            return
        run.stopped = True
        run.terminated_at = time.time()
        _signal_group(run.process.pid, signal.SIGTERM)

    def _finish(self, run: _Running) -> Outcome:
        del self._running[run.job.number]
        run.release()
        code = run.process.returncode
        finished = time.time()
        base = Outcome(number=run.job.number, started=run.started, finished=finished,
                       pid=run.process.pid, host=self._host,
                       stderr_tail=tail(run.job.experiment_dir / STDERR_FILE))
        if run.timed_out or run.stopped:
            _signal_group(run.process.pid, signal.SIGKILL)  # anything it left behind
        if run.timed_out:
            return replace(base, reason=f"timeout: still running after {run.job.timeout:g} s")
        if run.stopped and code != 0:
            return replace(base, reason="stopped early")
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
            run.release()
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
