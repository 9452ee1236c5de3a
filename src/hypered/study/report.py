"""What a running study tells its user; the CLI prints it, the library logs it."""

from __future__ import annotations

import logging
from typing import Protocol

from ..objective import Objective
from ..pareto import objective_values
from ..trial import Trial, TrialState
from .answer import Answer
from .spec import StudySpec

log = logging.getLogger("hypered")


class Reporter(Protocol):
    """Receives a study's events, in order."""

    def notice(self, message: str) -> None:
        """Something the user should know before the study starts (a restart, an import)."""

    def remark(self, message: str) -> None:
        """Something the user may like to know while the study runs (a trial repeated to measure noise)."""

    def started(self, spec: StudySpec, trials: list[Trial]) -> None: ...

    def trial_started(self, trial: Trial) -> None: ...

    def trial_finished(self, trial: Trial, best: Trial | None) -> None: ...

    def finished(self, answer: Answer | None, message: str) -> None: ...


class LogReporter:
    """Reports through the `hypered` logger (what `optimize` does by default)."""

    def notice(self, message: str) -> None:
        log.warning("%s", message)

    def remark(self, message: str) -> None:
        log.info("%s", message)

    objectives: tuple[Objective, ...] = ()  # several objectives: the study's, once started

    def started(self, spec: StudySpec, trials: list[Trial]) -> None:
        self.objectives = spec.objectives
        done = sum(t.state in (TrialState.COMPLETE, TrialState.PRUNED) for t in trials)
        if not trials:
            log.info("study %s: new, %d trials to run, in %s", spec.name, spec.iterations, spec.study_dir)
        elif done >= spec.iterations:
            log.info("study %s: resuming with %d of %d trials complete, in %s: nothing to run "
                     "(raise iterations= to run more)", spec.name, done, spec.iterations, spec.study_dir)
        else:
            log.info("study %s: resuming with %d of %d trials complete, in %s", spec.name, done,
                     spec.iterations, spec.study_dir)

    def trial_started(self, trial: Trial) -> None:
        log.debug("trial %d started: %s", trial.number, trial.values)

    def trial_finished(self, trial: Trial, best: Trial | None) -> None:
        if trial.state is TrialState.COMPLETE and self.objectives:
            log.info("trial %d complete: %s%s", trial.number, _values(self.objectives, trial),
                     f", {trial.reason}" if trial.reason else "")
        elif trial.state is TrialState.COMPLETE:
            log.info("trial %d complete: value %g%s (best %g%s)", trial.number, trial.value,
                     f", {trial.reason}" if trial.reason else "",  # a complete trial's reason: infeasible
                     best.value if best and best.value is not None else float("nan"),
                     ", infeasible" if best is not None and best.reason else "")
        elif trial.state is TrialState.PRUNED:
            log.info("trial %d %s", trial.number, trial.reason)
        else:
            log.warning("trial %d %s: %s", trial.number, trial.state.value, trial.reason)

    def finished(self, answer: Answer | None, message: str) -> None:
        log.info("%s", message)
        if answer is not None and self.objectives:
            if not answer.front:
                log.warning("no trial kept every constraint, so the Pareto set is empty")
            for trial in answer.front:
                log.info("Pareto set: trial %d, %s", trial.number, _values(self.objectives, trial))
            return
        if answer is not None and answer.trial.reason:
            log.warning("no trial kept every constraint: the best shown, trial %d, is the least "
                        "infeasible (%s)", answer.trial.number, answer.trial.reason)
        if answer is not None and answer.noisy and answer.observed.number == answer.trial.number:
            log.info("%s (noise std %.3g): recommending trial %d, best posterior mean %.6g and best observed value",
                     answer.why_noisy, answer.noise_std, answer.trial.number, answer.posterior_mean)
        elif answer is not None and answer.noisy:
            log.info("%s (noise std %.3g): recommending trial %d, best posterior mean %.6g; the best "
                     "observed, trial %d at %.6g, may be a lucky draw",
                     answer.why_noisy, answer.noise_std,
                     answer.trial.number, answer.posterior_mean, answer.observed.number, answer.observed.value)


def _values(objectives: tuple[Objective, ...], trial: Trial) -> str:
    """"val.loss 0.31, latency_ms 4.2": a complete trial's value of each objective."""
    values = objective_values(objectives, trial.results)
    return ", ".join(f"{o.name} {v:.6g}" for o, v in zip(objectives, values, strict=True))
