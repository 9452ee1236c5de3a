"""A trial's stdout.log and stderr.log: its output copied from pipes, capped at `log_limit` bytes.

A stream longer than the limit keeps its head (the first half of the limit) and
its tail (the second half), with one marker line between them that says how many
bytes were cut. The file stays bounded while the program runs: past the head,
output is appended live and, whenever more than a whole tail has piled up, the
file is cut back to the head, the marker and the latest tail (so it never holds
more than 1.5 times the limit).
"""

from __future__ import annotations

import collections
import fcntl
import os
import select
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

DEFAULT_LOG_LIMIT = 1_048_576  # bytes per stream
_READ = 1 << 20  # bytes per read: as much as the pipe holds
_PIPE_SIZE = 1 << 20  # Linux lets a pipe hold this much (fs.pipe-max-size): fewer stalls of the program
_LINE_MAX = 1 << 16  # echo a line this long even before its newline arrives
_ATOMIC_WRITE = 4096  # the largest write a buffered stream takes whole (io.DEFAULT_BUFFER_SIZE is 8192)
_TICK = 0.25  # seconds between checks whether the copier should stop
_DRAIN = 1.0  # seconds at most to copy what is left once the program exited


class CappedLog:
    """A log file that keeps at most `limit` bytes of a stream: its head, a marker, its tail."""

    def __init__(self, path: Path, limit: int | None) -> None:
        if limit is not None and limit < 2:
            raise ValueError(f"log_limit must be at least 2 bytes (or None for no cap), got {limit}")
        self.path = path
        self.limit = limit
        self.total = 0  # bytes of the stream so far
        self.cut = 0  # bytes dropped between head and tail
        self._file = open(path, "wb")
        self._head_left = limit // 2 if limit is not None else 0
        self._tail_size = limit - limit // 2 if limit is not None else 0
        self._head_end = 0  # where the head ends in the file
        self._tail = bytearray()  # the stream after the head, as written after the head (and marker)
        self._ends_line = True  # whether the head ends with a newline

    def write(self, data: bytes) -> None:
        """Append `data` to the stream."""
        self.total += len(data)
        if self.limit is None:
            self._file.write(data)
            self._file.flush()
            return
        if self._head_left:
            head, data = data[:self._head_left], data[self._head_left:]
            self._file.write(head)
            self._head_left -= len(head)
            self._head_end += len(head)
            self._ends_line = head.endswith(b"\n")
        if data:
            self._tail += data
            if len(self._tail) > 2 * self._tail_size:
                self._compact()  # rewrites the tail, `data` included
            else:
                self._file.write(data)
        self._file.flush()

    def close(self) -> None:
        """Cut the file to head, marker and tail; close it."""
        if self._file.closed:
            return
        if self.limit is not None and len(self._tail) > self._tail_size:
            self._compact()
        self._file.close()

    def _compact(self) -> None:
        dropped = len(self._tail) - self._tail_size
        self.cut += dropped
        del self._tail[:dropped]
        self._file.seek(self._head_end)
        self._file.truncate()
        self._file.write(self.marker())
        self._file.write(self._tail)
        self._file.flush()

    def marker(self) -> bytes:
        """The line that stands for the cut bytes."""
        text = f"[hypered: {self.cut:,} bytes of output cut here; log_limit={self.limit}]\n"
        return ("" if self._ends_line else "\n").encode() + text.encode()


