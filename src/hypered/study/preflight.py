"""Before the first trial: what a run will do with what the study's folder already holds.

One function decides, from the stored meta alone, whether a run starts a new
study, resumes it, refuses it (another definition was run under this name),
moves the old study aside (`on_change="restart"`) or continues it with the new
definition (`on_change="continue"`). `--dry-run` and the real run both call it,
so they say the same things; the dry run reads the store read-only.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import StudyError
from ..objective import ObjectiveMissing
from ..space import Integer, lookup, variable_from_dict
from ..storage import DB_FILE, read_meta, read_study, trial_key
from ..storage.legacy import LegacyTrial, find_legacy_trials
from ..trial import Trial, TrialState
from .identity import can_continue, differences, fingerprint
from .spec import StudySpec
from .warm import read_warm_start


@dataclass(frozen=True)
class Plan:
    """What running `spec` will do first."""

    action: str  # "new", "resume", "restart" or "continue"
    stored: Mapping[str, int]  # trials already in study.db, by state
    changes: tuple[str, ...] = ()  # how the stored definition differs from this one
    archive: Path | None = None  # where "restart" moves the old study
    imported: tuple[Trial, ...] = ()  # trials of hypered 1.0.x found in the folder
    skipped: tuple[str, ...] = ()  # 1.0.x folders that cannot be imported, and why
    initial_done: int = 0  # starting points (initial=) a trial of the study already has
    warm: int | None = None  # complete trials of the warm_start study, when there is one

    def describe(self, spec: StudySpec, dry_run: bool = False) -> list[str]:
        """What the plan does beyond starting or resuming, as lines for the user."""
        lines = []
        complete = self.stored.get(TrialState.COMPLETE.value, 0)
        if self.action == "restart":
            lines.append(f"the stored study differs ({'; '.join(self.changes)}): moves it to "
                         f"{self.archive} and starts afresh (on_change=\"restart\")")
        elif self.action == "continue":
            lines.append(f"the stored study differs ({'; '.join(self.changes)}): keeps its "
                         f"{complete} complete trials and goes on with this definition (on_change=\"continue\")")
        if self.imported or self.skipped:
            done = "to import" if dry_run else "imported"
            skipped = (f"; {len(self.skipped)} trial folder(s) do not fit this study and are left "
                       f"out ({self.skipped[0]})" if self.skipped else "")
            lines.append(f"hypered 1.0 trials in {spec.study_dir}: {len(self.imported)} {done} as "
                         f"complete trials{skipped}")
        if spec.initial and dry_run:
            lines.append(self._initial_line(len(spec.initial)))
        if self.warm is not None:
            lines.append(self._warm_line(spec, self.warm))
        return lines

    def _initial_line(self, count: int) -> str:
        left = count - self.initial_done
        if not left:
            return f"the {count} starting points (initial=) are already in the study"
        already = f"{self.initial_done} of {count} starting points (initial=) are already in the study; " \
            if self.initial_done else ""
        return f"{already}runs {'the ' if not already else ''}{left} starting point(s) (initial=) first, " \
               "then the random starts"

    @staticmethod
    def _warm_line(spec: StudySpec, warm: int) -> str:
        random = max(0, spec.random_starts - warm)
        starts = ("the Gaussian process proposes from the first trial" if not random else
                  f"{random} random starts instead of {spec.random_starts}")
        return (f"warm start from {spec.warm_start}: its {warm} complete trials feed the optimizer "
                f"(they stay in that study); {starts}")


def plan_study(spec: StudySpec, meta: Mapping[str, Any] | None = None,
               counts: Mapping[str, int] | None = None) -> Plan:
    """The plan for `spec`, from study.db's meta (read here, read-only, when not given).

    Raises StudyError when the stored study was defined otherwise and `spec.on_change`
    is "refuse", or is "continue" but the old trials cannot mean the same thing, or when
    the warm_start study no longer fits.
    """
    plan = _stored_plan(spec, meta, counts)
    warm = read_warm_start(spec.warm_start, spec.params, spec.all_objectives)
    done = 0
    if spec.initial and plan.action in ("resume", "continue"):
        keys = {trial.key for trial in read_study(spec.study_dir, outline=True).trials}
        done = sum(trial_key(point) in keys for point in spec.initial)
    return replace(plan, initial_done=done, warm=None if warm is None else len(warm.trials))


def _stored_plan(spec: StudySpec, meta: Mapping[str, Any] | None,
                 counts: Mapping[str, int] | None) -> Plan:
    if meta is None or counts is None:
        meta, counts = read_meta(spec.study_dir / DB_FILE)
    if "space" not in meta:  # a new study (or a folder of hypered 1.0.x trial folders)
        imported, skipped = _legacy(spec, find_legacy_trials(spec.study_dir))
        return Plan("new", {}, imported=tuple(imported), skipped=tuple(skipped))
    changes = _changes(spec, meta)
    if not changes:
        return Plan("resume", counts)
    total = sum(counts.values())
    if spec.on_change == "restart":
        return Plan("restart", counts, tuple(changes), archive_path(spec.study_dir))
    stored = meta.get("fingerprint") or {}
    if spec.on_change == "continue":
        if stored and can_continue(stored, fingerprint(spec)):
            return Plan("continue", counts, tuple(changes))
        raise StudyError(
            f"study {spec.name!r} in {spec.study_dir} cannot continue: its search space or objective "
            f"changed ({'; '.join(changes)}), so its {total} trials do not fit this definition. "
            f"Give this study a new name=, or use on_change=\"restart\" (--on-change restart) to move "
            f"the old study aside and start afresh"
        )
    hint = ("; or rerun with on_change=\"continue\" (--on-change continue) to keep its trials and go "
            "on with this definition" if stored and can_continue(stored, fingerprint(spec)) else "")
    raise StudyError(
        f"study {spec.name!r} in {spec.study_dir} holds {total} trials of another definition:\n"
        + "\n".join(f"  {line}" for line in changes)
        + f"\nGive this study a new name= (or another directory){hint}; or rerun with "
        f"on_change=\"restart\" (--on-change restart) to move the old study to "
        f"{archive_path(spec.study_dir).name} and start afresh"
    )


def _changes(spec: StudySpec, meta: Mapping[str, Any]) -> list[str]:
    """How the stored study's definition differs from `spec`'s."""
    current = fingerprint(spec)
    stored = meta.get("fingerprint")
    if stored is None:  # a study of hypered 0.2: only its space and objective were kept
        try:
            params = {name: variable_from_dict(d).describe() for name, d in meta["space"].items()}
        except (AttributeError, KeyError, TypeError, ValueError):
            params = {"?": f"an unreadable space {meta['space']!r}"}
        objective = meta.get("objective") or {}
        stored = {"params": params,
                  "objective": f"{objective.get('direction')}({objective.get('name')!r})"}
        variables = {name for name, _ in spec.params.variables}
        current = {**current, "params": {k: v for k, v in current["params"].items() if k in variables}}
        current.pop("command", None)
        current.pop("function", None)
    return differences(stored, current)


def archive_path(study_dir: Path) -> Path:
    """A free name beside `study_dir` for the old study that "restart" moves aside."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = study_dir.with_name(f"{study_dir.name}.replaced-{stamp}")
    n = 1
    while path.exists():
        n += 1
        path = study_dir.with_name(f"{study_dir.name}.replaced-{stamp}-{n}")
    return path


