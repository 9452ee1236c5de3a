"""Trial folders left by hypered 1.0.x: `<study>/<md5>/params.json` + `results.json`, no study.db."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .layout import DB_FILE, LEGACY_BEST_COPY, PARAMS_FILE, RESULTS_FILE

__all__ = ["LEGACY_BEST_COPY", "LegacyTrial", "find_legacy_trials"]



@dataclass(frozen=True)
class LegacyTrial:
    """One trial folder of hypered 1.0.x: what it ran and what it reported."""

    key: str  # the folder's name
    params: Any  # params.json as read
    results: Any  # results.json as read; None if absent or not JSON
    started: float  # params.json's modification time
    finished: float | None  # results.json's, when there is one


def find_legacy_trials(study_dir: Path) -> list[LegacyTrial]:
    """Every sub-folder of `study_dir` holding a params.json, oldest first (none if study.db exists)."""
    study_dir = Path(study_dir)
    if (study_dir / DB_FILE).exists() or not study_dir.is_dir():
        return []
    found = []
    for folder in sorted(p for p in study_dir.iterdir() if p.is_dir() and (p / PARAMS_FILE).is_file()):
        params = _read(folder / PARAMS_FILE)
        if params is None:
            continue
        results_path = folder / RESULTS_FILE
        finished = results_path.stat().st_mtime if results_path.is_file() else None
        found.append(LegacyTrial(folder.name, params, _read(results_path),
                                 (folder / PARAMS_FILE).stat().st_mtime, finished))
    return sorted(found, key=lambda t: (t.finished or t.started, t.key))


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
