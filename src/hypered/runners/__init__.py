"""Where a trial's program runs: local processes, a Dask cluster, or in-process function calls."""

from .base import Job, Outcome, Runner
from .dask import DaskRunner, dask_address
from .inprocess import FunctionRunner
from .local import LocalRunner, stop_orphan, tail
from .logs import DEFAULT_LOG_LIMIT

__all__ = [
    "DEFAULT_LOG_LIMIT",
    "DaskRunner",
    "FunctionRunner", "Job", "LocalRunner", "Outcome", "Runner",
    "dask_address",
    "stop_orphan",
    "tail",
]