def _legacy(spec: StudySpec, found: list[LegacyTrial]) -> tuple[list[Trial], list[str]]:
    """1.0.x trial folders as complete trials of `spec`; the folders that do not fit, and why."""
    imported: list[Trial] = []
    skipped: list[str] = []
    for legacy in found:
        try:
            values = _values(spec, legacy.params)
            value = spec.objective.value(legacy.results)
        except KeyError as err:
            skipped.append(f"{legacy.key}: params.json: {err.args[0]}")
            continue
        except (ValueError, ObjectiveMissing) as err:
            skipped.append(f"{legacy.key}: {err}")
            continue
        imported.append(Trial(
            number=len(imported), key=legacy.key, values=values, params=legacy.params,
            state=TrialState.COMPLETE, value=value, results=legacy.results,
            started=legacy.started, finished=legacy.finished, worker="hypered 1.0",
        ))
    return imported, skipped


def _values(spec: StudySpec, params: Any) -> dict[str, Any]:
    """The sampled values of a 1.0.x trial's params.json; ValueError if they do not fit the space."""
    if not isinstance(params, dict):
        raise ValueError("params.json is not a JSON object")
    values = {name: lookup(params, name) for name, _ in spec.params.variables}
    spec.params.check_values(values)  # in range and finite
    return {name: int(values[name]) if isinstance(var, Integer) else values[name]
            for name, var in spec.params.variables}
