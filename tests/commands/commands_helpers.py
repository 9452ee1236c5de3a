"""Helpers of the subcommand tests: a config of the quadratic program, a corrupted copy of a study."""

from __future__ import annotations

import sys
from pathlib import Path

from helpers import PROGRAMS


def quad_config(name: str, iterations: int, sleep: float = 0.0) -> str:
    return (f'optimize(name="{name}", objective=minimize("loss"), random_starts=3, iterations={iterations}, '
            f'seed=1, binary="{sys.executable} {PROGRAMS / "quadratic.py"} {{params_path}} {{results_path}} '
            f'--sleep {sleep}", params={{"x": real(-10, 10), "offset": 0.5, "nested": {{"k": integer(1, 3)}}, '
            f'"opt": categorical(["adam", "sgd"])}})\n')


def corrupt_copy(study: Path, to: Path, keep_bytes: int | None = None) -> Path:
    """A copy of `study`'s study.db cut to `keep_bytes` (None: garbage text instead)."""
    to.mkdir(parents=True)
    data = (study / "study.db").read_bytes()
    (to / "study.db").write_bytes(b"this is not a database\n" if keep_bytes is None else data[:keep_bytes])
    return to
