"""Studies of several objectives through `optimize` with a function: the Pareto set it returns and
keeps in best.json, determinism and resume, constraints, failures, parallel trials, starting points."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import hypered as hp
from hypered.errors import ArgumentError, StudyError
from hypered.pareto import dominates

OBJECTIVES = [hp.minimize("f1"), hp.minimize("val.f2")]
SPACE = {"x": hp.real(0, 1), "y": hp.real(0, 1)}


def zdt1(params: dict[str, Any]) -> dict[str, Any]:
    """ZDT1 in two dimensions: the front is f2 = 1 - sqrt(f1) at y = 0."""
    x, y = params["x"], params["y"]
    g = 1 + 9 * y
    return {"f1": x, "val": {"f2": g * (1 - np.sqrt(x / g))}, "size": 10 * y}


def _hypervolume(points: np.ndarray, ref: tuple[float, float]) -> float:  # points (n, 2) losses
    inside = points[(points[:, 0] < ref[0]) & (points[:, 1] < ref[1])]
    area, last = 0.0, ref[1]
    for f1, f2 in inside[np.argsort(inside[:, 0])]:
        if f2 < last:
            area += (ref[0] - f1) * (last - f2)
            last = f2
    return area


def _run(tmp_path: Path, name: str = "zdt", **kwargs: Any) -> dict[str, Any] | None:
    settings: dict[str, Any] = dict(objective=OBJECTIVES, params=SPACE, function=zdt1, random_starts=5,
                                    iterations=14, seed=3, directory=tmp_path)
    return hp.optimize(name, **{**settings, **kwargs})


def test_the_pareto_set_is_returned_kept_in_best_json_and_read_back(tmp_path: Path) -> None:
    front = _run(tmp_path)
    assert front is not None and front["objectives"] == ["minimize('f1')", "minimize('val.f2')"]
    stored = hp.load_study(tmp_path / "zdt")
    complete = [t for t in stored.trials if t.state.value == "complete"]
    losses = {t.number: (t.results["f1"], t.results["val"]["f2"]) for t in complete}
    chosen = [p["trial"] for p in front["pareto"]]
    assert chosen == sorted(chosen) and chosen
    for point in front["pareto"]:
        mine = losses[point["trial"]]
        assert point["values"] == {"f1": mine[0], "val.f2": mine[1]}
        assert point["params"] == stored.trial(point["trial"]).params and point["results"]["size"] >= 0
        assert Path(point["experiment_dir"]).is_dir()
        assert not any(dominates(other, mine) for other in losses.values())
    dominated = set(losses) - set(chosen)
    assert all(any(dominates(losses[c], losses[d]) for c in chosen) for d in dominated)
    assert json.loads((tmp_path / "zdt" / "best.json").read_text()) == front
    assert stored.best_summary() == front
    assert stored.objectives == tuple(OBJECTIVES)


def test_the_model_finds_a_better_front_than_the_random_design(tmp_path: Path) -> None:
    guided = _run(tmp_path, "guided", iterations=24)
    sobol = _run(tmp_path, "sobol", iterations=24, random_starts=24)
    assert guided is not None and sobol is not None

    def area(front: dict[str, Any]) -> float:
        points = np.array([[p["values"]["f1"], p["values"]["val.f2"]] for p in front["pareto"]])
        return _hypervolume(points, (1.1, 11.0))

    assert area(guided) > area(sobol) + 0.05


def test_the_same_seed_gives_the_same_trials_and_a_resumed_study_the_same_choices(tmp_path: Path) -> None:
    _run(tmp_path, "whole", iterations=10)
    _run(tmp_path, "parts", iterations=7)
    _run(tmp_path, "parts", iterations=10)
    _run(tmp_path, "again", iterations=10)
    whole, parts, again = (hp.load_study(tmp_path / n) for n in ("whole", "parts", "again"))
    assert [t.values for t in whole.trials] == [t.values for t in parts.trials] == [t.values for t in again.trials]


def test_a_changed_objective_list_is_another_study(tmp_path: Path) -> None:
    _run(tmp_path, iterations=6)
    with pytest.raises(StudyError, match=r"objective: was \[minimize\('f1'\), minimize\('val.f2'\)\], now \[minimize\('f1'\), maximize\('size'\)\]"):
        _run(tmp_path, iterations=8, objective=[hp.minimize("f1"), hp.maximize("size")])
    with pytest.raises(StudyError, match="objective"):
        _run(tmp_path, iterations=8, objective=hp.minimize("f1"))


def test_constraints_keep_the_pareto_set_among_feasible_trials(tmp_path: Path) -> None:
    front = _run(tmp_path, constraints=[hp.at_most("size", 3)])
    assert front is not None and front["feasible"] is True and front["constraints"] == ["at_most('size', 3)"]
    assert front["pareto"] and all(p["results"]["size"] <= 3 for p in front["pareto"])


def test_no_feasible_trial_gives_an_empty_pareto_set_that_says_so(tmp_path: Path) -> None:
    front = _run(tmp_path, iterations=6, constraints=[hp.at_most("size", -1)])
    assert front is not None and front["feasible"] is False and front["pareto"] == []
    assert json.loads((tmp_path / "zdt" / "best.json").read_text()) == front


def test_failed_trials_are_recorded_and_the_study_goes_on(tmp_path: Path) -> None:
    def flaky(params: dict[str, Any]) -> dict[str, Any]:
        if params["x"] > 0.7:
            raise RuntimeError("diverged")
        if params["y"] > 0.8:
            return {"f1": params["x"]}  # the second objective is missing
        return zdt1(params)

    front = _run(tmp_path, function=flaky, iterations=12, max_failures=20)
    assert front is not None
    stored = hp.load_study(tmp_path / "zdt")
    reasons = [t.reason for t in stored.trials if t.state.value == "failed"]
    assert any("diverged" in r for r in reasons)
    assert stored.counts()["complete"] == 12
    assert all(p["params"]["x"] <= 0.7 for p in front["pareto"])


def test_parallel_trials_and_starting_points(tmp_path: Path) -> None:
    front = _run(tmp_path, parallel=2, iterations=10, initial=[{"x": 0.0, "y": 0.0}, {"x": 1.0, "y": 0.0}])
    assert front is not None
    stored = hp.load_study(tmp_path / "zdt")
    assert [t.values for t in stored.trials[:2]] == [{"x": 0.0, "y": 0.0}, {"x": 1.0, "y": 0.0}]
    assert {0, 1} <= {p["trial"] for p in front["pareto"]}  # both ends of the true front
    assert len({json.dumps(t.values, sort_keys=True) for t in stored.trials}) == len(stored.trials)


def test_a_warm_start_needs_the_same_objectives(tmp_path: Path) -> None:
    _run(tmp_path, "old", iterations=8)
    front = _run(tmp_path, "new", iterations=3, random_starts=2, warm_start=tmp_path / "old")
    assert front is not None
    with pytest.raises(ArgumentError, match=r"another search space or objective .*minimize\('f1'\) here"):
        _run(tmp_path, "single", objective=hp.minimize("f1"), warm_start=tmp_path / "old")


@pytest.mark.parametrize("kwargs, message", [
    ({"objective": []}, "objective is an empty list"),
    ({"objective": [hp.minimize("f1"), hp.minimize("f1")]}, r"objective\[1\]: .* repeats objective\[0\]"),
    ({"constraints": [hp.at_most("val.f2", 1)]}, r"constraints\[0\]: .* bounds the objective's own metric 'val.f2'"),
    ({"early_stopping": hp.asha(1, 10)}, "early_stopping needs a single objective"),
])
def test_invalid_combinations_are_refused(tmp_path: Path, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ArgumentError, match=message):
        _run(tmp_path, **kwargs)
