"""Studies with outcome constraints, through optimize(function=...): infeasible trials, the best
feasible trial, the least infeasible one while none is, resume, parallel trials, early stopping."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import pytest

import hypered as hp
from hypered.errors import ArgumentError, StudyError


def _memory_bound(params: dict) -> dict:
    """The loss falls toward x = 1, but memory grows with x: only x <= 0.6 keeps memory_gb <= 12."""
    x = params["x"]
    return {"loss": (x - 1.0) ** 2 + 0.05 * params["y"] ** 2, "memory_gb": 20.0 * x, "val": {"acc": 0.95}}


def _run(tmp_path: Path, constraints: list, **kwargs) -> dict | None:
    arguments = dict(name="mem", objective=hp.minimize("loss"), params={"x": hp.real(0, 1), "y": hp.real(-1, 1)},
                     function=_memory_bound, iterations=20, random_starts=6, seed=3, directory=tmp_path,
                     constraints=constraints)
    arguments.update(kwargs)
    return hp.optimize(**arguments)


def test_infeasible_trials_are_kept_with_the_bound_they_broke_and_the_best_is_feasible(tmp_path) -> None:
    best = _run(tmp_path, [hp.at_most("memory_gb", 12), hp.at_least("val.acc", 0.9)])
    assert best is not None and best["feasible"] is True and best["violations"] == []
    assert best["results"]["memory_gb"] <= 12
    assert best["constraints"] == ["at_most('memory_gb', 12)", "at_least('val.acc', 0.9)"]
    study = hp.load_study(tmp_path / "mem")
    infeasible = [t for t in study.trials if study.feasible(t) is False]
    assert infeasible and all(t.state is hp.TrialState.COMPLETE for t in infeasible)
    for trial in infeasible:
        assert trial.reason == f"infeasible: memory_gb = {trial.results['memory_gb']:.6g} > 12"
    # the unconstrained optimum x = 1 is infeasible: the best keeps to the boundary x = 0.6
    assert 0.5 < best["params"]["x"] <= 0.6
    feasible_losses = [t.value for t in study.trials if study.feasible(t)]
    assert best["value"] == min(feasible_losses)
    assert min(t.value for t in infeasible if t.value is not None) < best["value"]  # a better one was refused
    assert json.loads((tmp_path / "mem" / "best.json").read_text())["trial"] == best["trial"]
    # the optimizer learns the bound: after the random starts, most proposals keep it
    later = [t for t in study.trials if t.number >= 6]
    assert sum(bool(study.feasible(t)) for t in later) >= 0.6 * len(later)


def test_no_feasible_trial_shows_the_least_infeasible_labelled(tmp_path) -> None:
    best = _run(tmp_path, [hp.at_most("memory_gb", -1)], iterations=8)
    assert best is not None and best["feasible"] is False
    study = hp.load_study(tmp_path / "mem")
    least = min(study.trials, key=lambda t: (t.results["memory_gb"], t.value))  # ties: the better loss
    assert best["trial"] == least.number
    assert best["violations"] == [f"memory_gb = {least.results['memory_gb']:.6g} > -1"]
    assert json.loads((tmp_path / "mem" / "best.json").read_text())["feasible"] is False


def test_a_missing_constraint_metric_fails_the_trial_with_the_reason(tmp_path) -> None:
    with pytest.raises(StudyError, match="constraint metric 'gpu_gb' not in results"):
        _run(tmp_path, [hp.at_most("gpu_gb", 12)], max_failures=3)
    study = hp.load_study(tmp_path / "mem")
    assert [t.state for t in study.trials] == [hp.TrialState.FAILED] * 3
    assert all(t.value is None for t in study.trials)


@pytest.mark.parametrize("constraints, message", [
    ([hp.at_most("loss", 1)], "bounds the objective's own metric 'loss'"),
    ([hp.at_least("memory_gb", 12), hp.at_most("memory_gb", 4)], "no value of 'memory_gb' can satisfy both"),
    ("memory_gb <= 12", "constraints must be a list"),
])
def test_invalid_constraints_raise_the_argument_error(tmp_path, constraints, message) -> None:
    with pytest.raises(ArgumentError, match=message):
        _run(tmp_path, constraints)
    assert not (tmp_path / "mem").exists()


def test_changed_constraints_are_refused_and_continue_judges_old_trials_again(tmp_path) -> None:
    _run(tmp_path, [hp.at_most("memory_gb", 12)], iterations=8)
    with pytest.raises(StudyError, match=r"constraints: was at_most\('memory_gb', 12\), now at_most\('memory_gb', 4\)"):
        _run(tmp_path, [hp.at_most("memory_gb", 4)], iterations=8)
    with pytest.raises(StudyError, match="constraints: removed"):
        _run(tmp_path, [], iterations=8)
    best = _run(tmp_path, [hp.at_most("memory_gb", 4)], iterations=10, on_change="continue")
    study = hp.load_study(tmp_path / "mem")
    assert len(study.trials) == 10
    for trial in study.trials:  # the stored reasons follow the new bound
        broken = trial.results["memory_gb"] > 4
        assert (trial.reason or "").startswith("infeasible: memory_gb") == broken
    assert best is not None and (best["results"]["memory_gb"] <= 4) == best["feasible"]


def test_a_resumed_study_makes_the_choices_of_an_uninterrupted_one(tmp_path) -> None:
    constraints = [hp.at_most("memory_gb", 12)]
    _run(tmp_path / "a", constraints, iterations=14)
    _run(tmp_path / "b", constraints, iterations=9)
    _run(tmp_path / "b", constraints, iterations=14)
    a = [t.values for t in hp.load_study(tmp_path / "a" / "mem").trials]
    b = [t.values for t in hp.load_study(tmp_path / "b" / "mem").trials]
    assert a == b


def test_parallel_trials_with_constraints(tmp_path) -> None:
    best = _run(tmp_path, [hp.at_most("memory_gb", 12)], iterations=14, parallel=3)
    study = hp.load_study(tmp_path / "mem")
    assert sum(t.state is hp.TrialState.COMPLETE for t in study.trials) == 14
    assert best is not None and best["feasible"] and best["results"]["memory_gb"] <= 12


def _train(params: dict) -> dict:
    loss = math.inf
    for step in range(1, 10):
        loss = (params["x"] - 1.0) ** 2 + 1.0 / step
        hp.report(step, loss=loss)
    return {"loss": loss, "memory_gb": 20.0 * params["x"]}


def test_stopped_trials_are_neither_feasible_nor_infeasible(tmp_path) -> None:
    best = hp.optimize(name="es", objective=hp.minimize("loss"), params={"x": hp.real(0, 1)},
                       function=_train, iterations=16, random_starts=5, seed=0, directory=tmp_path,
                       early_stopping=hp.asha(min_step=1, max_step=9, reduction=3),
                       constraints=[hp.at_most("memory_gb", 12)])
    study = hp.load_study(tmp_path / "es")
    pruned = [t for t in study.trials if t.state is hp.TrialState.PRUNED]
    assert pruned and all(study.feasible(t) is None and not t.reason.startswith("infeasible") for t in pruned)
    assert best is not None and best["feasible"] and best["results"]["memory_gb"] <= 12


def test_starting_points_are_judged_like_any_trial(tmp_path) -> None:
    best = _run(tmp_path, [hp.at_most("memory_gb", 12)], iterations=8,
                initial=[{"x": 0.9, "y": 0.0}, {"x": 0.55, "y": 0.0}])
    first, second = hp.load_study(tmp_path / "mem").trials[:2]
    assert first.values == {"x": 0.9, "y": 0.0} and first.reason == "infeasible: memory_gb = 18 > 12"
    assert second.values == {"x": 0.55, "y": 0.0} and second.reason is None
    assert best is not None and best["feasible"] and best["value"] <= second.value


def _corner(params: dict) -> dict:
    """Feasible only within 0.05 of (0.85, 0.85), under 1% of the square; slow enough that trials overlap."""
    time.sleep(0.2)
    return {"loss": params["x"] + params["y"], "distance": math.hypot(params["x"] - 0.85, params["y"] - 0.85)}


def test_parallel_trials_spread_out_while_no_trial_is_feasible(tmp_path) -> None:
    """While nothing is feasible the acquisition is P(feasible) alone: without the constraint's
    fantasy at the running trials, the next worker got the same point (0.0 apart with this seed,
    0.0001 or closer in 6 of 8 seeds). Each trial started before a feasible one ended keeps away
    from those running (0.04 or more in 8 seeds)."""
    hp.optimize(name="corner", objective=hp.minimize("loss"), params={"x": hp.real(0, 1), "y": hp.real(0, 1)},
                function=_corner, iterations=12, random_starts=3, seed=0, directory=tmp_path, parallel=3,
                constraints=[hp.at_most("distance", 0.05)])
    trials = hp.load_study(tmp_path / "corner").trials
    first_feasible = min((t.finished for t in trials if t.results["distance"] <= 0.05), default=math.inf)
    distances = [math.hypot(t.values["x"] - u.values["x"], t.values["y"] - u.values["y"])
                 for t in trials[3:] if t.started < first_feasible  # proposed by the GP, nothing feasible yet
                 for u in trials[:t.number] if u.started < t.started < u.finished]  # u ran meanwhile
    assert len(distances) >= 5
    assert min(distances) > 0.02
