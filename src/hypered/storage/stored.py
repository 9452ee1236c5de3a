"""A study as read from its folder: read-only, for the dashboard, the CLI and the library."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..constraints import Constraint, Verdict, best_trial, judge
from ..objective import Objective
from ..pareto import objective_values, pareto_trials
from ..trial import Trial, TrialState
from .layout import Driver

if TYPE_CHECKING:
    import pandas

STATES = ("complete", "failed", "running", "pruned", "interrupted")  # as `counts` gives them


@dataclass(frozen=True)
class Curve:
    """One trial's learning curve: the objective's reported value at each step, by step.

    A value is None where the reported line lacked the objective or it was NaN.
    """

    number: int
    steps: tuple[int, ...]
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class StoredReport:
    """One line a trial reported, as study.db keeps it."""

    step: int
    value: float | None  # the objective's metric at this step (None: absent or NaN)
    metrics: dict[str, Any]  # the whole reported line ("step" included); {} if it cannot be read
    time: float | None  # unix time hypered read it


@dataclass(frozen=True)
class StoredStudy:
    """One study as its files were at some moment (`version` changes whenever the files do).

    Nothing here writes: change a study by running it again.
    """

    name: str
    folder: Path
    space: dict[str, dict[str, Any]]  # dotted name -> variable dict, as stored in study.db's meta
    objective: Objective
    trials: tuple[Trial, ...]
    version: str
    created: float | None = None
    iterations: int | None = None  # complete trials the last run aimed for
    settings: dict[str, Any] = field(default_factory=dict)  # kernel, acquisition_fn, parallel, ...
    legacy: bool = False  # trial folders without study.db: space and objective inferred
    outline: bool = False  # trials read without their sampled values, params and results
    warnings: tuple[str, ...] = ()  # parts of the files that could not be read, said plainly
    driver: Driver | None = None  # the process running the study when it was read
    recommendation: dict[str, Any] | None = None  # the model's choice when the last run ended (meta)
    constraints: tuple[Constraint, ...] = ()  # outcome constraints of the last run (meta)
    objectives: tuple[Objective, ...] = ()  # several objectives (meta): all of them; else ()

    @property
    def all_objectives(self) -> tuple[Objective, ...]:
        """Every objective: `objectives`, or the single `objective`."""
        return self.objectives or (self.objective,)

    @property
    def pareto(self) -> list[Trial]:
        """Of a study of several objectives, the complete feasible trials no other dominates (an
        outline has no results to compare: empty); [] for a single objective."""
        if not self.objectives or self.outline:
            return []
        return pareto_trials(self.trials, self.objectives, self.constraints, self.verdict)

    def trial(self, number: int) -> Trial | None:
        """The trial of that number, or None."""
        for trial in self.trials:
            if trial.number == number:
                return trial
        return None

    @property
    def best(self) -> Trial | None:
        """The trial the study recommends: the model's choice when the last run ended (on a noisy
        objective, the best posterior mean) if no trial completed since, else the best observed."""
        chosen = self.recommended
        return chosen if chosen is not None else self.best_observed

    @property
    def recommended(self) -> Trial | None:
        """The model's choice when the last run ended, while no trial completed since; else None
        (the study runs, or ran before hypered judged noise, or trials completed after it)."""
        rec = self.recommendation
        if not rec or rec.get("complete") != self.counts()["complete"]:
            return None
        trial = self.trial(rec.get("trial", -1))
        return trial if trial is not None and trial.state is TrialState.COMPLETE else None

    @property
    def best_observed(self) -> Trial | None:
        """The complete trial with the best value (the earliest among equals) among the feasible
        ones; while none is feasible, the least infeasible one (see `feasible`); or None."""
        return best_trial(self.trials, self.objective, self.constraints, self.verdict)

    def verdict(self, trial: Trial) -> Verdict:
        """How a trial's results fare against the study's constraints (kept by every trial when
        there are none). An outline has no results: its complete trials are judged by the reason
        stored with them ("infeasible: ..."), without the size of the excess."""
        if not self.constraints:
            return Verdict((), 0.0)
        if self.outline:
            broken = trial.state is TrialState.COMPLETE and bool(trial.reason)
            return Verdict((trial.reason or "",), math.inf) if broken else Verdict((), 0.0)
        return judge(self.constraints, trial.results)

    def feasible(self, trial: Trial) -> bool | None:
        """Whether a complete trial keeps every constraint; None for other trials."""
        if trial.state is not TrialState.COMPLETE:
            return None
        return self.verdict(trial).feasible

    @property
    def running(self) -> bool:
        """Whether a driver held the study's lock when it was read."""
        return self.driver is not None

    def counts(self) -> dict[str, int]:
        """Trials per state: complete, failed, running, pruned, interrupted (each present, maybe 0)."""
        out = dict.fromkeys(STATES, 0)
        for trial in self.trials:
            out[trial.state.value] = out.get(trial.state.value, 0) + 1
        return out

    @property
    def last_activity(self) -> float | None:
        """The latest start or end of any trial (unix time), else when the study was created."""
        times = [t for trial in self.trials for t in (trial.started, trial.finished) if t is not None]
        return max(times, default=self.created)

    def best_summary(self) -> dict[str, Any] | None:
        """The best trial as best.json holds it (params, results, value, experiment_dir, trial, objective);
        for several objectives, the Pareto set (see `pareto_summary`)."""
        if self.objectives:
            if not any(t.state is TrialState.COMPLETE for t in self.trials):
                return None
            return pareto_summary(self.folder, self.objectives, self.pareto, self.constraints)
        best, observed = self.best, self.best_observed
        if best is None or observed is None:
            return None
        return best_summary(self.folder, self.objective, best, observed,
                            self.recommendation if self.recommended is not None else None,
                            self.constraints)

    def rows(self) -> list[dict[str, Any]]:
        """One flat dict per trial, as `hypered export` writes them (see storage.table)."""
        from .table import trial_rows

        return trial_rows(self)

    def to_dataframe(self) -> pandas.DataFrame:
        """Every trial as a pandas DataFrame, one row each, the columns of `hypered export`.

        Needs pandas: `pip install 'hypered[pandas]'`.
        """
        try:
            import pandas
        except ImportError:
            raise ImportError("StoredStudy.to_dataframe needs pandas: pip install 'hypered[pandas]' "
                              "(or pip install pandas)") from None
        from .table import columns

        return pandas.DataFrame(self.rows(), columns=columns(self))


