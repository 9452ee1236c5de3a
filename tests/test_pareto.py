"""Several objectives as values: the objective list's checks, dominance and the Pareto set."""

from __future__ import annotations

import pytest

import hypered as hp
from hypered.errors import ArgumentError
from hypered.pareto import check_objectives, describe, dominates, objective_values, pareto_trials
from hypered.trial import Trial, TrialState

OBJECTIVES = (hp.minimize("loss"), hp.maximize("val.acc"))


def _trial(number: int, loss: float, acc: float, state: TrialState = TrialState.COMPLETE,
           **extra: float) -> Trial:
    results = {"loss": loss, "val": {"acc": acc}, **extra}
    return Trial(number, f"k{number}", {}, {}, state, value=loss, results=results)


def test_dominates_needs_no_worse_everywhere_and_better_somewhere() -> None:
    assert dominates((1.0, 1.0), (1.0, 2.0))
    assert not dominates((1.0, 2.0), (1.0, 2.0))  # equal: neither dominates
    assert not dominates((0.0, 3.0), (1.0, 2.0))  # a trade-off


def test_the_pareto_set_reads_dotted_metrics_and_respects_directions() -> None:
    trials = [_trial(0, 1.0, 0.9), _trial(1, 2.0, 0.95), _trial(2, 2.0, 0.9),  # 2 is dominated by 0 and 1
              _trial(3, 0.5, 0.5), _trial(4, 0.1, 0.99, TrialState.FAILED), _trial(5, 1.0, 0.9)]
    front = pareto_trials(trials, OBJECTIVES)
    assert [t.number for t in front] == [0, 1, 3, 5]  # 5 equals 0: both kept; failed ones never count
    assert objective_values(OBJECTIVES, trials[1].results) == (2.0, 0.95)


def test_the_pareto_set_is_among_feasible_trials() -> None:
    trials = [_trial(0, 1.0, 0.9, mem=1), _trial(1, 0.1, 0.99, mem=50), _trial(2, 2.0, 0.8, mem=2)]
    front = pareto_trials(trials, OBJECTIVES, [hp.at_most("mem", 10)])
    assert [t.number for t in front] == [0]  # trial 1 dominates both but breaks the bound
    assert pareto_trials(trials[1:2], OBJECTIVES, [hp.at_most("mem", 10)]) == []


@pytest.mark.parametrize("objective, message", [
    ([], r"objective is an empty list: give one objective"),
    ([hp.minimize("loss")], r"objective is a list of one \(minimize\('loss'\)\)"),
    ([hp.minimize("loss"), hp.maximize("loss")], r"objective\[1\]: maximize\('loss'\) repeats objective\[0\]"),
    ([hp.minimize("loss"), "ms"], r"objective\[1\]: expected minimize"),
    ("loss", r"objective must be minimize"),
])
def test_invalid_objective_lists_are_refused(objective, message) -> None:
    with pytest.raises(ArgumentError, match=message):
        check_objectives(objective)


def test_a_single_objective_is_a_tuple_of_one_and_describes_as_before() -> None:
    assert check_objectives(hp.minimize("loss")) == (hp.minimize("loss"),)
    assert describe((hp.minimize("loss"),)) == "minimize('loss')"
    assert describe(OBJECTIVES) == "[minimize('loss'), maximize('val.acc')]"
