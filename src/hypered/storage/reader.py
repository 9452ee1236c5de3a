"""Reading study folders, read-only: study.db (trials, meta, reports), older trial folders, who runs the study.

Nothing here writes or takes the study lock (storage.lock.lock_holder only looks at it): study.db
is opened with `mode=ro` and read in one short transaction, so a running study goes on writing
meanwhile (WAL mode). A part of the files that cannot be read is a warning on the study; a study
that cannot be read at all raises StudyReadError naming the file and the problem.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
from collections.abc import Collection, Iterator
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..constraints import Constraint, constraint_from_dict
from ..errors import HyperedError, SpaceError, StudyReadError
from ..objective import Direction, Objective
from ..space import variable_from_dict
from ..trial import Trial, TrialState
from .layout import COLUMNS, DB_FILE, PARAMS_FILE, RESULTS_FILE, Driver
from .legacy import find_legacy_trials
from .lock import lock_holder
from .stored import Curve, StoredReport, StoredStudy
from .table import flatten

_SELECT = ", ".join(COLUMNS)
_OUTLINE_SELECT = ", ".join("NULL" if c in ("sampled", "params", "results") else c for c in COLUMNS)
_LEGACY_OBJECTIVES = ("loss", "val_loss", "val.loss")
_CHUNK = 500  # trial numbers per query (SQLite allows 999 parameters in older versions)


def load_study(path: str | os.PathLike[str]) -> StoredStudy:
    """The study in folder `path` (holding study.db, or older trial folders), read-only.

    Works while the study runs; never takes its lock. StudyReadError if there is no study
    there or its study.db cannot be read.
    """
    return read_study(Path(path))


def read_study(folder: Path, outline: bool = False) -> StoredStudy:
    """The study in `folder` now; with `outline`, its trials' sampled values, params and results left out."""
    folder = Path(folder)
    if folder.is_file():
        raise StudyReadError(f"{folder}: is a file; give the study's folder (<directory>/<name>, "
                             "e.g. experiments/demo)")
    if not folder.is_dir():
        raise StudyReadError(f"{folder}: no such study folder")
    version = study_version(folder)
    driver = lock_holder(folder)
    if (folder / DB_FILE).exists():
        return _read_database(folder, version, driver, outline)
    if not is_study(folder):
        raise StudyReadError(f"{folder}: not a study folder (it holds no {DB_FILE} and no trial folders)")
    return _read_legacy(folder, version, driver)


def read_trial(folder: Path, number: int) -> Trial | None:
    """One trial of a study.db read in full (None if there is no such trial or no study.db)."""
    path = Path(folder) / DB_FILE
    if not path.exists():
        return None
    (rows,) = _select(path, (f"SELECT {_SELECT} FROM trials WHERE number = ?", (number,)))
    return _trial(rows[0], []) if rows else None


def reporting_trials(folder: Path) -> tuple[int, ...]:
    """The numbers of the trials that reported something, in order (none for a study without reports)."""
    path = Path(folder) / DB_FILE
    if not path.exists():
        return ()
    (rows,) = _select(path, ("SELECT DISTINCT number FROM reports ORDER BY number", ()))
    return tuple(int(number) for (number,) in rows)


def read_curves(folder: Path, numbers: Collection[int] | None = None) -> tuple[Curve, ...]:
    """The learning curves of trials `numbers` (all when None) from study.db's reports, by trial number.

    Empty for a study without reports: older trial folders, or a study.db from before reports.
    """
    path = Path(folder) / DB_FILE
    if not path.exists():
        return ()
    select = "SELECT number, step, value FROM reports"
    queries: list[tuple[str, tuple[Any, ...]]]
    if numbers is None:
        queries = [(f"{select} ORDER BY number, step", ())]
    else:  # in chunks: SQLite caps the parameters of one statement
        wanted = sorted(set(numbers))
        chunks = [tuple(wanted[k:k + _CHUNK]) for k in range(0, len(wanted), _CHUNK)]
        queries = [(f"{select} WHERE number IN ({', '.join('?' * len(c))}) ORDER BY number, step", c) for c in chunks]
    rows = [row for found in _select(path, *queries) for row in found] if queries else []
    curves = []
    for number, group in groupby(rows, key=itemgetter(0)):  # hundreds of thousands of rows: kept lean
        _, steps, values = zip(*group)
        curves.append(Curve(int(number), steps, tuple(_finite_or_none(v) for v in values)))
    return tuple(curves)


