"""Reading studies from an experiments folder, read-only: study.db files and older trial folders.

A study is a direct sub-folder of the experiments folder holding a `study.db`, or (as older
runs left them) trial sub-folders of `params.json` / `results.json`. Nothing here writes: the
database is opened with `mode=ro` and each read is one short transaction, so a study being
written is never blocked. Parsed studies are cached until the files change.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import socket
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..bayesopt import DEFAULT_KERNEL, KERNELS
from ..objective import Direction, Objective
from ..trial import Trial, TrialState
from .cache import PerVersion

DB_FILE = "study.db"
LOCK_FILE = "study.lock"
_COLUMNS = ("number, key, state, sampled, params, value, results, reason, "
            "started, finished, pid, host, worker")
_OUTLINE_COLUMNS = _COLUMNS.replace("sampled, params", "NULL, NULL").replace("results", "NULL")
_LEGACY_OBJECTIVES = ("loss", "val_loss", "val.loss")


@dataclass(frozen=True)
class Study:
    """One study as read from disk at some moment (`version` changes whenever the files do)."""

    name: str
    folder: Path
    space: dict[str, dict[str, Any]]  # dotted name -> variable dict, as stored in meta
    objective: Objective
    trials: tuple[Trial, ...]
    version: str
    created: float | None = None
    iterations: int | None = None
    legacy: bool = False  # a folder of trial folders without study.db: space and objective inferred
    kernel: str = DEFAULT_KERNEL  # the GP kernel the study's optimizer used
    outline: bool = False  # trials read without their sampled values, params and results

    def trial(self, number: int) -> Trial | None:
        for trial in self.trials:
            if trial.number == number:
                return trial
        return None


class StudyNotFound(Exception):
    """No study of that name under the experiments folder."""


class Experiments:
    """The studies under one experiments folder, each parsed once per change of its files."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self._studies: PerVersion[Study] = PerVersion()

    def names(self) -> list[str]:
        """Names of the study folders, sorted (only direct sub-folders that look like studies)."""
        try:
            entries = sorted(os.scandir(self.root), key=lambda e: e.name)
        except OSError:
            return []
        return [e.name for e in entries
                if e.is_dir(follow_symlinks=False) and not e.name.startswith(".") and _is_study(Path(e.path))]

    def folder(self, name: str) -> Path:
        """The folder of study `name`; StudyNotFound unless it is one of `names()`.

        The name is matched against the folder's listing, never joined as a path, so no URL can
        reach outside the experiments folder.
        """
        if name not in self.names():
            raise StudyNotFound(name)
        return self.root / name

    def clear(self) -> None:
        self._studies.clear()

    def load(self, name: str) -> Study:
        """The study as its files are now, read once per version of them."""
        folder = self.folder(name)
        version = _version(folder)
        return self._studies.get(name, version, lambda: _read_database(name, folder, version)
                                 if (folder / DB_FILE).exists() else _read_legacy(name, folder, version))

    def version(self, name: str) -> str:
        """The token of the study's files now (see Study.version), without reading it."""
        return _version(self.folder(name))

    def outline(self, name: str) -> Study:
        """The study as last read if that is current; else, for a study.db, its trials without their
        sampled values, params or results: read in a fraction of the time (no JSON parsed), enough
        for the counts, the best value and the last activity. Never waits for a read under way.
        """
        folder = self.folder(name)
        version = _version(folder)
        cached = self._studies.peek(name, version)
        if cached is not None:
            return cached
        if not (folder / DB_FILE).exists():
            return self.load(name)  # trial folders: read in full (there is no quicker way)
        return _read_database(name, folder, version, outline=True)

    def read_trial(self, name: str, number: int) -> Trial | None:
        """One trial of a study.db, read in full (None if there is no such trial or no study.db)."""
        path = self.folder(name) / DB_FILE
        if not path.exists():
            return None
        conn = _connect(path)
        try:
            row = conn.execute(f"SELECT {_COLUMNS} FROM trials WHERE number = ?", (number,)).fetchone()
        except sqlite3.OperationalError as err:
            if "no such table" not in str(err):
                raise
            row = None
        finally:
            conn.close()
        return None if row is None else _trial(row)

    def running(self, name: str) -> bool:
        """Whether a live process holds the study (its lock names a pid alive on this host)."""
        return lock_holder_alive(self.folder(name) / LOCK_FILE)


def _is_study(folder: Path) -> bool:
    if (folder / DB_FILE).is_file():
        return True
    return any(True for _ in _trial_folders(folder, limit=1))


def _trial_folders(folder: Path, limit: int | None = None) -> Iterator[Path]:
    found = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False) and os.path.isfile(os.path.join(entry.path, "params.json")):
            yield Path(entry.path)
            found += 1
            if limit is not None and found >= limit:
                return


