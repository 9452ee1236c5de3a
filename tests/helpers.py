"""Helpers shared by the tests: the real hypered command, free ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

PROGRAMS = Path(__file__).parent / "programs"
HYPERED = [sys.executable, "-m", "hypered.cli"]


def run_hypered(*args: str | Path, cwd: Path, timeout: float = 120,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `hypered` command line in a subprocess."""
    return subprocess.run(
        [*HYPERED, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "PYTHONWARNINGS": "error", **(env or {})},
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_trials(db: Path, count: int, state: str = "running", timeout: float = 60) -> None:
    """Block until `db` holds at least `count` trials in `state` (the study has really started)."""
    import sqlite3
    import time

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                (n,) = conn.execute("SELECT COUNT(*) FROM trials WHERE state = ?", (state,)).fetchone()
            if n >= count:
                return
        except sqlite3.OperationalError:
            pass  # not created yet
        time.sleep(0.05)
    raise TimeoutError(f"{db} never had {count} {state} trials")


def alive(pid: int) -> bool:
    """Whether process `pid` runs (a zombie that nobody reaped does not; Linux /proc)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")