class Echo:
    """Copies trials' output to `target` (this process's stdout or stderr) from a thread of its own.

    A slow terminal never blocks a program: when more than `budget` bytes wait
    to be shown, output is dropped instead, and a line says how much.
    """

    def __init__(self, target: IO[bytes], budget: int = 8 * DEFAULT_LOG_LIMIT) -> None:
        self.target = target
        self.budget = budget
        self.dropped = 0
        self._waiting: collections.deque[bytes] = collections.deque()
        self._size = 0
        self._closed = False
        self._ready = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="hypered-echo", daemon=True)
        self._thread.start()

    def put(self, data: bytes) -> None:
        """Queue `data` to be shown (never blocks)."""
        with self._ready:
            if self._size + len(data) > self.budget:
                self.dropped += len(data)
                return
            self._say_dropped()
            self._waiting.append(data)
            self._size += len(data)
            self._ready.notify()

    def close(self, timeout: float = 2.0) -> None:
        """Show what waits, for at most `timeout` seconds; stop the thread."""
        with self._ready:
            self._say_dropped()
            self._closed = True
            self._ready.notify()
        self._thread.join(timeout)

    def _say_dropped(self) -> None:
        if self.dropped:
            notice = f"[hypered: {self.dropped:,} bytes of output not shown: the terminal was slower]\n"
            self._waiting.append(notice.encode())
            self.dropped = 0

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._waiting and not self._closed:
                    self._ready.wait()
                if not self._waiting:
                    return
                data = b"".join(self._waiting)
                self._waiting.clear()
                self._size = 0
            try:
                for piece in _whole_lines(data):
                    self.target.write(piece)
                self.target.flush()
            except (OSError, ValueError):  # the terminal went away (or was closed): echo nothing more
                return


def _whole_lines(data: bytes, size: int = _ATOMIC_WRITE) -> Iterator[bytes]:
    """`data` in pieces of whole lines, each at most `size` bytes unless one line is longer.

    A buffered stream takes a write that fits its buffer whole, but splits a bigger one around
    other threads' writes: hypered's own lines printed meanwhile (trial 3 complete...) would land in
    the middle of a trial's line.
    """
    start = 0
    while start < len(data):
        end = data.rfind(b"\n", start, start + size) + 1
        if end <= start:  # one line longer than `size`: whole
            newline = data.find(b"\n", start)
            end = len(data) if newline < 0 else newline + 1
        yield data[start:end]
        start = end


class _Stream:
    """One pipe of a program: where its bytes go, and the partial line waiting for its echo."""

    def __init__(self, pipe: IO[bytes], log: CappedLog, echo: Echo | None) -> None:
        self.fd = pipe.fileno()
        self.pipe = pipe
        self.log = log
        self.echo = echo
        self.line = b""
        try:
            fcntl.fcntl(self.fd, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
        except (AttributeError, OSError):  # not Linux, or over the system's limit: the default size
            pass

    def take(self, data: bytes) -> None:
        self.log.write(data)
        if self.echo is None:
            return
        self.line += data  # echo whole lines, so that trials running at once do not mix mid-line
        end = self.line.rfind(b"\n") + 1
        if len(self.line) - end > _LINE_MAX:  # an endless line: out before its newline
            end = len(self.line)
        if end:
            self.echo.put(self.line[:end])
            self.line = self.line[end:]

    def close(self) -> None:
        if self.echo is not None and self.line:
            self.echo.put(self.line + b"\n")
        self.log.close()
        self.pipe.close()


class LogCopier:
    """Copies a program's stdout and stderr pipes into capped logs, and to `Echo`s, from a thread.

    Reads whatever the pipes hold, in big chunks, so the program never waits
    on hypered. `stop` (once the program exited) takes what is left in the pipes
    and closes the logs, even if a process the program left behind holds them open.
    """

    def __init__(self, streams: list[tuple[IO[bytes], CappedLog, Echo | None]]) -> None:
        self._streams = [_Stream(*s) for s in streams]
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hypered-logs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Copy what the pipes still hold, then close the logs (waits at most `timeout` s)."""
        self._stopping.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        open_ = {s.fd: s for s in self._streams}
        poller = select.poll()  # not select(): it fails on descriptors past 1023, common in a busy worker
        for fd in open_:
            poller.register(fd, select.POLLIN)
        drain_until = None  # once stopping: a process left behind may write forever
        try:
            while open_:
                if drain_until is None and self._stopping.is_set():
                    drain_until = time.monotonic() + _DRAIN
                ready = poller.poll(_TICK * 1000 if drain_until is None else 0)
                if drain_until is not None and (not ready or time.monotonic() > drain_until):
                    break
                for fd, _ in ready:
                    data = os.read(fd, _READ)  # readable or hung up: data, or b"" at the end
                    if data:
                        open_[fd].take(data)
                    else:
                        poller.unregister(fd)
                        open_.pop(fd).close()
        finally:
            for stream in open_.values():
                stream.close()