def _version(folder: Path) -> str:
    """A token that changes whenever the study's files change (stat of study.db and its WAL).

    An empty WAL counts as none: opening the database creates one, and that changes no data.
    """
    if (folder / DB_FILE).exists():
        paths = [folder / DB_FILE, folder / (DB_FILE + "-wal")]
    else:
        paths = [p / name for p in _trial_folders(folder) for name in ("params.json", "results.json")]
    parts = []
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            parts.append("-")
            continue
        parts.append(f"{st.st_mtime_ns:x}.{st.st_size:x}" if st.st_size else "-")
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


def lock_holder_alive(lock: Path) -> bool:
    """True if `lock` says "pid N on host H" with H this host and process N alive."""
    try:
        words = lock.read_text(errors="replace").split()
    except OSError:
        return False
    if len(words) < 5 or words[0] != "pid" or words[2:4] != ["on", "host"] or not words[1].isdigit():
        return False
    if words[4] != socket.gethostname():
        return False
    try:
        os.kill(int(words[1]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True


# -- study.db -----------------------------------------------------------------------------------

def _connect(path: Path) -> sqlite3.Connection:
    """A read-only connection; `immutable` only when the folder cannot hold SQLite's WAL index."""
    uri = f"file:{quote(str(path))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=5.0, check_same_thread=False)
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        return conn
    except sqlite3.OperationalError:
        if os.access(path.parent, os.W_OK):
            raise
        return sqlite3.connect(uri + "&immutable=1", uri=True, timeout=5.0, check_same_thread=False)


def _read_database(name: str, folder: Path, version: str, outline: bool = False) -> Study:
    """The study in study.db; with `outline`, its trials' sampled values, params and results left out."""
    conn = _connect(folder / DB_FILE)
    columns = _OUTLINE_COLUMNS if outline else _COLUMNS
    try:
        conn.execute("BEGIN")  # one snapshot for meta and trials, released at once
        meta = {key: _loads(value) for key, value in conn.execute("SELECT key, value FROM meta")}
        rows = conn.execute(f"SELECT {columns} FROM trials ORDER BY number").fetchall()
        conn.execute("COMMIT")
    except sqlite3.OperationalError as err:
        if "no such table" not in str(err):
            raise
        meta, rows = {}, []  # a study.db created a moment ago, before its tables
    finally:
        conn.close()
    objective = meta.get("objective") or {}
    try:
        direction = Direction(objective.get("direction", "minimize"))
    except ValueError:
        direction = Direction.MINIMIZE
    trials = tuple(_trial(row) for row in rows)
    return Study(
        name=name, folder=folder, space=meta.get("space") or {},
        objective=Objective(objective.get("name") or "loss", direction), trials=trials,
        version=version, created=_number(meta.get("created")), iterations=_int(meta.get("iterations")),
        kernel=_kernel(meta.get("settings")), outline=outline,
    )


def _kernel(settings: Any) -> str:
    kernel = settings.get("kernel") if isinstance(settings, dict) else None
    return kernel if isinstance(kernel, str) and kernel in KERNELS else DEFAULT_KERNEL


def _trial(row: tuple[Any, ...]) -> Trial:
    number, key, state, sampled, params, value, results, reason, started, finished, pid, host, worker = row
    try:
        trial_state = TrialState(state)
    except ValueError:
        trial_state = TrialState.FAILED
    return Trial(
        number=int(number), key=str(key), values=_loads(sampled) or {}, params=_loads(params) or {},
        state=trial_state, value=_number(value), results=_loads(results), reason=reason,
        started=_number(started), finished=_number(finished), pid=pid, host=host, worker=worker,
    )


def _loads(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


# -- older studies: trial folders only ------------------------------------------------------------

def _read_legacy(name: str, folder: Path, version: str) -> Study:
    """Trials from params.json / results.json; the space and the objective are inferred."""
    found = []
    for path in _trial_folders(folder):
        params = _read_json(path / "params.json")
        results = _read_json(path / "results.json")
        if not isinstance(params, dict):
            continue
        try:
            stat = (path / "results.json").stat() if results is not None else (path / "params.json").stat()
        except OSError:
            continue
        found.append((stat.st_mtime, path.name, params, results))
    found.sort(key=lambda item: (item[0], item[1]))
    leaves = [flatten(params) for _, _, params, _ in found]
    space = _infer_space(leaves)
    objective = _infer_objective([results for *_, results in found])
    trials = []
    for number, ((finished, key, params, results), flat) in enumerate(zip(found, leaves)):
        values = {k: flat[k] for k in space if k in flat}
        value = _metric(results, objective.name)
        complete = value is not None
        trials.append(Trial(
            number=number, key=key, values=values, params=params,
            state=TrialState.COMPLETE if complete else TrialState.FAILED,
            value=value, results=results, finished=finished,
            reason=None if complete else f"no finite {objective.name!r} in results.json",
        ))
    return Study(name=name, folder=folder, space=space, objective=objective, trials=tuple(trials),
                 version=version, legacy=True)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None


def flatten(tree: Any, prefix: str = "") -> dict[str, Any]:
    """Every non-dict leaf of nested dicts by dotted name ({"val": {"acc": 1}} -> {"val.acc": 1})."""
    out: dict[str, Any] = {}
    if not isinstance(tree, dict):
        return out
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


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
