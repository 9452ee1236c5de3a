"""Fixtures that build real things: experiment folders, config files, the hypered command."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

PROGRAMS = Path(__file__).parent / "programs"
HYPERED = [sys.executable, "-m", "hypered.cli"]


@pytest.fixture
def programs() -> Path:
    return PROGRAMS


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str], Path]:
    """Write a config file into tmp_path (dedented) and return its path."""

    def write(text: str, name: str = "study.conf") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip())
        return path

    return write


def run_hypered(*args: str | Path, cwd: Path, timeout: float = 120,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `hypered` command line in a subprocess."""
    return subprocess.run(
        [*HYPERED, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "PYTHONWARNINGS": "error", **(env or {})},
    )
