"""Where a trial's program runs: local processes or in-process function calls."""

from .base import Job, Outcome, Runner
from .inprocess import FunctionRunner
from .local import LocalRunner, stop_orphan, tail

__all__ = ["FunctionRunner", "Job", "LocalRunner", "Outcome", "Runner", "stop_orphan", "tail"]
