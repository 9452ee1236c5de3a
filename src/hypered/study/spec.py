"""Everything a study needs to run, validated once by `optimize` or the config loader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..objective import Objective
from ..runners.command import CommandTemplate
from ..space import Encoding, ParamsTree


@dataclass(frozen=True)
class StudySpec:
    """A validated study: what to tune, how to run a trial, how to choose the next one."""

    name: str
    objective: Objective
    params: ParamsTree
    command: CommandTemplate | None  # exactly one of command and function
    function: Callable[[dict[str, Any]], Any] | None
    random_starts: int
    iterations: int
    kernel: str
    kernel_scale: float | None
    acquisition_fn: str
    optimizer_restarts: int
    seed: int | None
    cwd: Path
    directory: Path
    max_failures: int
    timeout: float | None
    parallel: int
    executor: str | None  # None: local processes; "dask://host:port": a Dask cluster
    on_change: str = "refuse"  # a rerun whose definition differs: "refuse", "restart" or "continue"
    log_limit: int | None = 1_048_576  # bytes kept of each of a trial's stdout and stderr; None: all

    @property
    def study_dir(self) -> Path:
        return self.directory / self.name

    @property
    def encoding(self) -> Encoding:
        return Encoding(self.params.variables)

    def space_signature(self) -> dict[str, dict[str, Any]]:
        """The search space as JSON (kept in study.db), to tell a resumed study's space is unchanged."""
        return {name: var.as_dict() for name, var in self.params.variables}
