"""The studies of one experiments folder, found by name and read through `storage`, cached per version.

A study is a direct sub-folder of the experiments folder holding a `study.db`, or (as older runs
left them) trial sub-folders of `params.json` / `results.json`; `storage.reader` reads both,
read-only and without the study lock. Here: finding a study by name without ever joining a URL
into a path, and keeping each parsed study until its files change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..storage import (
    DB_FILE,
    Curve,
    StoredReport,
    StoredStudy,
    find_studies,
    lock_holder,
    read_curves,
    read_reports,
    read_study,
    read_trial,
    reporting_trials,
    study_version,
)
from ..storage import flatten as flatten
from ..trial import Trial
from .cache import PerVersion


@dataclass(frozen=True)
class Study(StoredStudy):
    """A stored study with the GP kernel its settings name ("" when none; model.py checks the name)."""

    kernel: str = ""


class StudyNotFound(Exception):
    """No study of that name under the experiments folder."""


class Experiments:
    """The studies under one experiments folder, each parsed once per change of its files."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self._studies: PerVersion[Study] = PerVersion()

    def names(self) -> list[str]:
        """Names of the study folders, sorted (only direct sub-folders that look like studies)."""
        return [folder.name for folder in find_studies(self.root)]

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
        """The study as its files are now, read once per version of them (StudyReadError if unreadable)."""
        folder = self.folder(name)
        return self._studies.get(name, study_version(folder), lambda: _with_kernel(read_study(folder)))

    def version(self, name: str) -> str:
        """The token of the study's files now (see StoredStudy.version), without reading it."""
        return study_version(self.folder(name))

    def outline(self, name: str) -> Study:
        """The study as last read if that is current; else, for a study.db, its trials without their
        sampled values, params or results: read in a fraction of the time (no JSON parsed), enough
        for the counts, the best value and the last activity. Never waits for a read under way.
        """
        folder = self.folder(name)
        cached = self._studies.peek(name, study_version(folder))
        if cached is not None:
            return cached
        if not (folder / DB_FILE).exists():
            return self.load(name)  # trial folders: read in full (there is no quicker way)
        return _with_kernel(read_study(folder, outline=True))

    def read_trial(self, name: str, number: int) -> Trial | None:
        """One trial of a study.db, read in full (None if there is no such trial or no study.db)."""
        return read_trial(self.folder(name), number)

    def reporting_trials(self, name: str) -> tuple[int, ...]:
        """The numbers of the trials that reported something."""
        return reporting_trials(self.folder(name))

    def curves(self, name: str, numbers: Collection[int] | None = None) -> tuple[Curve, ...]:
        """The learning curves of trials `numbers`, all when None (none for a study without reports)."""
        return read_curves(self.folder(name), numbers)

    def reports(self, name: str, number: int) -> tuple[StoredReport, ...]:
        """The lines trial `number` reported, by step."""
        return read_reports(self.folder(name), number)

    def running(self, name: str) -> bool:
        """Whether a live driver holds the study's lock."""
        return lock_holder(self.folder(name)) is not None


def _with_kernel(study: StoredStudy) -> Study:
    fields = {f.name: getattr(study, f.name) for f in dataclasses.fields(StoredStudy)}
    return Study(**fields, kernel=_kernel(study.settings))


def _kernel(settings: dict[str, Any]) -> str:
    """The kernel name the settings hold. Not checked here: that would import the optimizer (and
    scipy, ~1 s cold) before the study page's first screen; model.py checks it."""
    kernel = settings.get("kernel")
    return kernel if isinstance(kernel, str) else ""
