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


def test_a_stopped_trial_is_shifted_by_the_median_improvement_of_complete_ones() -> None:
    curves = _curves({0: [3.0, 2.0, 1.0], 1: [4.0, 2.0, 1.5], 2: [5.0, 4.0, 1.0], 9: [6.0]})
    finals = {0: 1.0, 1: 1.5, 2: 1.0}
    # improvements from step 1 to the end: -2.0, -2.5, -4.0; median -2.5
    assert curves.extrapolate(9, finals) == pytest.approx(3.5)


def test_the_shift_uses_each_complete_trial_at_the_stopped_step_or_before() -> None:
    curves = _curves({0: [3.0, 2.0, 1.0], 9: [6.0, 5.0]})
    curves.add(1, 1, {"loss": 4.0})  # trial 1 reported step 1 only, then finished at 3.0
    assert curves.extrapolate(9, {0: 1.0, 1: 3.0}) == pytest.approx(5.0 + (-1.0 - 1.0) / 2)


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
