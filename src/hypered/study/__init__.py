"""When trials run: the study loop, the device pool, progress reports."""

from ..storage import BEST_FILE, PARAMS_FILE, RESULTS_FILE  # the file names are storage's (storage/layout.py)
from .loop import best_summary, run_study
from .report import LogReporter, Reporter
from .spec import StudySpec

__all__ = [
    "BEST_FILE",
    "PARAMS_FILE",
    "RESULTS_FILE",
    "LogReporter",
    "Reporter",
    "StudySpec",
    "best_summary",
    "run_study",
]
