"""Outcome constraints as values: at_most/at_least, their checks, verdicts and the best trial."""

from __future__ import annotations

import math

import pytest

import hypered as hp
from hypered.constraints import best_trial, check_constraints, judge
from hypered.errors import ArgumentError
from hypered.trial import Trial, TrialState


def _trial(number: int, value: float, results: dict, state: TrialState = TrialState.COMPLETE) -> Trial:
    return Trial(number, f"k{number}", {}, {}, state, value=value, results=results)


def test_violation_says_which_bound_and_by_what_value() -> None:
    assert hp.at_most("memory_gb", 16).violation(18.2) == "memory_gb = 18.2 > 16"
    assert hp.at_most("memory_gb", 16).violation(16.0) is None  # the bound itself is allowed
    assert hp.at_least("val.acc", 0.9).violation(0.85) == "val.acc = 0.85 < 0.9"
    assert hp.at_least("val.acc", 0.9).violation(0.95) is None


def test_judge_reads_dotted_metrics_and_counts_a_missing_one_as_broken() -> None:
    constraints = [hp.at_most("memory_gb", 16), hp.at_least("val.acc", 0.9)]
    ok = judge(constraints, {"memory_gb": 3, "val": {"acc": 0.95}})
    assert ok.feasible and ok.excess == 0.0
    broken = judge(constraints, {"memory_gb": 20, "val": {"acc": 0.45}})
    assert broken.violations == ("memory_gb = 20 > 16", "val.acc = 0.45 < 0.9")
    assert broken.excess == pytest.approx(4 / 16 + 0.45 / 0.9)
    missing = judge(constraints, {"memory_gb": 3})
    assert not missing.feasible and math.isinf(missing.excess) and "'val.acc' not in results" in missing.violations[0]


def test_best_trial_is_the_best_feasible_else_the_least_infeasible() -> None:
    objective = hp.minimize("loss")
    constraints = [hp.at_most("mem", 10)]
    trials = [_trial(0, 5.0, {"loss": 5.0, "mem": 1}), _trial(1, 1.0, {"loss": 1.0, "mem": 30}),
              _trial(2, 3.0, {"loss": 3.0, "mem": 9}), _trial(3, 0.0, {"mem": 1}, TrialState.PRUNED)]
    best = best_trial(trials, objective, constraints)
    assert best is not None and best.number == 2  # trial 1 is better but breaks the bound
    assert best_trial(trials, objective) is trials[1]  # without constraints, unchanged
    infeasible = [_trial(0, 1.0, {"loss": 1.0, "mem": 30}), _trial(1, 9.0, {"loss": 9.0, "mem": 12})]
    least = best_trial(infeasible, objective, constraints)
    assert least is not None and least.number == 1  # 20% over beats 200% over, whatever the loss


@pytest.mark.parametrize("make, message", [
    (lambda: hp.at_most("mem", "16"), "the bound must be a finite number, got '16'"),
    (lambda: hp.at_least("acc", math.nan), "the bound must be a finite number"),
    (lambda: hp.at_most("", 1), "give the metric's name first"),
    (lambda: hp.at_most("a..b", 1), "give the metric's name first"),
])
def test_invalid_constraints_say_what_to_do(make, message) -> None:
    with pytest.raises(ArgumentError, match=message):
        make()


@pytest.mark.parametrize("constraints, message", [
    ([hp.at_most("loss", 1)], r"constraints\[0\]: at_most\('loss', 1\) bounds the objective's own metric"),
    ([hp.at_most("mem", 8), hp.at_least("mem", 10)], r"constraints\[1\]: at_least\('mem', 10\) conflicts "
                                                    r"with at_most\('mem', 8\)"),
    ([hp.at_most("mem", 8), hp.at_most("mem", 9)], r"constraints\[1\]: .* repeats constraints\[0\]"),
    (["mem <= 8"], r"constraints\[0\]: expected at_most"),
    (hp.at_most("mem", 8), "constraints must be a list"),
])
def test_invalid_combinations_are_refused(constraints, message) -> None:
    with pytest.raises(ArgumentError, match=message):
        check_constraints(hp.minimize("loss"), constraints)


def test_a_range_on_one_metric_is_allowed() -> None:
    both = [hp.at_least("mem", 2), hp.at_most("mem", 8)]
    assert check_constraints(hp.minimize("loss"), both) == tuple(both)
