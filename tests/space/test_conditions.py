"""Conditional categoricals in the space: which variables a point has, and how inactive ones are encoded."""

from __future__ import annotations

import numpy as np

import hypered as hp
from hypered.space import Encoding, parse_params
from hypered.space.encoding import INACTIVE

TREE = parse_params({
    "opt": hp.categorical({
        "sgd": {"lr": hp.real(0.01, 1.0), "sched": hp.categorical({"step": {"gamma": hp.real(0.1, 0.9)}, "none": {}})},
        "adam": {"lr": hp.real(1e-4, 1e-2, log=True)},
    }),
    "depth": hp.integer(1, 4),
})
ENCODING = Encoding(TREE.variables, TREE.conditions)


def test_every_projected_point_holds_its_inactive_columns_at_one_value() -> None:
    X = ENCODING.project(np.random.default_rng(0).random((200, ENCODING.n_dims)))  # (200, d)
    assert np.array_equal(ENCODING.project(X), X)  # idempotent
    for point, row in zip(ENCODING.decode(X), X):
        on = ENCODING.active_columns(row[None, :])[0]
        assert set(point) == set(TREE.active_names(point))
        continuous = [s.start for s, (_, v) in zip(ENCODING.slices, ENCODING.variables)
                      if not isinstance(v, hp.space.Categorical)]
        assert all(row[c] == INACTIVE for c in continuous if not on[c])
        blocks = [s for s, (_, v) in zip(ENCODING.slices, ENCODING.variables) if isinstance(v, hp.space.Categorical)]
        assert all(row[s].sum() == (1.0 if on[s.start] else 0.0) for s in blocks)
        assert np.allclose(ENCODING.encode([point])[0], row, rtol=0, atol=1e-12)  # the decoded values encode back


def test_two_points_that_differ_only_in_an_inactive_value_are_one_point() -> None:
    adam = {"opt": "adam", "lr": 0.001, "depth": 2}
    X = ENCODING.encode([adam, {**adam}])
    moved = X.copy()
    gamma = ENCODING.slices[[name for name, _ in TREE.variables].index("gamma")].start
    moved[:, gamma] = 0.9  # an inactive column moved by an optimizer
    assert np.array_equal(ENCODING.project(moved), X)
    assert ENCODING.decode(moved) == ENCODING.decode(X)
    assert [set(p) for p in ENCODING.decode(moved)] == [set(adam)] * 2


def test_the_size_of_a_finite_space_counts_each_branch() -> None:
    tree = parse_params({"a": hp.categorical({"x": {"k": hp.integer(1, 3)}, "y": {}}), "b": hp.categorical([0, 1])})
    assert Encoding(tree.variables, tree.conditions).size == (3 + 1) * 2


def test_the_stored_space_says_when_each_branch_variable_exists() -> None:
    space = TREE.signature()
    assert space["gamma"] == {"type": "real", "low": 0.1, "high": 0.9, "log": False,
                              "when": [{"opt": "sgd", "sched": "step"}]}
    assert space["lr"]["when"] == [{"opt": "sgd"}, {"opt": "adam"}]
    assert (space["lr"]["low"], space["lr"]["high"]) == (1e-4, 1.0)  # spans both, for plots
    assert [v["high"] for v in space["lr"]["variants"]] == [1.0, 1e-2]
    assert space["opt"]["branches"][1] == "{'lr': real(0.0001, 0.01, log=True)}"
    assert "when" not in space["depth"]


def test_a_branch_builds_into_the_params_beside_its_categorical() -> None:
    values = {"opt": "sgd", "lr": 0.5, "sched": "step", "gamma": 0.3, "depth": 1}
    TREE.check_values(values)
    assert TREE.build(values, None) == values
