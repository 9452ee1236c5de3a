"""The Suggester with starting points (`initial`) and an earlier study's trials (`warm`)."""

from __future__ import annotations

import hypered as hp
from hypered.space import Encoding
from hypered.space.params import parse_params
from hypered.storage import trial_key
from hypered.suggest import Suggester
from hypered.trial import Trial, TrialState

SPACE = {"x": hp.real(0.0, 1.0), "n": hp.integer(1, 8)}
P0, P1 = {"x": 0.25, "n": 2}, {"x": 0.75, "n": 7}


def _suggester(**kwargs) -> Suggester:
    arguments = dict(random_starts=4, seed=0, kernel="Matern52", kernel_scale=None, acquisition="EI", restarts=2)
    return Suggester(Encoding(parse_params(SPACE).variables), hp.minimize("loss"), **{**arguments, **kwargs})


def _trial(number: int, values: dict, state: TrialState = TrialState.COMPLETE) -> Trial:
    return Trial(number, trial_key(values), values, values, state,
                 value=(values["x"] - 0.6) ** 2 if state is TrialState.COMPLETE else None)


def test_starting_points_come_first_in_order_unless_a_trial_has_them() -> None:
    suggester = _suggester(initial=[P0, P1])
    assert suggester.suggest([]) == P0
    assert suggester.suggest([_trial(0, P0, TrialState.RUNNING)]) == P1
    assert suggester.suggest([_trial(0, P1, TrialState.FAILED)]) == P0  # a failed one ran: not again


def test_the_design_after_the_starting_points_is_a_study_s_without_them() -> None:
    cold = _suggester()
    first = cold.suggest([])
    assert first is not None
    second = cold.suggest([_trial(0, first)])
    warm_trials = [_trial(0, P0), _trial(1, P1)]
    assert _suggester(initial=[P0, P1]).suggest(warm_trials) == first
    assert _suggester(initial=[P0, P1]).suggest([*warm_trials, _trial(2, first)]) == second


def test_each_warm_trial_replaces_a_random_start() -> None:
    cold = _suggester()
    first = cold.suggest([])
    assert first is not None
    warm = [_trial(n, {"x": x, "n": 3}) for n, x in enumerate((0.1, 0.5, 0.9))]
    assert _suggester(warm=warm).suggest([]) == first  # 4 random starts less 3: one left
    gp = _suggester(warm=warm).suggest([_trial(0, first)])
    assert gp is not None and gp != cold.suggest([_trial(0, first)])
    proposal = _suggester(warm=warm, random_starts=3).suggest([])  # none left: the GP from the first
    assert proposal is not None and proposal != first and abs(proposal["x"] - 0.6) < 0.3