def _finite_or_none(value: Any) -> float | None:
    """_number, with a quick path for the usual finite float (a curve's values are many)."""
    return value if isinstance(value, float) and math.isfinite(value) else _number(value)


def read_reports(folder: Path, number: int) -> tuple[StoredReport, ...]:
    """The lines trial `number` reported, by step (none for a study without reports)."""
    path = Path(folder) / DB_FILE
    if not path.exists():
        return ()
    (rows,) = _select(path, ("SELECT step, value, metrics, time FROM reports WHERE number = ? ORDER BY step",
                             (number,)))
    reports = []
    for step, value, text, time in rows:
        try:
            metrics = json.loads(text)
        except (TypeError, json.JSONDecodeError):
            metrics = None
        reports.append(StoredReport(step=int(step), value=_number(value),
                                    metrics=metrics if isinstance(metrics, dict) else {}, time=_number(time)))
    return tuple(reports)


def is_study(folder: Path) -> bool:
    """Whether `folder` holds a study.db or (as older runs left them) trial folders."""
    if (folder / DB_FILE).is_file():
        return True
    return any(True for _ in _trial_folders(folder, limit=1))


def find_studies(root: Path) -> list[Path]:
    """The study folders directly under `root`, by name (hidden folders and symlinks skipped)."""
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return []
    return [Path(e.path) for e in entries
            if e.is_dir(follow_symlinks=False) and not e.name.startswith(".") and is_study(Path(e.path))]


def study_version(folder: Path) -> str:
    """A token that changes whenever the study's files change (stat of study.db and its WAL).

    An empty WAL counts as none: opening the database creates one, and that changes no data.
    """
    if (folder / DB_FILE).exists():
        paths = [folder / DB_FILE, folder / (DB_FILE + "-wal")]
    else:
        paths = [p / name for p in _trial_folders(folder) for name in (PARAMS_FILE, RESULTS_FILE)]
    parts = []
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            parts.append("-")
            continue
        parts.append(f"{st.st_mtime_ns:x}.{st.st_size:x}" if st.st_size else "-")
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


def _trial_folders(folder: Path, limit: int | None = None) -> Iterator[Path]:
    found = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False) and os.path.isfile(os.path.join(entry.path, PARAMS_FILE)):
            yield Path(entry.path)
            found += 1
            if limit is not None and found >= limit:
                return


# -- study.db -----------------------------------------------------------------------------------

def _select(path: Path, *queries: tuple[str, tuple[Any, ...]]) -> list[list[tuple[Any, ...]]]:
    """The rows of each query, all from one snapshot; StudyReadError naming the file if unreadable.

    A missing table reads as no rows: a study.db created a moment ago, before its tables.
    """
    try:
        conn = _connect(path)
    except sqlite3.DatabaseError as err:
        raise _unreadable(path, err) from None
    try:
        conn.execute("BEGIN")  # one snapshot for every query, released at once
        results = []
        for sql, args in queries:
            try:
                results.append(conn.execute(sql, args).fetchall())
            except sqlite3.OperationalError as err:
                if "no such table" not in str(err):
                    raise
                results.append([])
        conn.execute("COMMIT")
        return results
    except sqlite3.DatabaseError as err:
        raise _unreadable(path, err) from None
    finally:
        conn.close()


def _unreadable(path: Path, err: Exception) -> StudyReadError:
    return StudyReadError(f"{path}: cannot read the study database ({err}); "
                          "it may be truncated or not a study.db: restore it or move it away")


