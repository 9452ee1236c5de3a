"""Studies made by the real `hypered` for the subcommands: finished, running, corrupt."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import HYPERED, PROGRAMS, run_hypered, wait_for_trials


def quad_config(name: str, iterations: int, sleep: float = 0.0) -> str:
    return (f'optimize(name="{name}", objective=minimize("loss"), random_starts=3, iterations={iterations}, '
            f'seed=1, binary="{sys.executable} {PROGRAMS / "quadratic.py"} {{params_path}} {{results_path}} '
            f'--sleep {sleep}", params={{"x": real(-10, 10), "offset": 0.5, "nested": {{"k": integer(1, 3)}}, '
            f'"opt": categorical(["adam", "sgd"])}})\n')


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


def corrupt_copy(study: Path, to: Path, keep_bytes: int | None = None) -> Path:
    """A copy of `study`'s study.db cut to `keep_bytes` (None: garbage text instead)."""
    to.mkdir(parents=True)
    data = (study / "study.db").read_bytes()
    (to / "study.db").write_bytes(b"this is not a database\n" if keep_bytes is None else data[:keep_bytes])
    return to
