"""When trials run: the study loop, the device pool, progress reports."""

from ..storage import BEST_FILE, PARAMS_FILE, RESULTS_FILE  # the file names are storage's (storage/layout.py)
from .answer import Answer
from .loop import run_study
from .report import LogReporter, Reporter
from .spec import StudySpec

__all__ = [
    "Answer",
    "BEST_FILE",
    "PARAMS_FILE",
    "RESULTS_FILE",
    "LogReporter",
    "Reporter",
    "StudySpec",
    "run_study",
]
