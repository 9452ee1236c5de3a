"""A study folder on disk: every file name, the study.db schema and the study lock's text.

    <directory>/<study>/
        study.db        every trial and the study's meta (SQLite, WAL mode; schema below)
        study.lock      held by the running driver; its text says "pid N on host H", empty when none
        best.json       the best complete trial so far
        <trial key>/    one folder per trial: params.json, results.json, stdout.log, stderr.log,
                        reports.jsonl (what the program reported step by step)

Readers and writers take these names from here and nowhere else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..trial import Trial, TrialState

DB_FILE = "study.db"
LOCK_FILE = "study.lock"
BEST_FILE = "best.json"
PARAMS_FILE = "params.json"
RESULTS_FILE = "results.json"
STDOUT_FILE = "stdout.log"
STDERR_FILE = "stderr.log"
REPORTS_FILE = "reports.jsonl"  # a trial's step-by-step reports (hypered.report)
LEGACY_BEST_COPY = "best.v1.json"  # a hypered 1.0 best.json, kept when its trials are imported

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL              -- JSON
);
CREATE TABLE IF NOT EXISTS trials (
    number INTEGER PRIMARY KEY,
    key TEXT NOT NULL,               -- trial folder name
    state TEXT NOT NULL,             -- running | complete | failed | interrupted | pruned
    sampled TEXT NOT NULL,           -- JSON: sampled variables by dotted name
    params TEXT NOT NULL,            -- JSON: the full nested params of the trial
    value REAL,                      -- objective value, in the user's direction
    results TEXT,                    -- JSON: what the program reported
    reason TEXT,                     -- why it failed or was interrupted
    started REAL,                    -- unix time
    finished REAL,
    duration REAL,                   -- seconds
    pid INTEGER,
    host TEXT,
    worker TEXT
);
CREATE INDEX IF NOT EXISTS trials_state ON trials(state);
CREATE TABLE IF NOT EXISTS reports (
    number INTEGER NOT NULL,         -- the trial
    step INTEGER NOT NULL,
    value REAL,                      -- the objective's metric at this step (NULL: absent or NaN)
    metrics TEXT NOT NULL,           -- JSON: the whole reported line
    time REAL NOT NULL,              -- unix time it was read
    PRIMARY KEY (number, step)
);
"""

# the columns of `trials`, in the order of trial_row and trial_from_row
COLUMNS = ("number", "key", "state", "sampled", "params", "value", "results", "reason",
           "started", "finished", "duration", "pid", "host", "worker")
JSON_COLUMNS = ("sampled", "params", "results")


def dumps(value: Any) -> str:
    """JSON text of a meta value or a trial's JSON column."""
    return json.dumps(value, sort_keys=False)


def trial_row(trial: Trial) -> tuple[Any, ...]:
    """The trial as a row of `trials` (values in COLUMNS order)."""
    return (
        trial.number, trial.key, trial.state.value, dumps(trial.values), dumps(trial.params),
        trial.value, None if trial.results is None else dumps(trial.results), trial.reason,
        trial.started, trial.finished, trial.duration, trial.pid, trial.host, trial.worker,
    )


def trial_from_row(row: tuple[Any, ...]) -> Trial:
    """The Trial of a row in COLUMNS order (strict: a malformed row raises ValueError)."""
    fields = dict(zip(COLUMNS, row))
    return Trial(
        number=fields["number"], key=fields["key"], values=json.loads(fields["sampled"]),
        params=json.loads(fields["params"]), state=TrialState(fields["state"]), value=fields["value"],
        results=None if fields["results"] is None else json.loads(fields["results"]),
        reason=fields["reason"], started=fields["started"], finished=fields["finished"],
        pid=fields["pid"], host=fields["host"], worker=fields["worker"],
    )


@dataclass(frozen=True)
class Driver:
    """The process that holds a study's lock, as the lock's text names it."""

    pid: int
    host: str

    def describe(self) -> str:
        return f"pid {self.pid} on host {self.host}"


def lock_text(driver: Driver) -> str:
    """What the driver writes into study.lock while it holds it."""
    return driver.describe() + "\n"


def parse_lock_text(text: str) -> Driver | None:
    """The driver that `lock_text` wrote, or None for an empty or foreign text."""
    words = text.split()
    if len(words) != 5 or words[0] != "pid" or words[2:4] != ["on", "host"] or not words[1].isdigit():
        return None
    return Driver(int(words[1]), words[4])
