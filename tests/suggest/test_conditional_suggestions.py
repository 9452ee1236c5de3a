"""The Suggester on a conditional space: every proposal takes whole branches, the GP's included."""

from __future__ import annotations

import numpy as np

import hypered as hp
from hypered.space import Encoding
from hypered.space.params import parse_params
from hypered.storage import trial_key
from hypered.suggest import Suggester
from hypered.trial import Trial, TrialState

TREE = parse_params({"kind": hp.categorical({
    "a": {"x": hp.real(-2.0, 2.0), "n": hp.integer(1, 8)},
    "b": {"x": hp.real(0.0, 1.0), "mode": hp.categorical({"p": {"y": hp.real(0.0, 1.0)}, "q": {}})},
    "c": {},
})})
ENCODING = Encoding(TREE.variables, TREE.conditions)


def loss(values: dict) -> float:
    if values["kind"] == "a":
        return (values["x"] - 0.5) ** 2 + 0.1 * (values["n"] - 3) ** 2
    if values["kind"] == "b":
        return 0.3 + (values["y"] - 0.2) ** 2 if values["mode"] == "p" else 0.8
    return 2.0


def test_gp_proposals_take_whole_branches_and_hold_the_rest_fixed() -> None:
    suggester = Suggester(ENCODING, hp.minimize("loss"), random_starts=5, seed=1, kernel="Matern52",
                          kernel_scale=None, acquisition="EI", restarts=2)
    trials: list[Trial] = []
    for number in range(16):
        values = suggester.suggest(trials)
        assert values is not None
        TREE.check_values(values)  # every variable of its branches, none of the others
        X = ENCODING.encode([values])
        assert np.array_equal(ENCODING.project(X), X)
        trials.append(Trial(number, trial_key(values), values, values, TrialState.COMPLETE, value=loss(values)))
    design, proposed = [t.values for t in trials[:5]], [t.values for t in trials[5:]]  # Sobol, then the GP
    assert min(loss(v) for v in proposed) < min(loss(v) for v in design)