def _connect(path: Path) -> sqlite3.Connection:
    """A read-only connection; `immutable` only when the folder cannot hold SQLite's WAL index."""
    uri = f"file:{quote(str(Path(path).absolute()))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=5.0, check_same_thread=False, isolation_level=None)
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        return conn
    except sqlite3.OperationalError:
        if os.access(Path(path).parent, os.W_OK):
            raise
        return sqlite3.connect(uri + "&immutable=1", uri=True, timeout=5.0, check_same_thread=False,
                               isolation_level=None)


def _read_database(folder: Path, version: str, driver: Driver | None, outline: bool) -> StoredStudy:
    path = folder / DB_FILE
    warnings: list[str] = []
    meta_rows, rows = _select(path, ("SELECT key, value FROM meta", ()),
                              (f"SELECT {_OUTLINE_SELECT if outline else _SELECT} FROM trials ORDER BY number", ()))
    meta: dict[str, Any] = {}
    for key, text in meta_rows:
        try:
            meta[key] = json.loads(text)
        except (TypeError, json.JSONDecodeError):
            warnings.append(f"{path}: the stored {key!r} is not valid JSON")
    objective = _objective(meta.get("objective"), path, warnings)
    space = _space(meta.get("space"), path, warnings)
    trials = tuple(_trial(row, warnings) for row in rows)
    settings = meta.get("settings")
    return StoredStudy(
        name=folder.name, folder=folder, space=space, objective=objective, trials=trials, version=version,
        created=_number(meta.get("created")), iterations=_int(meta.get("iterations")),
        settings=settings if isinstance(settings, dict) else {}, outline=outline,
        warnings=tuple(_collapse(warnings)), driver=driver,
        recommendation=meta.get("recommendation") if isinstance(meta.get("recommendation"), dict) else None,
        constraints=_constraints(meta.get("constraints"), path, warnings),
        objectives=_objectives(meta.get("objectives"), path, warnings),
    )


def _objective(stored: Any, path: Path, warnings: list[str]) -> Objective:
    if stored is None:
        return Objective("loss", Direction.MINIMIZE)
    try:
        return Objective(stored["name"], Direction(stored.get("direction", "minimize")))
    except (TypeError, KeyError, ValueError, AttributeError):
        warnings.append(f"{path}: the stored objective {stored!r} is unreadable; shown as minimize('loss')")
        return Objective("loss", Direction.MINIMIZE)


def _objectives(stored: Any, path: Path, warnings: list[str]) -> tuple[Objective, ...]:
    """Several objectives (meta "objectives", kept only for them); () for one."""
    if not stored:
        return ()
    try:
        return tuple(Objective(item["name"], Direction(item["direction"])) for item in stored)
    except (TypeError, KeyError, ValueError, AttributeError):
        warnings.append(f"{path}: the stored objectives {stored!r} are unreadable; shown as one objective")
        return ()


def _constraints(stored: Any, path: Path, warnings: list[str]) -> tuple[Constraint, ...]:
    if not stored:
        return ()
    try:
        return tuple(constraint_from_dict(item) for item in stored)
    except (TypeError, KeyError, ValueError, HyperedError):
        warnings.append(f"{path}: the stored constraints {stored!r} are unreadable; every trial is shown "
                        "as feasible")
        return ()


def _space(stored: Any, path: Path, warnings: list[str]) -> dict[str, dict[str, Any]]:
    """The stored space, each variable checked; what is unreadable is left out with a warning."""
    if stored is None:
        return {}
    if not isinstance(stored, dict):
        warnings.append(f"{path}: the stored search space is unreadable ({type(stored).__name__}, "
                        "not an object); parameters are not shown")
        return {}
    space = {}
    for name, variable in stored.items():
        try:
            if not isinstance(variable, dict):
                raise TypeError(f"{variable!r} is not an object")
            variable_from_dict(variable)
        except (SpaceError, TypeError, KeyError, ValueError) as err:
            warnings.append(f"{path}: the stored variable {name!r} is unreadable ({err}); it is not shown")
            continue
        space[name] = variable
    return space


