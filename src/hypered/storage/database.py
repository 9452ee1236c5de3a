"""study.db: every trial of a study in SQLite, written as each trial changes state.

WAL mode lets the dashboard read while the study writes; every write is one
autocommitted statement, so a killed process loses nothing it had written.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from types import TracebackType
from typing import Any

from ..errors import StudyError
from ..trial import Trial
from .layout import COLUMNS, SCHEMA, SCHEMA_VERSION, dumps, trial_from_row, trial_row

_COLUMNS = ", ".join(COLUMNS)


class StudyDatabase:
    """Reads and writes one study's study.db. Use as a context manager."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self._conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.executescript(SCHEMA)
        except sqlite3.DatabaseError as err:
            raise StudyError(f"cannot open study database {self.path}: {err}") from None
        if self.get_meta("schema_version") is None:
            self.set_meta("schema_version", SCHEMA_VERSION)

    def __enter__(self) -> StudyDatabase:
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def get_meta(self, key: str) -> Any:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def set_meta(self, key: str, value: Any) -> None:
        self._conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, dumps(value)),
        )

    def save(self, trial: Trial) -> None:
        """Insert the trial or replace its row (trials change state as they run)."""
        self._conn.execute(
            f"INSERT OR REPLACE INTO trials ({_COLUMNS}) VALUES ({', '.join('?' * len(COLUMNS))})",
            trial_row(trial),
        )

    def save_report(self, number: int, step: int, value: float | None, metrics: Any, time: float) -> None:
        """Keep one line a trial reported (a step already kept is replaced)."""
        self._conn.execute(
            "INSERT OR REPLACE INTO reports (number, step, value, metrics, time) VALUES (?, ?, ?, ?, ?)",
            (number, step, value, dumps(metrics), time),
        )

    def reports(self) -> list[tuple[int, int, dict[str, Any]]]:
        """Every report kept, as (trial number, step, metrics), by trial and step."""
        rows = self._conn.execute("SELECT number, step, metrics FROM reports ORDER BY number, step")
        return [(number, step, json.loads(metrics)) for number, step, metrics in rows]

    def trials(self) -> list[Trial]:
        """Every trial, by number."""
        rows = self._conn.execute(f"SELECT {_COLUMNS} FROM trials ORDER BY number").fetchall()
        return [trial_from_row(row) for row in rows]


def read_meta(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """A study.db's meta and its trial count per state, read-only (no lock, nothing written).

    ({}, {}) when the file does not exist; StudyError when it is not a study database.
    """
    path = Path(path).absolute()
    if not path.is_file():
        return {}, {}
    # no -wal file: no writer has it open, and immutable=1 keeps SQLite from creating -wal/-shm
    uri = f"file:{path}?mode=ro" + ("" if Path(f"{path}-wal").exists() else "&immutable=1")
    try:
        with closing(sqlite3.connect(uri, uri=True, timeout=30.0)) as conn:
            if conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0:
                return {}, {}  # an empty database (a reader created the file first): a new study
            meta = {key: json.loads(value) for key, value in conn.execute("SELECT key, value FROM meta")}
            counts = dict(conn.execute("SELECT state, COUNT(*) FROM trials GROUP BY state").fetchall())
    except (sqlite3.DatabaseError, json.JSONDecodeError) as err:
        raise StudyError(f"cannot read study database {path}: {err}; move it away to start "
                         "the study afresh") from None
    return meta, counts
