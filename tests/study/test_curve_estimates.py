"""Curves: what trials reported step by step, and the final value a stopped trial is shown at."""

from __future__ import annotations

import math

import pytest

import hypered as hp
from hypered.study.curves import Curves


def _curves(trials: dict[int, list[float]], maximize: bool = False) -> Curves:
    """Trial number -> its values at steps 1, 2, ..."""
    objective = hp.maximize("acc") if maximize else hp.minimize("loss")
    curves = Curves(objective)
    for number, values in trials.items():
        for step, value in enumerate(values, start=1):
            curves.add(number, step, {objective.name: value})
    return curves


def test_add_returns_the_objective_value_or_none() -> None:
    curves = Curves(hp.minimize("val.loss"))
    assert curves.add(0, 1, {"val": {"loss": 0.5}}) == 0.5
    assert curves.add(0, 2, {"loss": 0.5}) is None
    assert curves.add(0, 3, {"val": {"loss": "x"}}) is None
    value = curves.add(0, 4, {"val": {"loss": math.nan}})
    assert value is not None and math.isnan(value)


def test_last_is_the_report_at_the_highest_step() -> None:
    curves = Curves(hp.minimize("loss"))
    assert curves.last(0) is None
    curves.add(0, 2, {"loss": 0.4, "acc": 0.9})
    curves.add(0, 1, {"loss": 0.6})  # arrives late: not the last
    assert curves.last(0) == (2, {"loss": 0.4, "acc": 0.9}, 0.4)


def test_a_stopped_trial_is_shown_at_the_final_value_of_its_rank() -> None:
    curves = _curves({0: [3.0, 2.0, 1.0], 1: [4.0, 2.0, 2.0], 2: [5.0, 4.0, 1.5], 9: [4.5]})
    finals = {0: 1.0, 1: 2.0, 2: 1.5}
    # at step 1: 3, 4, 5; finals sorted: 1.0, 1.5, 2.0; 4.5 is halfway from the 2nd to the 3rd
    assert curves.extrapolate(9, finals) == pytest.approx(1.75)


def test_beyond_the_complete_trials_a_stopped_trial_keeps_its_distance_to_the_extreme_one() -> None:
    curves = _curves({0: [3.0, 2.0, 1.0], 1: [4.0, 2.0, 1.5], 2: [5.0, 4.0, 1.0], 8: [2.0], 9: [6.0]})
    finals = {0: 1.0, 1: 1.5, 2: 1.0}
    assert curves.extrapolate(9, finals) == pytest.approx(1.5 + 1.0)  # the worst final, 1 worse
    assert curves.extrapolate(8, finals) == pytest.approx(1.0 - 1.0)  # the best final, 1 better


def test_a_slow_learner_is_not_shown_at_the_median_shift() -> None:
    # trial 0 learns fast (good at step 1, ends 0.9), trial 1 slowly (bad at step 1, ends best);
    # a median shift would show trial 9, between them at step 1, at 2.5 - 1.35 = 1.15
    curves = _curves({0: [1.0, 0.9, 0.9], 1: [4.0, 2.0, 0.2], 9: [2.5]})
    assert curves.extrapolate(9, {0: 0.9, 1: 0.2}) == pytest.approx(0.55)


def test_the_rank_uses_each_complete_trial_at_the_stopped_step_or_before() -> None:
    curves = _curves({0: [3.0, 2.0, 1.0], 9: [6.0, 5.0]})
    curves.add(1, 1, {"loss": 4.0})  # trial 1 reported step 1 only, then finished at 3.0
    # at step 2: trial 0 at 2.0, trial 1 at its step 1 value 4.0; 5.0 is 1 worse than the worst
    assert curves.extrapolate(9, {0: 1.0, 1: 3.0}) == pytest.approx(3.0 + 1.0)


def test_without_complete_trials_the_last_value_is_kept() -> None:
    curves = _curves({9: [6.0, 5.0]})
    assert curves.extrapolate(9, {}) == 5.0
    assert curves.extrapolate(8, {}) is None  # reported nothing


def test_maximize_shifts_upward() -> None:
    curves = _curves({0: [0.5, 0.9], 9: [0.4]}, maximize=True)
    assert curves.extrapolate(9, {0: 0.9}) == pytest.approx(0.8)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_diverged_trial_is_shown_at_the_worst_value_seen(bad: float) -> None:
    curves = _curves({0: [3.0, 2.0, 1.0], 1: [4.0, 3.0, 2.5], 9: [0.1, bad]})
    assert curves.extrapolate(9, {0: 1.0, 1: 2.5}) == 2.5  # not 0.1 shifted: its step 1 said nothing
    assert _curves({9: [0.1, 0.2, bad]}).extrapolate(9, {}) == 0.2
    assert _curves({9: [bad]}).extrapolate(9, {}) is None
    assert _curves({0: [0.5, 0.9], 9: [0.95, bad]}, maximize=True).extrapolate(9, {0: 0.9}) == 0.9


def test_a_report_without_the_objective_changes_no_value() -> None:
    curves = _curves({0: [3.0, 1.0], 9: [6.0, 5.0]})
    curves.add(9, 3, {"accuracy": 0.2})
    assert curves.extrapolate(9, {0: 1.0}) == pytest.approx(5.0)  # trial 0 ended at its step 2 value
    assert curves.last(9) == (3, {"accuracy": 0.2}, None)