def best_summary(folder: Path, objective: Objective, trial: Trial, observed: Trial | None = None,
                 recommendation: dict[str, Any] | None = None,
                 constraints: Sequence[Constraint] = ()) -> dict[str, Any]:
    """The recommended trial as best.json and `optimize` give it.

    `recommendation` is the model's judgement (noisy, posterior_mean, noise_std); None while the
    study runs, when `trial` is simply the best observed. With `constraints`, "feasible" says
    whether the trial keeps them all (false: no trial does yet, and this is the least infeasible)
    and "violations" lists the broken ones.
    """
    observed = observed or trial
    summary = {
        "params": trial.params,
        "results": trial.results,
        "value": trial.value,
        "experiment_dir": str((Path(folder) / trial.key).absolute()),
        "trial": trial.number,
        "objective": objective.describe(),
        "recommended_by": recommended_by(recommendation),
        "posterior_mean": None if recommendation is None else recommendation.get("posterior_mean"),
        "noise_std": None if recommendation is None else recommendation.get("noise_std"),
        "best_observed": {"trial": observed.number, "value": observed.value},
    }
    if constraints:
        verdict = judge(constraints, trial.results)
        summary["feasible"] = verdict.feasible
        summary["violations"] = list(verdict.violations)
        summary["constraints"] = [c.describe() for c in constraints]
    return summary


def recommended_by(recommendation: dict[str, Any] | None) -> str:
    """How the recommended trial was chosen, as best.json's "recommended_by" says it (`recommendation`:
    the model's judgement, or with "declared" the user's noisy=, or with "repeat" what a repeated
    trial showed; None while the study runs)."""
    noisy = None if recommendation is None else recommendation.get("noisy")
    if noisy is None:
        return "best observed value (so far: the model judges when the study ends)"
    if recommendation is not None and recommendation.get("declared"):
        return "best posterior mean (noisy=True)" if noisy else "best observed value (noisy=False)"
    if recommendation is not None and recommendation.get("repeat"):
        return f"{'best posterior mean' if noisy else 'best observed value'} ({recommendation['repeat']})"
    if noisy:
        return "best posterior mean (the objective looks noisy)"
    return "best observed value (the objective does not look noisy)"


def pareto_summary(folder: Path, objectives: Sequence[Objective], front: Sequence[Trial],
                   constraints: Sequence[Constraint] = ()) -> dict[str, Any]:
    """The Pareto set of a study of several objectives, as best.json and `optimize` give it.

    "pareto" lists the trials (by number) with each objective's value under its metric name;
    with `constraints`, "feasible" is false while no trial keeps them all (the list is then empty).
    """
    summary: dict[str, Any] = {
        "objectives": [o.describe() for o in objectives],
        "pareto": [{
            "trial": trial.number,
            "values": dict(zip((o.name for o in objectives), objective_values(objectives, trial.results), strict=True)),
            "params": trial.params,
            "results": trial.results,
            "experiment_dir": str((Path(folder) / trial.key).absolute()),
        } for trial in front],
    }
    if constraints:
        summary["feasible"] = bool(front)
        summary["constraints"] = [c.describe() for c in constraints]
    return summary
