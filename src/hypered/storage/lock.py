"""One process at a time per study: an advisory lock the OS drops when its holder dies."""

from __future__ import annotations

import fcntl
import os
import socket
from pathlib import Path
from types import TracebackType

from ..errors import StudyLockedError
from .layout import LOCK_FILE, Driver, lock_text, parse_lock_text


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
    """StudyLockedError if a process holds the study lock at `path`; creates nothing (see `is_held`)."""
    if is_held(path):
        try:
            text = Path(path).read_text(errors="replace").strip()
        except OSError:
            text = ""
        raise _locked(Path(path), text or "another process")


def is_held(path: Path) -> bool:
    """Whether a process holds the lock at `path`.

    Probes with a shared lock taken and dropped at once: it fails while the holder has the lock,
    and never disturbs it.
    """
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:  # no flock here (some network filesystems): nothing shows it held
        return False
    finally:
        os.close(fd)  # drops the shared lock, if taken
    return False


def lock_holder(folder: Path) -> Driver | None:
    """The driver running the study in `folder` now, as its study.lock names it; None if nobody runs it.

    On this host the named process must be alive (a driver killed with SIGKILL leaves its text);
    a driver on another host (a shared folder) counts while the lock is held (`is_held`).
    """
    path = Path(folder) / LOCK_FILE
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return None
    driver = parse_lock_text(text)
    if driver is None:
        return None
    if driver.host == socket.gethostname():
        return driver if _alive(driver.pid) else None
    return driver if is_held(path) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True


def _holder(fd: int) -> str:
    return os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"


def _locked(path: Path, holder: str) -> StudyLockedError:
    return StudyLockedError(f"study {path.parent.name!r} is already being run by {holder} "
                            f"(lock {path}); wait for it to finish or stop it first")
