"""The Suggester: trials in, the next trial's values out (Sobol starts, then the GP)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import hypered as hp
from hypered.space import Encoding
from hypered.space.params import parse_params
from hypered.storage import trial_key
from hypered.suggest import Suggester
from hypered.suggest.suggester import STAGNATION_TRIALS
from hypered.trial import Trial, TrialState

SPACE = {"x": hp.real(-2.0, 2.0), "n": hp.integer(1, 8), "kind": hp.categorical(["a", "b", "c"])}


def make_suggester(space=SPACE, objective=None, random_starts=4, seed=0, pending="believer") -> Suggester:
    return Suggester(Encoding(parse_params(space).variables), objective or hp.minimize("loss"),
                     random_starts=random_starts, seed=seed, kernel="Matern52", kernel_scale=None,
                     acquisition="EI", restarts=2, pending=pending)


def loss(values) -> float:
    return (values["x"] - 0.5) ** 2 + 0.1 * (values["n"] - 3) ** 2 + (0.0 if values["kind"] == "b" else 1.0)


def run(suggester: Suggester, count: int, value=loss) -> list[Trial]:
    """`count` sequential trials, each complete before the next is suggested."""
    trials: list[Trial] = []
    for number in range(count):
        values = suggester.suggest(trials)
        assert values is not None
        trials.append(Trial(number, trial_key(values), values, values, TrialState.COMPLETE, value=value(values)))
    return trials


def running(trials: list[Trial], values) -> list[Trial]:
    return trials + [Trial(len(trials), trial_key(values), values, values, TrialState.RUNNING)]


def test_the_same_seed_and_trials_give_the_same_suggestions():
    first = [t.values for t in run(make_suggester(seed=3), 7)]
    again = [t.values for t in run(make_suggester(seed=3), 7)]
    other = [t.values for t in run(make_suggester(seed=4), 7)]
    assert first == again
    assert first != other


def test_values_are_in_the_space_and_never_repeated():
    trials = run(make_suggester(), 14)
    for t in trials:
        assert -2.0 <= t.values["x"] <= 2.0
        assert isinstance(t.values["n"], int) and 1 <= t.values["n"] <= 8
        assert t.values["kind"] in ("a", "b", "c")
    assert len({t.key for t in trials}) == len(trials)


def test_the_model_finds_the_good_region():
    trials = run(make_suggester(), 20)
    best = min(trials, key=lambda t: t.value)
    assert best.values["kind"] == "b"
    assert best.value < 0.15
    assert min(t.value for t in trials[4:]) < min(t.value for t in trials[:4])


def test_maximize_means_larger_is_better():
    trials = run(make_suggester(objective=hp.maximize("score")), 16, value=lambda v: -loss(v))
    assert max(t.value for t in trials) > -0.15


@pytest.mark.parametrize("pending", ["believer", "liar_worst", "samples"])
def test_a_running_trial_pushes_the_next_suggestion_away(pending):
    suggester = make_suggester(pending=pending)
    trials = run(suggester, 10)
    alone = suggester.suggest(trials)
    assert alone is not None
    with_pending = suggester.suggest(running(trials, alone))
    assert with_pending is not None and with_pending != alone


def test_failed_trials_count_as_the_worst_and_are_not_suggested_again():
    suggester = make_suggester()
    trials = run(suggester, 8)
    trials = [dataclasses.replace(t, state=TrialState.FAILED, value=None, reason="exit 1") if t.number % 2 else t
              for t in trials]
    values = suggester.suggest(trials)
    assert values is not None and trial_key(values) not in {t.key for t in trials}


def test_a_finite_space_is_exhausted_then_none():
    space = {"n": hp.integer(1, 3), "kind": hp.categorical(["a", "b"])}  # 6 points
    suggester = make_suggester(space, random_starts=2)
    trials = run(suggester, 6, value=lambda v: float(v["n"]) + (v["kind"] == "a"))
    assert len({t.key for t in trials}) == 6
    assert suggester.suggest(trials) is None


def complete(values_and_losses, direction=None) -> list[Trial]:
    return [Trial(i, trial_key(v), v, v, TrialState.COMPLETE, value=value)
            for i, (v, value) in enumerate(values_and_losses)]


def test_recommend_is_the_best_observed_trial_when_the_objective_is_deterministic():
    trials = run(make_suggester(), 12)
    recommendation = make_suggester().recommend(trials)
    best = min(trials, key=lambda t: t.value)
    assert recommendation is not None and not recommendation.noisy
    assert recommendation.trial == best.number
    assert recommendation.value == recommendation.observed == best.value


def test_recommend_judges_a_noisy_objective_by_the_posterior_mean():
    rng = np.random.default_rng(0)
    xs = np.linspace(-2.0, 2.0, 40)
    values = [{"x": float(x), "n": 3, "kind": "b"} for x in xs]
    losses = (xs - 0.5) ** 2 + 0.4 * rng.standard_normal(40)
    lucky = 2  # x = -1.8: truly bad, drawn best
    losses[lucky] = losses.min() - 0.3
    recommendation = make_suggester().recommend(complete(zip(values, losses.tolist())))
    assert recommendation is not None and recommendation.noisy
    assert recommendation.trial != lucky
    assert abs(values[recommendation.trial]["x"] - 0.5) < 0.6
    assert recommendation.observed == losses[recommendation.trial]
    assert 0.2 < recommendation.noise_std < 0.8  # the noise std was 0.4


def test_recommend_reports_values_in_the_users_direction_and_few_trials_are_not_called_noisy():
    values = [{"x": x, "n": 3, "kind": "b"} for x in (-1.0, 0.0, 1.0)]
    recommendation = make_suggester(objective=hp.maximize("acc")).recommend(
        complete(zip(values, [0.2, 0.9, 0.5])))
    assert recommendation is not None and recommendation.trial == 1 and recommendation.value == 0.9


def test_recommend_ignores_failed_and_running_trials_and_needs_one_complete():
    suggester = make_suggester()
    assert suggester.recommend([]) is None
    values = {"x": 0.0, "n": 3, "kind": "b"}
    failed = Trial(0, trial_key(values), values, values, TrialState.FAILED)
    assert suggester.recommend([failed]) is None
    one = Trial(1, "k", values, values, TrialState.COMPLETE, value=1.5)
    recommendation = suggester.recommend([failed, one])
    assert recommendation is not None and (recommendation.trial, recommendation.value) == (1, 1.5)


def test_a_study_that_stopped_improving_gets_a_point_of_the_design_every_few_trials():
    suggester = make_suggester()
    trials = run(suggester, 6)
    for number in range(6, 6 + STAGNATION_TRIALS - 1):  # none beats the best of the first six
        values = suggester.suggest(trials)
        trials.append(Trial(number, trial_key(values), values, values, TrialState.COMPLETE, value=100.0))
    design = make_suggester(random_starts=1000)  # the same Sobol sequence, still in its design
    assert suggester.suggest(trials) != design.suggest(trials)  # the GP's, one trial short
    values = suggester.suggest(trials)
    trials.append(Trial(len(trials), trial_key(values), values, values, TrialState.FAILED))
    assert suggester.suggest(trials) == design.suggest(trials)
    values = design.suggest(trials)
    trials.append(Trial(len(trials), trial_key(values), values, values, TrialState.COMPLETE, value=100.0))
    assert suggester.suggest(trials) != design.suggest(trials)  # and the GP again after it
