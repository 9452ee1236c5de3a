"""Placeholders for per-trial values, resolved by the study when a trial starts.

Put them anywhere in `params`; each trial's params.json holds the resolved value:

    params={"out": experiment_dir(), "gpu": device_id(4)}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import SpaceError


@dataclass(frozen=True)
class TrialContext:
    """What a running trial knows about itself; fills the utility placeholders."""

    experiment_dir: str
    params_path: str
    results_path: str
    number: int
    devices: dict[str, int]  # dotted param name of each device_id() -> the device it holds


@dataclass(frozen=True)
class Utility:
    """Base of the placeholders: `resolve` gives the value for one trial."""

    def resolve(self, name: str, context: TrialContext) -> Any:
        raise NotImplementedError

    def describe(self) -> str:
        return f"{type(self).__name__}()"


@dataclass(frozen=True)
class ExperimentDir(Utility):
    def resolve(self, name: str, context: TrialContext) -> str:
        return context.experiment_dir

    def describe(self) -> str:
        return "experiment_dir()"


@dataclass(frozen=True)
class ParamsPath(Utility):
    def resolve(self, name: str, context: TrialContext) -> str:
        return context.params_path

    def describe(self) -> str:
        return "params_path()"


@dataclass(frozen=True)
class ResultsPath(Utility):
    def resolve(self, name: str, context: TrialContext) -> str:
        return context.results_path

    def describe(self) -> str:
        return "results_path()"


@dataclass(frozen=True)
class DeviceId(Utility):
    """A device index in 0..count-1 that no other running trial holds."""

    count: int

    def __post_init__(self) -> None:
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise SpaceError(f"device_id(count={self.count!r}): count must be a whole number >= 1")

    def resolve(self, name: str, context: TrialContext) -> int:
        return context.devices[name]

    def describe(self) -> str:
        return f"device_id({self.count})"


def experiment_dir() -> ExperimentDir:
    """The trial's own folder (absolute path), resolved per trial."""
    return ExperimentDir()


def params_path() -> ParamsPath:
    """The path of the trial's params.json, resolved per trial."""
    return ParamsPath()


def results_path() -> ResultsPath:
    """The path where the trial must write its results.json, resolved per trial."""
    return ResultsPath()


def device_id(count: int) -> DeviceId:
    """A device index in 0..count-1, handed out round robin to trials.

    An index is never given to two trials running at the same time; it returns
    to the pool when its trial ends.
    """
    return DeviceId(count)
