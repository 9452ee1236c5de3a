"""Warm start (`warm_start=`): an earlier study's complete trials as the optimizer's first observations.

The earlier study is read read-only through the store's reader (as `hypered.load_study` reads it),
so it may be running meanwhile. It must have the same search space and objective; its command
or function may differ (a new version of the program). Its trials are not copied: they feed the
Gaussian process, while the new study's trials, best.json and recommendation are its own.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ArgumentError, HyperedError, StudyError
from ..objective import Objective
from ..pareto import describe
from ..space import Categorical, ParamsTree, variable_from_dict
from ..storage import StoredStudy, read_study
from ..trial import Trial, TrialState

MAX_WARM_TRIALS = 1000
"""At most this many earlier trials feed the model, whose cost per proposal grows as n^3 (the
study's own trials come on top). Past it, the best half and an even spread of the others."""


@dataclass(frozen=True)
class WarmStart:
    """The trials a study was warm-started from, as read when its run began."""

    folder: Path
    trials: tuple[Trial, ...]  # complete trials of the earlier study whose values fit this space
    complete: int  # complete trials the earlier study held (more than `trials` past MAX_WARM_TRIALS)

    @property
    def meta(self) -> dict[str, Any]:
        """What study.db keeps about it (meta "warm_start")."""
        return {"study": str(self.folder), "trials": len(self.trials), "complete": self.complete,
                "read": time.time()}


def check_warm_start(warm_start: Any, study_dir: Path, tree: ParamsTree,
                     objectives: Sequence[Objective]) -> Path:
    """The earlier study's folder (absolute); ArgumentError unless it is a study of this space and objective."""
    if not isinstance(warm_start, (str, Path)) or not str(warm_start).strip():
        raise ArgumentError(f"warm_start must be the folder of an earlier study (e.g. "
                            f"\"experiments/old_study\"), got {warm_start!r}")
    folder = Path(warm_start).absolute()
    if folder.resolve() == study_dir.absolute().resolve():
        raise ArgumentError(f"warm_start={str(warm_start)!r} is this study's own folder: its trials "
                            "are already its own (resuming uses them)")
    try:
        _compatible(read_study(folder, outline=True), tree, objectives)
    except HyperedError as err:
        raise ArgumentError(f"warm_start={str(warm_start)!r}: {err}") from None
    return folder


def read_warm_start(folder: Path | None, tree: ParamsTree,
                    objectives: Sequence[Objective]) -> WarmStart | None:
    """The earlier study's complete trials, read now; StudyError if it no longer fits this study."""
    if folder is None:
        return None
    try:
        study = read_study(folder)
        _compatible(study, tree, objectives)
    except HyperedError as err:
        raise StudyError(f"warm_start={str(folder)!r}: {err}") from None
    complete = [t for t in study.trials if t.state is TrialState.COMPLETE and t.value is not None
                and _fits(tree, t.values)]
    return WarmStart(folder, _keep(complete, objectives[0]), len(complete))


def _compatible(study: StoredStudy, tree: ParamsTree, objectives: Sequence[Objective]) -> None:
    """StudyError saying what differs unless `study` has this search space and objective."""
    if study.legacy:
        raise StudyError(f"{study.folder} holds trial folders of hypered 1.0 without a study.db, so its "
                         "search space and objective are unknown: run it once with this version (which "
                         "imports them), then warm-start from it")
    if not study.space:
        raise StudyError(f"{study.folder}: its study.db holds no search space yet (a study that never started?)")
    ours = tree.signature()
    changes = [f"{name}: {_show(study.space.get(name))} there, {_show(ours.get(name))} here"
               for name in [*study.space, *(n for n in ours if n not in study.space)]
               if not _same(study.space.get(name), ours.get(name))]
    if study.all_objectives != tuple(objectives):
        changes.append(f"objective: {describe(study.all_objectives)} there, {describe(objectives)} here")
    if changes:
        raise StudyError(f"{study.folder} has another search space or objective ({'; '.join(changes)}); "
                         "a warm start needs the same ones")


def _same(stored: dict[str, Any] | None, ours: dict[str, Any] | None) -> bool:
    if stored is None or ours is None:
        return False
    if _structure(stored) != _structure(ours):
        return False
    if _structure(ours) != _structure({}):  # a conditional part: as JSON, where True and 1 differ
        return json.dumps(stored, sort_keys=True) == json.dumps(ours, sort_keys=True)
    try:
        old, var = variable_from_dict(stored), variable_from_dict(ours)
    except (HyperedError, KeyError, TypeError, ValueError):
        return False
    if isinstance(var, Categorical):  # True == 1 in Python, not as a choice
        return old.describe() == var.describe()
    return old == var


def _structure(entry: dict[str, Any] | None) -> str:
    """The conditional parts of a stored variable: its branches, or when it exists."""
    if not isinstance(entry, dict):
        return ""
    return json.dumps({k: entry.get(k) for k in ("branches", "when", "variants")}, sort_keys=True)


def _show(variable: dict[str, Any] | None) -> str:
    if variable is None:
        return "absent"
    try:
        text = variable_from_dict(variable).describe()
    except (HyperedError, KeyError, TypeError, ValueError):
        return repr(variable)
    if variable.get("branches"):
        text += f" with branches {variable['branches']}"
    if variable.get("when"):
        text += f" when {variable['when']}"
    return text


def _fits(tree: ParamsTree, values: dict[str, Any]) -> bool:
    try:
        tree.check_values(values)
    except (ValueError, TypeError):
        return False
    return True


def _keep(trials: list[Trial], objective: Objective) -> tuple[Trial, ...]:
    """At most MAX_WARM_TRIALS of `trials`: the best half, and an even spread of the others."""
    if len(trials) <= MAX_WARM_TRIALS:
        return tuple(trials)
    ranked = sorted(trials, key=lambda t: objective.loss(t.value or 0.0))
    best, rest = ranked[:MAX_WARM_TRIALS // 2], ranked[MAX_WARM_TRIALS // 2:]
    step = len(rest) / (MAX_WARM_TRIALS - len(best))
    spread = [rest[int(k * step)] for k in range(MAX_WARM_TRIALS - len(best))]
    return tuple(sorted([*best, *spread], key=lambda t: t.number))
