"""Fixtures: an experiments folder made by the real `hypered`, a live dashboard server on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import ARGS, CHROMIUM, Page
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


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the test extra)")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def tab(browser: Any, server: DashboardServer) -> Iterator[Page]:
    page = Page(browser, f"http://127.0.0.1:{server.server_address[1]}")
    yield page
    page.close()
    assert page.dialogs == [], "a script from user data ran"
