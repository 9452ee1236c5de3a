"""Which params to run next: trials -> unit-cube arrays -> bayesopt -> params."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

from ..bayesopt import ConstraintData, Domain, Proposer, normalize
from ..constraints import Constraint, ConstraintMissing, judge
from ..objective import Objective
from ..pareto import objective_losses
from ..space import Encoding
from ..storage import trial_key
from ..trial import Trial, TrialState
from .initial import sobol_points

_RANDOM_TRIES = 1000  # fresh random points tried before a finite space counts as exhausted
# After this many complete or failed trials in a row without a new best, the next suggestion is a point of
# the Sobol design instead of the GP's (and again after as many more): a GP that settled on a
# region (a plateau of noise, a poor initial design) can predict confidently that nothing better
# lies elsewhere, and never look (benchmarks/FINDINGS.md, third session).
STAGNATION_TRIALS = 8
IMPROVEMENT = 0.01  # a new best beats the old by this share of (median loss - best loss)
# When the GP's fit calls the objective noisy, the first of the budget's last CONFIRM_SHARE trials
# runs the best observed trial's values again (once this many trials are complete, unless the user
# said noisy=True or False): a rough deterministic objective fits as much noise as a noisy one, and
# whether the two values agree tells them apart. Only then: when the fit calls the objective clean,
# its best observed trial is recommended whatever a repeat would show. Late, so that it leaves the
# search before it untouched: a repeat after the random starts cost more than it gained
# (benchmarks/FINDINGS.md, fourth session).
REPEAT_AFTER = 10
# On a noisy objective (a repeat showed it, or noisy=True), this share of the budget's last trials
# re-runs the trial with the best posterior mean instead of proposing a new point: a lucky draw
# among the candidates is found out before the study ends (benchmarks/FINDINGS.md, fourth session).
CONFIRM_SHARE = 0.1
SAME_VALUE = 1e-6  # two values of one configuration agree when closer than this share of the values' spread


@dataclass(frozen=True)
class Recommendation:
    """The trial to report as the study's result, and what the model says about it.

    On a noisy objective the trial with the best posterior mean (the smoothed value), else the
    best observed trial; `value` is then the trial's own value.
    """

    trial: int  # Trial.number
    value: float  # posterior mean of the objective there, in the user's units and direction
    observed: float  # the trial's own value
    noisy: bool  # as declared, else as a repeat showed, else looks noisy: fitted noise std >= 0.1 std of the losses
    noise_std: float  # the fitted noise std, in the user's units (0.0 with one complete trial)
    declared: bool = False  # `noisy` is what the user declared (Suggester's noisy=), not the model's judgement
    repeat: Repeat | None = None  # `noisy` is what a repeated trial showed, not the model's judgement


@dataclass(frozen=True)
class Repeat:
    """Two complete trials with the same values, and whether their values differ."""

    first: int  # Trial.number of the earlier one
    second: int  # Trial.number of the one that repeated its values
    noisy: bool  # their values differ: the objective is noisy

    @property
    def verdict(self) -> str:
        """What the repeat showed, in words."""
        if self.noisy:
            return f"trial {self.second} repeated trial {self.first}'s values and got another value"
        return f"trial {self.second} repeated trial {self.first}'s values and got the same value"


class Suggester:
    """Chooses each trial's values: the `initial` points, a Sobol design for `random_starts` trials, then the GP.

    `initial` points (sampled values, checked against the space) come first, in order, each
    unless a trial already has its values. The design's trials follow, as many as `random_starts`
    less one per `warm` trial (complete trials of an earlier study that the GP sees as
    observations alongside this study's own), so with enough warm trials the GP proposes from
    the first. Each suggestion depends only on the trials passed in, `initial`, `warm` and the
    seed, so a resumed study makes the same choices an uninterrupted one would have.

    With `others` (objectives besides `objective`), each GP suggestion minimizes a random
    Chebyshev scalarization of all the objectives: by ParEGO and qNParEGO in turn
    (Proposer.propose_several, bayesopt.scalarize).

    The last CONFIRM_SHARE of `iterations` trials (the last one at least) check the answer: unless
    `noisy` is given, the first of them repeats the best observed trial's values when the GP's fit
    calls the objective noisy (and REPEAT_AFTER trials are complete), so that `recommend` knows
    instead of guessing; on an objective found noisy (or declared so) the rest re-run the trial
    with the best posterior mean, so that a lucky draw among the candidates is found out.
    """

    def __init__(self, encoding: Encoding, objective: Objective, *, random_starts: int,
                 seed: int, kernel: str, kernel_scale: float | None, acquisition: str,
                 restarts: int, pending: str = "believer",
                 initial: Sequence[Mapping[str, Any]] = (), warm: Sequence[Trial] = (),
                 constraints: Sequence[Constraint] = (), others: Sequence[Objective] = (),
                 noisy: bool | None = None, iterations: int | None = None) -> None:
        self.encoding = encoding
        self.objective = objective
        self.objectives = (objective, *others) if others else ()  # several: all of them; else ()
        self.constraints = tuple(constraints)
        self.random_starts = random_starts
        self.noisy = noisy  # None: the model judges whether the objective is noisy; else as declared
        self.iterations = iterations  # the budget: its last trials check the answer (None: never)
        self.seed = seed
        self.initial = tuple((trial_key(dict(point)), dict(point)) for point in initial)
        self.warm = [t for t in warm if t.state is TrialState.COMPLETE and t.value is not None]
        domain = Domain(
            n_dims=encoding.n_dims,
            discrete_columns=encoding.discrete_columns,
            categorical_groups=encoding.categorical_groups,
            project=encoding.project,
            round=encoding.round if encoding.conditions else None,
            active_columns=encoding.active_columns if encoding.conditions else None,
        )
        self._proposer = Proposer(domain, kernel=kernel, lengthscale=kernel_scale,
                                  acquisition=acquisition, restarts=restarts, pending=pending,
                                  warm_fits=not others, power=not others)
        self._blas = ThreadpoolController()

    def suggest(self, trials: Sequence[Trial]) -> dict[str, Any] | None:
        """Values for the next trial, or None when a finite space has no untried point left.

        Running trials are pending: the next point keeps away from them.
        """
        tried = {trial_key(t.values) for t in trials}  # a repeat's folder differs from its key
        size = self.encoding.size
        if size is not None and len(tried) >= size:
            return None
        complete = [t for t in trials if t.state is TrialState.COMPLETE and t.value is not None]
        rng = np.random.default_rng([self.seed, len(tried)])
        for key, point in self.initial:
            if key not in tried:
                return dict(point)
        drawn = len(tried) - sum(key in tried for key, _ in self.initial)  # trials of the design and the GP
        designing = drawn < self.random_starts - len(self.warm) or not (complete or self.warm)
        again = None if designing else self._to_repeat(trials) or self._to_confirm(trials)
        if again is not None:
            return dict(again.values)
        if designing or self._stagnant(trials):
            return self._design(drawn, tried, rng)
        observed = [*self.warm, *complete]
        if self.objectives:
            X, F = self._objective_rows(trials, observed)
            propose = functools.partial(self._proposer.propose_several, X, F, turn=drawn)
        else:
            X, y = self._observations(trials, observed)
            propose = functools.partial(self._proposer.propose, X, y)
        running = [t.values for t in trials if t.state is TrialState.RUNNING]
        X_pending = self.encoding.encode(running) if running else None
        X_exclude = self.encoding.encode([t.values for t in trials])
        satisfied = np.array([judge(self.constraints, t.results).feasible for t in observed]
                             + [False] * (len(X) - len(observed)), dtype=bool)
        # One BLAS thread: the GP's many small matrix products run 3-10x slower when
        # BLAS threads fight over the cores (measured on 2 cores, benchmarks/scaling.py).
        with self._blas.limit(limits=1, user_api="blas"):
            x = propose(rng, X_pending=X_pending, X_exclude=X_exclude,
                        constraints=self._constraint_data(observed), satisfied=satisfied)
        if x is None:
            return self._random(tried, rng)
        return self.encoding.decode(x[None, :])[0]

    def recommend(self, trials: Sequence[Trial]) -> Recommendation | None:
        """The trial to report as the best, or None when no trial completed.

        Depends only on the complete trials and the seed (failed and running ones are ignored).
        """
        repeat = self.repeated(trials) if self.noisy is None else None
        noisy = self.noisy if repeat is None else repeat.noisy
        complete = [t for t in trials if t.state is TrialState.COMPLETE and t.value is not None]
        if self.constraints:
            complete = [t for t in complete if judge(self.constraints, t.results).feasible]
        if not complete:
            return None
        values = np.array([t.value for t in complete], dtype=float)
        if len(complete) == 1:
            return Recommendation(complete[0].number, float(values[0]), float(values[0]), False, 0.0,
                                  self.noisy is not None)
        X = self.encoding.encode([t.values for t in complete])
        losses = np.array([self.objective.loss(v) for v in values])
        rng = np.random.default_rng([self.seed, len(complete), 1])
        with self._blas.limit(limits=1, user_api="blas"):
            choice = self._proposer.recommend(X, losses, rng, noisy)
        best = complete[choice.index]
        value = self.objective.loss(choice.mean) if choice.noisy else float(values[choice.index])
        return Recommendation(best.number, value, float(values[choice.index]), choice.noisy, choice.noise_std,
                              self.noisy is not None, repeat)

    def repeated(self, trials: Sequence[Trial]) -> Repeat | None:
        """The first pair of complete trials with the same values, and whether their values
        differ by SAME_VALUE of the spread of all values or more; None if no values were repeated.
        Trials stopped early, shown as complete with no results (the loop's _for_model), do not count."""
        complete = sorted((t for t in trials if t.state is TrialState.COMPLETE and t.value is not None
                           and t.results is not None), key=lambda t: t.number)
        first: dict[str, Trial] = {}
        for trial in complete:
            earlier = first.setdefault(trial_key(trial.values), trial)
            if earlier is not trial:
                values = [float(t.value) for t in complete if t.value is not None]
                spread = max(values) - min(values)
                gap = abs(float(trial.value) - float(earlier.value))  # type: ignore[arg-type]
                return Repeat(earlier.number, trial.number, gap > SAME_VALUE * spread)
        return None

    def _to_confirm(self, trials: Sequence[Trial]) -> Trial | None:
        """On a noisy objective (noisy=True, or a repeat showed it), for the last CONFIRM_SHARE of
        `iterations` trials: the trial with the best posterior mean, to run again. None otherwise."""
        if self.noisy is False or not self._late(trials):
            return None
        if self.noisy is None:
            repeat = self.repeated(trials)
            if repeat is None or not repeat.noisy:
                return None
        complete = self._judged(trials)
        choice = self.recommend(complete) if len(complete) >= REPEAT_AFTER else None
        return None if choice is None else next(t for t in complete if t.number == choice.trial)

    def _late(self, trials: Sequence[Trial]) -> bool:
        """Whether the next trial is among the last CONFIRM_SHARE of `iterations` (the last one at
        least), for a study of one objective whose budget is known."""
        if self.objectives or self.iterations is None:
            return False
        counted = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)
        started = sum(t.state in counted for t in trials)
        return self.iterations - max(1, int(CONFIRM_SHARE * self.iterations)) <= started < self.iterations

    def _judged(self, trials: Sequence[Trial]) -> list[Trial]:
        """The complete (and feasible) trials that ran to the end: what a recommendation weighs."""
        return [t for t in trials if t.state is TrialState.COMPLETE and t.value is not None
                and t.results is not None and (not self.constraints or judge(self.constraints, t.results).feasible)]

    def _to_repeat(self, trials: Sequence[Trial]) -> Trial | None:
        """The trial whose values to run again, to tell whether the objective is noisy: among the
        last CONFIRM_SHARE of `iterations` trials, the best observed complete (and feasible) trial if
        REPEAT_AFTER are complete, no values were repeated yet (in any state but interrupted, whose
        values rerun anyway) and the GP's fit calls the objective noisy. None when the user said
        noisy= or when there are several objectives (a Pareto set has no recommendation)."""
        if self.noisy is not None or not self._late(trials):
            return None
        complete = self._judged(trials)
        if len(complete) < REPEAT_AFTER:
            return None
        keys = [trial_key(t.values) for t in trials if t.state is not TrialState.INTERRUPTED]
        if len(set(keys)) < len(keys):
            return None
        judged = self.recommend(complete)
        if judged is None or not judged.noisy:
            return None
        return min(complete, key=lambda t: (self.objective.loss(t.value), t.number))  # type: ignore[arg-type]

    def _stagnant(self, trials: Sequence[Trial]) -> bool:
        """Whether the last complete or failed trials, a multiple of STAGNATION_TRIALS of them,
        all came after the last new best: a complete, feasible trial whose loss beat the best
        before it by more than IMPROVEMENT of the gap between the median loss and the best (an
        objective crawling towards a limit, 0.0501, 0.05005, ..., is not improving). Trials
        stopped early do not count: early stopping ends many trials by design. Several
        objectives: never (each suggestion already aims at another part of the front)."""
        if self.objectives:
            return False
        finished = sorted((t for t in trials if t.state in (TrialState.COMPLETE, TrialState.FAILED)),
                          key=lambda t: t.number)
        losses = {t.number: self.objective.loss(t.value) for t in finished
                  if t.state is TrialState.COMPLETE and t.value is not None
                  and (not self.constraints or judge(self.constraints, t.results).feasible)}
        if not losses:
            return False
        values = np.array(list(losses.values()))
        margin = IMPROVEMENT * float(np.median(values) - np.min(values))
        best_at, best = -1, np.inf
        for index, trial in enumerate(finished):
            loss = losses.get(trial.number)
            if loss is not None and (best_at < 0 or loss < best - margin):
                best_at, best = index, loss
        since = len(finished) - 1 - best_at
        return since > 0 and since % STAGNATION_TRIALS == 0

    def _constraint_data(self, observed: Sequence[Trial]) -> list[ConstraintData]:
        """Each constraint's slack at the trials whose results hold its metric (a trial stopped
        early has no final results: it tells nothing about the constraints)."""
        data = []
        for constraint in self.constraints:
            rows, slack = [], []
            for trial in observed:
                try:
                    slack.append(constraint.slack(constraint.value(trial.results)))
                except ConstraintMissing:
                    continue
                rows.append(trial.values)
            X = self.encoding.encode(rows) if rows else np.empty((0, self.encoding.n_dims))
            data.append(ConstraintData(X, np.array(slack, dtype=float)))
        return data

    def _observations(self, trials: Sequence[Trial], complete: list[Trial]
                      ) -> tuple[np.ndarray, np.ndarray]:  # -> X (n, d), y (n,)
        """Complete trials as (X, losses); failed ones imputed with the worst loss seen."""
        losses = [self.objective.loss(t.value) for t in complete if t.value is not None]
        failed = [t for t in trials if t.state is TrialState.FAILED]
        worst = max(losses)
        X = self.encoding.encode([t.values for t in complete] + [t.values for t in failed])
        y = np.array(losses + [worst] * len(failed), dtype=float)
        return X, y

    def _objective_rows(self, trials: Sequence[Trial], complete: list[Trial]
                        ) -> tuple[np.ndarray, np.ndarray]:  # -> X (n, d), F (n, m)
        """Complete trials as (X, each objective's loss read from the results, rescaled so that the
        front spans [0, 1]); failed ones imputed with each objective's worst."""
        F = normalize(np.array([objective_losses(self.objectives, t.results) for t in complete], dtype=float))
        failed = [t for t in trials if t.state is TrialState.FAILED]
        X = self.encoding.encode([t.values for t in complete] + [t.values for t in failed])
        return X, np.vstack([F, np.repeat(F.max(axis=0, keepdims=True), len(failed), axis=0)])

    def _design(self, index: int, tried: set[str], rng: np.random.Generator
                ) -> dict[str, Any] | None:
        """The index-th point of the Sobol design (skipping ones already tried)."""
        design = sobol_points(self.encoding.n_dims, index + 1, self.seed)
        values = self.encoding.decode(self.encoding.project(design[index:index + 1]))[0]
        if trial_key(values) not in tried:
            return values
        return self._random(tried, rng)

    def _random(self, tried: set[str], rng: np.random.Generator) -> dict[str, Any] | None:
        """A uniformly random untried point, or None if none turns up."""
        for _ in range(_RANDOM_TRIES):
            point = self.encoding.project(rng.random((1, self.encoding.n_dims)))
            values = self.encoding.decode(point)[0]
            if trial_key(values) not in tried:
                return values
        return None
