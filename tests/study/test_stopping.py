"""Rungs: asynchronous successive halving over the steps trials report."""

from __future__ import annotations

import math

import hypered as hp
from hypered.study.stopping import Rungs


def _rungs(min_step: int = 1, max_step: int | None = 9, reduction: int = 3, maximize: bool = False) -> Rungs:
    objective = hp.maximize("acc") if maximize else hp.minimize("loss")
    return Rungs(hp.asha(min_step=min_step, max_step=max_step, reduction=reduction), objective)


def test_no_trial_is_stopped_before_reduction_trials_reach_the_rung() -> None:
    rungs = _rungs()
    assert rungs.judge(0, 1, {"loss": 1.0}) is None
    assert rungs.judge(1, 1, {"loss": 5.0}) is None  # worse, but only two trials have reached step 1


def test_a_trial_goes_on_only_among_the_best_third_at_the_rung() -> None:
    rungs = _rungs()
    for number, loss in enumerate([1.0, 2.0, 3.0, 4.0, 5.0]):
        rungs.judge(number, 1, {"loss": loss})
    assert rungs.judge(5, 1, {"loss": 2.5}) is not None  # 6 trials: the best 2 go on (1.0 and 2.0)
    assert rungs.judge(6, 1, {"loss": 1.5}) is None
    reason = rungs.judge(7, 1, {"loss": 9.0})
    assert reason == "stopped at step 1: loss 9 is not among the best 1/3 of the 8 trials at step 1"


def test_maximize_keeps_the_highest_values() -> None:
    rungs = _rungs(maximize=True)
    for number, acc in enumerate([0.5, 0.6, 0.7]):
        rungs.judge(number, 1, {"acc": acc})
    assert rungs.judge(3, 1, {"acc": 0.9}) is None
    assert rungs.judge(4, 1, {"acc": 0.55}) is not None


def test_only_rung_steps_below_max_step_judge() -> None:
    rungs = _rungs(min_step=1, max_step=9, reduction=3)  # rungs at 1 and 3
    for number in range(3):
        rungs.judge(number, 1, {"loss": 0.0})
        rungs.judge(number, 3, {"loss": 0.0})
        rungs.judge(number, 9, {"loss": 0.0})
    assert rungs.judge(3, 2, {"loss": 99.0}) is not None  # first seen at step 2: judged at rung 1
    assert rungs.judge(4, 9, {"loss": 99.0}) is not None  # first seen at 9: judged at rungs 1 and 3
    rungs.judge(5, 1, {"loss": 0.0})
    rungs.judge(5, 3, {"loss": 0.0})
    assert rungs.judge(5, 9, {"loss": 99.0}) is None  # max_step is no rung: the end, never a stop
    assert rungs.judge(5, 27, {"loss": 99.0}) is None


def test_a_trial_is_judged_once_per_rung() -> None:
    rungs = _rungs()
    for number, loss in enumerate([1.0, 2.0, 3.0]):
        rungs.judge(number, 1, {"loss": loss})
    assert rungs.judge(0, 1, {"loss": 100.0}) is None  # a repeated step: its first value stands
    assert rungs.judge(0, 2, {"loss": 100.0}) is None  # between rungs: nothing to judge


def test_nan_stops_and_a_report_without_the_objective_does_not() -> None:
    rungs = _rungs()
    assert rungs.judge(0, 5, {"loss": math.nan}) == "stopped at step 5: loss is NaN"
    assert rungs.judge(0, 5, {"accuracy": 0.3}) is None
    assert rungs.judge(0, 5, {"loss": "high"}) is None