def _trial(row: tuple[Any, ...], warnings: list[str]) -> Trial:
    """A trial from its row, leniently: an unknown state is 'failed', unreadable JSON is None."""
    fields = dict(zip(COLUMNS, row))
    try:
        state = TrialState(fields["state"])
    except ValueError:
        warnings.append(f"trial {fields['number']}: unknown state {fields['state']!r}, shown as failed")
        state = TrialState.FAILED
    loaded = {}
    for column in ("sampled", "params", "results"):
        try:
            loaded[column] = None if fields[column] is None else json.loads(fields[column])
        except (TypeError, json.JSONDecodeError):
            warnings.append(f"trial {fields['number']}: its {column} are not valid JSON")
            loaded[column] = None
    return Trial(
        number=int(fields["number"]), key=str(fields["key"]),
        values=loaded["sampled"] if isinstance(loaded["sampled"], dict) else {},
        params=loaded["params"] if isinstance(loaded["params"], dict) else {},
        state=state, value=_number(fields["value"]), results=loaded["results"], reason=fields["reason"],
        started=_number(fields["started"]), finished=_number(fields["finished"]),
        pid=_int(fields["pid"]), host=fields["host"], worker=fields["worker"],
    )


def _collapse(warnings: list[str], keep: int = 5) -> list[str]:
    """At most `keep` warnings, then how many more there were."""
    if len(warnings) <= keep:
        return warnings
    return [*warnings[:keep], f"... and {len(warnings) - keep} more like these"]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


# -- older studies: trial folders only ------------------------------------------------------------

def _read_legacy(folder: Path, version: str, driver: Driver | None) -> StoredStudy:
    """Trials from params.json / results.json; the space and the objective are inferred."""
    found = [t for t in find_legacy_trials(folder) if isinstance(t.params, dict)]
    leaves = [flatten(t.params) for t in found]
    space = _infer_space(leaves)
    objective = _infer_objective([t.results for t in found])
    trials = []
    for number, (legacy, flat) in enumerate(zip(found, leaves)):
        value = _metric(legacy.results, objective.name)
        complete = value is not None
        trials.append(Trial(
            number=number, key=legacy.key, values={k: flat[k] for k in space if k in flat}, params=legacy.params,
            state=TrialState.COMPLETE if complete else TrialState.FAILED, value=value, results=legacy.results,
            started=legacy.started, finished=legacy.finished if legacy.finished is not None else legacy.started,
            reason=None if complete else f"no finite {objective.name!r} in {RESULTS_FILE}",
        ))
    return StoredStudy(name=folder.name, folder=folder, space=space, objective=objective, trials=tuple(trials),
                       version=version, legacy=True, driver=driver)


def _infer_space(leaves: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Leaves that vary between trials: numbers as real/integer ranges, the rest categorical."""
    names: dict[str, None] = {}
    for flat in leaves:
        names.update(dict.fromkeys(flat))
    space: dict[str, dict[str, Any]] = {}
    for name in names:
        values = [flat[name] for flat in leaves if name in flat]
        distinct = {json.dumps(v, sort_keys=True) for v in values}
        if len(distinct) < 2:
            continue  # a fixed value, not a variable
        numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if len(numbers) == len(values) and all(math.isfinite(v) for v in numbers):
            integral = all(isinstance(v, int) for v in numbers)
            space[name] = {"type": "integer" if integral else "real",
                           "low": min(numbers), "high": max(numbers), "log": False}
        else:
            choices = list({json.dumps(v, sort_keys=True): v for v in values}.values())
            space[name] = {"type": "categorical", "choices": choices}
    return space


def _infer_objective(all_results: list[Any]) -> Objective:
    """`loss` (or another usual name) if present, else the first numeric metric; minimized."""
    seen: dict[str, None] = {}
    for results in all_results:
        for key, value in flatten(results).items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                seen[key] = None
    for name in _LEGACY_OBJECTIVES:
        if name in seen:
            return Objective(name, Direction.MINIMIZE)
    return Objective(next(iter(seen), "loss"), Direction.MINIMIZE)


def _metric(results: Any, name: str) -> float | None:
    if not isinstance(results, dict):
        return None
    return _number(flatten(results).get(name))
