"""Studies made by the real `hypered` for the subcommands: finished, running, corrupt."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from commands_helpers import quad_config
from helpers import HYPERED, run_hypered, wait_for_trials


@pytest.fixture(scope="session")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`<tmp>/experiments/quad`: a study of 5 complete trials run by the real hypered; `<tmp>/quad.conf` ran it."""
    root = tmp_path_factory.mktemp("finished")
    (root / "quad.conf").write_text(quad_config("quad", 5))
    done = run_hypered(root / "quad.conf", "--quiet", cwd=root)
    assert done.returncode == 0, done.stderr
    return root / "experiments" / "quad"


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """A study whose driver (the real hypered) runs its first trial for a minute: (its folder, the driver)."""
    (tmp_path / "slow.conf").write_text(quad_config("slow", 2, sleep=60))
    driver = subprocess.Popen([*HYPERED, str(tmp_path / "slow.conf"), "--quiet"], cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_trials(tmp_path / "experiments" / "slow" / "study.db", 1)
        yield tmp_path / "experiments" / "slow", driver
    finally:
        driver.terminate()  # a SIGTERM is a Ctrl-C: the driver stops its trial and exits
        driver.communicate(timeout=60)
