"""What is kept: study.db, trial folders, best.json and the study lock."""

from .database import StudyDatabase, read_meta
from .files import ResultsError, read_results, trial_key, write_json
from .lock import StudyLock

__all__ = ["ResultsError", "StudyDatabase", "StudyLock", "read_meta", "read_results", "trial_key", "write_json"]
