"""What is kept: study.db, trial folders, best.json and the study lock; reading it back, read-only.

Modules: layout (file names, the study.db schema, the lock's text), database (the writer's study.db),
files (atomic JSON, trial keys, results files), lock (the study lock), reader (read-only studies),
stored (StoredStudy, Curve, StoredReport), table (trials as rows, CSV and JSON Lines), legacy (1.0.x trial folders).
"""

from .database import StudyDatabase, read_meta
from .files import ResultsError, read_results, trial_key, write_json
from .layout import (
    BEST_FILE,
    DB_FILE,
    LOCK_FILE,
    PARAMS_FILE,
    RESULTS_FILE,
    STDERR_FILE,
    STDOUT_FILE,
    Driver,
)
from .lock import StudyLock, check_unlocked, is_held, lock_holder
from .reader import (
    find_studies,
    is_study,
    load_study,
    read_curves,
    read_reports,
    read_study,
    read_trial,
    reporting_trials,
    study_version,
)
from .stored import Curve, StoredReport, StoredStudy, best_summary, pareto_summary, recommended_by
from .table import FORMATS, flatten, trial_rows, write_table

__all__ = [
    "BEST_FILE",
    "Curve",
    "DB_FILE",
    "Driver",
    "FORMATS",
    "LOCK_FILE",
    "PARAMS_FILE",
    "RESULTS_FILE",
    "ResultsError",
    "STDERR_FILE",
    "STDOUT_FILE",
    "StoredReport",
    "StoredStudy",
    "StudyDatabase",
    "StudyLock",
    "best_summary",
    "pareto_summary",
    "check_unlocked",
    "find_studies",
    "flatten",
    "is_held",
    "is_study",
    "load_study",
    "lock_holder",
    "read_curves",
    "read_meta",
    "read_reports",
    "read_results",
    "read_study",
    "read_trial",
    "recommended_by",
    "reporting_trials",
    "study_version",
    "trial_key",
    "trial_rows",
    "write_json",
    "write_table",
]
