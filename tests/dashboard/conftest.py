"""Fixtures: an experiments folder made by the real `hypered`, a live dashboard server on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dashboard_helpers import run_study, serve, write_legacy_study

from hypered.dashboard.server import DashboardServer


@pytest.fixture(scope="session")
def experiments(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An experiments folder: `demo` run by the real hypered (20 trials, some failed) and `legacy`."""
    root = tmp_path_factory.mktemp("dash") / "experiments"
    root.mkdir()
    done = run_study(root, "demo", 20)
    assert done.returncode == 0, done.stderr
    write_legacy_study(root / "legacy")
    return root


@pytest.fixture(scope="session")
def server(experiments: Path) -> Iterator[DashboardServer]:
    yield from serve(experiments)
