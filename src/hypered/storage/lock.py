"""One process at a time per study: an advisory lock the OS drops when its holder dies."""

from __future__ import annotations

import fcntl
import os
import socket
from pathlib import Path
from types import TracebackType

from ..errors import StudyLockedError
from .layout import Driver, lock_text


class StudyLock:
    """Holds `<study>/study.lock` while a study runs; StudyLockedError if someone else does."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def __enter__(self) -> StudyLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise _locked(self.path, holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, lock_text(Driver(os.getpid(), socket.gethostname())).encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)  # readers (the dashboard) see that nobody runs the study now
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def check_unlocked(path: Path) -> None:
    """StudyLockedError if a process holds the study lock at `path`; creates nothing.

    Probes with a shared lock taken and dropped at once, so a holder is never disturbed.
    """
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        raise _locked(Path(path), _holder(fd)) from None
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _holder(fd: int) -> str:
    return os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"


def _locked(path: Path, holder: str) -> StudyLockedError:
    return StudyLockedError(f"study {path.parent.name!r} is already being run by {holder} "
                            f"(lock {path}); wait for it to finish or stop it first")
