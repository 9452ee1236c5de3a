"""A trial's reports.jsonl: what its program reported step by step, read as it grows."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .layout import REPORTS_FILE

__all__ = ["REPORTS_FILE", "Report", "ReportReader"]


@dataclass(frozen=True)
class Report:
    """One line of reports.jsonl: a step and the metrics reported at it."""

    step: int
    metrics: dict[str, Any]  # the whole line, "step" included
    time: float  # when hypered read it


class ReportReader:
    """Reads the lines appended to one reports.jsonl since the last read.

    A line is taken once it ends with a newline. Lines that are not a JSON object
    with a whole `step` >= 0, and steps not above the last one taken, are skipped;
    `problems` says why, one entry per skipped line.
    """

    def __init__(self, path: Path, last_step: int = -1) -> None:
        self.path = Path(path)
        self.last_step = last_step
        self.problems: list[str] = []
        self._offset = 0
        self._line = 0

    def read(self, now: float) -> list[Report]:
        """The reports appended since the last call (none if the file does not exist yet)."""
        try:
            with open(self.path, "rb") as f:
                f.seek(self._offset)
                data = f.read()
        except OSError:
            return []
        end = data.rfind(b"\n") + 1  # a last line without its newline is still being written
        self._offset += end
        reports = []
        for raw in data[:end].splitlines():
            self._line += 1
            report = self._parse(raw, now)
            if report is not None:
                reports.append(report)
        return reports

    def _parse(self, raw: bytes, now: float) -> Report | None:
        where = f"{self.path.name} line {self._line}"
        if not raw.strip():
            return None
        try:
            line = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            self.problems.append(f"{where} is not JSON; skipped")
            return None
        step = line.get("step") if isinstance(line, dict) else None
        if isinstance(step, float) and math.isfinite(step) and step.is_integer():
            step = int(step)
        if isinstance(step, bool) or not isinstance(step, int) or step < 0:
            self.problems.append(f"{where} has no whole \"step\" >= 0; skipped")
            return None
        if step <= self.last_step:
            self.problems.append(f"{where}: step {step} does not follow step {self.last_step}; skipped")
            return None
        self.last_step = step
        return Report(step, line, now)
