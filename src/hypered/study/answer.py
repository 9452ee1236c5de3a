"""A study's answer: the trial it recommends, and the best observed one when they differ; for
several objectives, the Pareto set.

On a noisy objective the lowest observed value is often a lucky draw, so the study
recommends the trial whose GP posterior mean is best (the smoothed value); on a
deterministic one, the best observed trial (suggest.Suggester.recommend decides which).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..storage import best_summary, pareto_summary
from ..suggest import Repeat
from ..trial import Trial
from .spec import StudySpec


@dataclass(frozen=True)
class Answer:
    """The recommended trial and how it was chosen."""

    trial: Trial
    observed: Trial  # the best observed trial (the same one unless the objective looks noisy)
    noisy: bool | None  # whether the objective looks noisy; None until the model has judged
    posterior_mean: float | None = None  # the model's mean at the recommended trial, user's units
    noise_std: float | None = None  # the fitted noise std, user's units
    front: tuple[Trial, ...] = ()  # several objectives: the Pareto set among feasible trials
    declared: bool = False  # `noisy` is the user's noisy= rather than the model's judgement
    repeat: Repeat | None = None  # `noisy` is what a repeated trial showed

    @property
    def why_noisy(self) -> str:
        """Why the objective counts as noisy, for the end-of-run line: the user's noisy=True, a
        repeated trial, or the fit."""
        if self.declared:
            return "noisy=True"
        return self.repeat.verdict if self.repeat is not None else "the objective looks noisy"

    def summary(self, spec: StudySpec) -> dict[str, Any]:
        """What best.json holds and `optimize` returns: the trial, or for several objectives the Pareto set."""
        if spec.objectives:
            return pareto_summary(spec.study_dir, spec.objectives, self.front, spec.constraints)
        judged = None if self.noisy is None else {
            "noisy": self.noisy, "posterior_mean": self.posterior_mean, "noise_std": self.noise_std,
            "declared": self.declared, "repeat": None if self.repeat is None else self.repeat.verdict}
        return best_summary(spec.study_dir, spec.objective, self.trial, self.observed, judged,
                            spec.constraints)
