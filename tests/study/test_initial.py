"""Starting points: optimize(initial=[...]) runs them first, in order, checked against the space."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import hypered as hp
from hypered.errors import ArgumentError
from hypered.study.identity import fingerprint
from hypered.study.spec import make_spec

SPACE = {"x": hp.real(0, 1), "model": {"layers": hp.integer(1, 4), "act": hp.categorical(["relu", "tanh"]),
                                       "epochs": 10},
         "out": hp.experiment_dir()}


def _loss(params: dict) -> float:
    return (params["x"] - 0.3) ** 2 + params["model"]["layers"] + (params["model"]["act"] == "tanh")


def _run(directory: Path, name: str = "s", **kwargs) -> hp.StoredStudy:
    arguments = dict(objective=hp.minimize("loss"), params=SPACE, function=_loss, random_starts=3,
                     iterations=6, seed=5, directory=directory)
    hp.optimize(name=name, **{**arguments, **kwargs})
    return hp.load_study(directory / name)


def test_initial_points_run_first_in_order_then_the_same_random_starts(tmp_path: Path) -> None:
    initial = [{"x": 0.5, "model": {"layers": 2, "act": "tanh"}},
               {"x": 1, "model.layers": 4.0, "model.act": "relu", "model": {"epochs": 10}}]
    study = _run(tmp_path, initial=initial)
    assert [t.values for t in study.trials[:2]] == [
        {"x": 0.5, "model.layers": 2, "model.act": "tanh"},
        {"x": 1.0, "model.layers": 4, "model.act": "relu"},  # as the space samples them: a float, an int
    ]
    assert study.trials[0].params["model"] == {"layers": 2, "act": "tanh", "epochs": 10}
    assert all(t.state.value == "complete" for t in study.trials) and len(study.trials) == 6
    # the random starts come after and are not reduced: the points a study without initial draws first
    cold = _run(tmp_path, name="cold")
    assert [t.values for t in study.trials[2:5]] == [t.values for t in cold.trials[:3]]


def test_initial_points_are_trials_like_any_other(tmp_path: Path) -> None:
    best = hp.optimize(name="b", objective=hp.minimize("loss"), params=SPACE, function=_loss,
                       initial=[{"x": 0.3, "model": {"layers": 1, "act": "relu"}}], random_starts=2,
                       iterations=3, seed=0, directory=tmp_path)
    assert best is not None and best["trial"] == 0 and best["value"] == pytest.approx(1.0)
    assert best["params"]["out"] == best["experiment_dir"]  # utilities are filled in as for any trial


@pytest.mark.parametrize("initial, message", [
    ([{"x": 2, "model": {"layers": 2, "act": "relu"}}], r"^initial\[0\]: x=2 is outside real\(0, 1\)$"),
    ([{"x": 0.1, "model": {"layers": 2, "act": "gelu"}}],
     r"^initial\[0\]: model.act='gelu' is not one of \['relu', 'tanh'\]$"),
    ([{"x": 0.1, "model": {"layers": 2.5, "act": "relu"}}],
     r"^initial\[0\]: model.layers=2.5 is not a whole number \(integer\(1, 4\)\)$"),
    ([{"x": "0.1", "model": {"layers": 2, "act": "relu"}}], r"^initial\[0\]: x='0.1' is not a number"),
    ([{"x": float("nan"), "model": {"layers": 2, "act": "relu"}}], r"^initial\[0\]: x=nan is outside"),
    ([{"x": 0.1, "model": {"layers": 2, "act": "relu"}}, {"x": 0.1, "model.act": "relu"}],
     r"^initial\[1\] has no value for model.layers: a starting point gives every searched parameter$"),
    ([{"x": 0.1, "lr": 0.1, "model": {"layers": 2, "act": "relu"}}],
     r"^initial\[0\]: 'lr' is not a parameter of params \(searched: x, model.layers, model.act\)$"),
    ([{"x": 0.1, "model": {"layers": 2, "act": "relu", "epochs": 20}}],
     r"^initial\[0\]: model.epochs=20, but params fixes it at 10"),
    ([{"x": 0.1, "out": "/tmp", "model": {"layers": 2, "act": "relu"}}],
     r"^initial\[0\]: out is experiment_dir\(\), filled in for each trial: leave it out$"),
    ([{"x": 0.1, "model": 3}], r"^initial\[0\]: model holds parameters \(model.layers, model.act\)"),
    ([{"x": 0.1, "model.layers": 2, "model": {"layers": 2, "act": "relu"}}],
     r"^initial\[0\]: gives model.layers twice"),
    ([{"x": 0.1, "model": {"layers": 2, "act": "relu"}}, {"x": 0.1, "model.layers": 2, "model.act": "relu"}],
     r"^initial\[1\] repeats initial\[0\]: a study runs each configuration once$"),
    ([0.1], r"^initial\[0\] must be a dict of parameter values, got 0.1$"),
    ({"x": 0.1}, r"^initial must be a list of dicts of parameter values"),
])
def test_a_bad_starting_point_is_one_clear_error_before_anything_runs(initial, message, tmp_path: Path) -> None:
    with pytest.raises(ArgumentError, match=message) as caught:
        hp.optimize(name="bad", objective=hp.minimize("loss"), params=SPACE, function=_loss,
                    initial=initial, directory=tmp_path)
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "bad").exists()


def test_adding_initial_on_a_rerun_resumes_the_study_and_runs_only_new_points(tmp_path: Path) -> None:
    first = _run(tmp_path, iterations=4)
    ran = dict(first.trials[1].values)
    again = {"x": ran["x"], "model": {"layers": ran["model.layers"], "act": ran["model.act"]}}
    new = {"x": 0.25, "model.layers": 3, "model.act": "tanh"}
    study = _run(tmp_path, iterations=6, initial=[again, new])  # no StudyError: the same study
    assert [t.values for t in study.trials[:4]] == [t.values for t in first.trials]
    assert study.trials[4].values == new  # the point a trial already had is not run again
    assert sum(t.values == ran for t in study.trials) == 1


def test_a_study_stopped_among_its_starting_points_resumes_with_the_next(tmp_path: Path) -> None:
    initial = [{"x": x, "model": {"layers": 1, "act": "relu"}} for x in (0.1, 0.2, 0.3)]
    _run(tmp_path, name="parts", iterations=2, initial=initial)
    parts = _run(tmp_path, name="parts", iterations=6, initial=initial)
    whole = _run(tmp_path, name="whole", iterations=6, initial=initial)
    assert [t.values["x"] for t in parts.trials[:3]] == [0.1, 0.2, 0.3]
    assert [t.values for t in parts.trials] == [t.values for t in whole.trials]


def test_parallel_trials_take_the_starting_points_in_order(tmp_path: Path) -> None:
    initial = [{"x": x, "model": {"layers": 2, "act": "relu"}} for x in (0.1, 0.2, 0.3)]
    study = _run(tmp_path, parallel=2, iterations=5, initial=initial)
    assert [t.values["x"] for t in study.trials[:3]] == [0.1, 0.2, 0.3]


def test_initial_and_warm_start_leave_the_fingerprint_alone(tmp_path: Path) -> None:
    _run(tmp_path, name="old", iterations=2)
    base = make_spec(name="s", objective=hp.minimize("loss"), params=SPACE, function=_loss, directory=tmp_path)
    with_starts = make_spec(name="s", objective=hp.minimize("loss"), params=SPACE, function=_loss,
                            directory=tmp_path, warm_start=tmp_path / "old",
                            initial=[{"x": 0.5, "model.layers": 2, "model.act": "relu"}])
    assert with_starts.initial and with_starts.warm_start == (tmp_path / "old").absolute()
    assert fingerprint(with_starts) == fingerprint(base)
    assert dataclasses.replace(with_starts, initial=(), warm_start=None) == base
