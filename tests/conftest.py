"""Fixtures that build real things: experiment folders, config files."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import PROGRAMS


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
