"""What is kept: study.db, trial folders, best.json and the study lock."""

from .database import StudyDatabase
from .files import ResultsError, read_results, trial_key, write_json
from .lock import StudyLock

__all__ = ["ResultsError", "StudyDatabase", "StudyLock", "read_results", "trial_key", "write_json"]
