"""Warm start: optimize(warm_start=folder) feeds an earlier study's complete trials to the GP."""

from __future__ import annotations

import json
import math
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import HYPERED, wait_for_trials

import hypered as hp
from hypered.errors import ArgumentError

SPACE = {"x": hp.real(0, 1), "y": hp.real(0, 1), "fixed": "a"}
OPTIMUM = (0.8, 0.2)


def _bowl(params: dict) -> float:
    return (params["x"] - OPTIMUM[0]) ** 2 + (params["y"] - OPTIMUM[1]) ** 2


def _study(directory: Path, name: str, **kwargs) -> dict | None:
    arguments = dict(objective=hp.minimize("loss"), params=SPACE, function=_bowl, random_starts=5,
                     iterations=12, seed=3, directory=directory)
    return hp.optimize(name=name, **{**arguments, **kwargs})


def _meta(study: Path, key: str):
    with sqlite3.connect(study / "study.db") as conn:
        (text,) = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return json.loads(text)


def _distance(values: dict) -> float:
    return math.dist((values["x"], values["y"]), OPTIMUM)


def test_a_warm_started_study_proposes_near_the_old_optimum_from_its_first_trial(tmp_path: Path) -> None:
    _study(tmp_path, "old", iterations=8)  # 5 random starts and 3 of the GP's
    old = hp.load_study(tmp_path / "old")
    # the new study measures with another function (a new program version): only the space and objective must match
    _study(tmp_path, "warm", iterations=3, seed=11, warm_start=tmp_path / "old", function=lambda p: _bowl(p) + 0.0)
    _study(tmp_path, "cold", iterations=3, seed=11)
    warm, cold = hp.load_study(tmp_path / "warm"), hp.load_study(tmp_path / "cold")
    # 8 warm trials >= random_starts=5: the GP proposes from the first trial, near the old optimum;
    # without the warm data the first trial is the first point of the random design
    assert _distance(warm.trials[0].values) < 0.1 < _distance(cold.trials[0].values)
    assert warm.best is not None and cold.best is not None and warm.best.value < cold.best.value / 10
    assert [t.number for t in warm.trials] == [0, 1, 2]
    assert _meta(tmp_path / "warm", "warm_start")["trials"] == 8
    assert _meta(tmp_path / "warm", "warm_start")["study"] == str((tmp_path / "old").absolute())
    assert hp.load_study(tmp_path / "old").trials == old.trials  # read, never written


def test_warm_trials_replace_random_starts_one_for_one(tmp_path: Path) -> None:
    _study(tmp_path, "old", iterations=3)
    _study(tmp_path, "warm", iterations=3, warm_start=tmp_path / "old", seed=4)
    _study(tmp_path, "cold", iterations=3, seed=4)
    warm, cold = hp.load_study(tmp_path / "warm"), hp.load_study(tmp_path / "cold")
    # random_starts=5 less 3 warm trials: two points of the design (the ones a cold study draws), then the GP
    assert [t.values for t in warm.trials[:2]] == [t.values for t in cold.trials[:2]]
    assert warm.trials[2].values != cold.trials[2].values


def test_a_large_earlier_study_gives_its_best_half_and_a_spread_of_the_rest(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import hypered.study.warm

    _study(tmp_path, "old", iterations=9)
    monkeypatch.setattr(hypered.study.warm, "MAX_WARM_TRIALS", 4)
    _study(tmp_path, "warm", iterations=1, warm_start=tmp_path / "old")
    assert {k: v for k, v in _meta(tmp_path / "warm", "warm_start").items() if k != "read"} == {
        "study": str((tmp_path / "old").absolute()), "trials": 4, "complete": 9}


def test_the_new_study_names_only_its_own_trials_as_best(tmp_path: Path) -> None:
    _study(tmp_path, "old", iterations=12)
    old_best = hp.load_study(tmp_path / "old").best
    best = _study(tmp_path, "warm", iterations=2, warm_start=str(tmp_path / "old"),
                  function=lambda p: _bowl(p) + 1.0)  # worse than any old trial
    warm = hp.load_study(tmp_path / "warm")
    assert [t.number for t in warm.trials] == [0, 1]
    assert best is not None and best["value"] >= 1.0 and best["trial"] in (0, 1)
    assert json.loads((tmp_path / "warm" / "best.json").read_text())["trial"] == best["trial"]
    assert old_best is not None and warm.best is not None and warm.best.value != old_best.value


def test_warm_start_reads_a_study_while_it_runs(tmp_path: Path, programs: Path) -> None:
    conf = tmp_path / "old.conf"
    conf.write_text(f"""
optimize(
    name="old",
    objective=minimize("loss"),
    binary="{sys.executable} {programs / 'quadratic.py'} {{params_path}} {{results_path}} --sleep 0.3",
    random_starts=3, iterations=30, seed=1,
    params={{"x": real(-10, 10), "offset": 0.5}},
)
""")
    running = subprocess.Popen([*HYPERED, str(conf), "--dir", str(tmp_path / "exp")], cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_trials(tmp_path / "exp" / "old" / "study.db", 3, state="complete")
        best = hp.optimize(name="new", objective=hp.minimize("loss"),
                           params={"x": hp.real(-10, 10), "offset": 0.5},
                           function=lambda p: (p["x"] - 3) ** 2, warm_start=tmp_path / "exp" / "old",
                           random_starts=3, iterations=1, seed=2, directory=tmp_path / "exp")
        assert running.poll() is None  # the old study went on meanwhile
    finally:
        running.kill()
        running.wait()
    assert best is not None
    assert _meta(tmp_path / "exp" / "new", "warm_start")["trials"] >= 3


def _old_study(tmp_path: Path) -> Path:
    _study(tmp_path, "old", iterations=2)
    return tmp_path / "old"


@pytest.mark.parametrize("change, message", [
    ({"params": {"x": hp.real(0, 2), "y": hp.real(0, 1), "fixed": "a"}},
     r"has another search space or objective \(x: real\(0, 1\) there, real\(0, 2\) here\); "
     r"a warm start needs the same ones$"),
    ({"params": {"x": hp.real(0, 1), "fixed": "a"}}, r"\(y: real\(0, 1\) there, absent here\)"),
    ({"objective": hp.maximize("loss")}, r"\(objective: minimize\('loss'\) there, maximize\('loss'\) here\)"),
    ({"warm_start": "nowhere"}, r"^warm_start='nowhere': .*nowhere: no such study folder$"),
    ({"warm_start": "empty"}, r"^warm_start='empty': .*empty: not a study folder"),
    ({"warm_start": 7}, r"^warm_start must be the folder of an earlier study"),
    ({"name": "old"}, r"^warm_start=.* is this study's own folder"),
])
def test_a_warm_start_that_does_not_fit_is_one_clear_error(change, message, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    old = _old_study(tmp_path)
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)  # a relative warm_start is relative to the current folder
    with pytest.raises(ArgumentError, match=message) as caught:
        _study(tmp_path, **{"name": "new", "warm_start": old, **change})
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "new").exists()


def test_a_folder_of_hypered_1_0_trials_is_refused_with_what_to_do(tmp_path: Path) -> None:
    trial = tmp_path / "legacy" / "abc123"
    trial.mkdir(parents=True)
    (trial / "params.json").write_text(json.dumps({"x": 0.5, "y": 0.5, "fixed": "a"}))
    (trial / "results.json").write_text(json.dumps({"loss": 0.2}))
    with pytest.raises(ArgumentError, match=r"hypered 1.0 without a study.db.*run it once with this version"):
        _study(tmp_path, "new", warm_start=tmp_path / "legacy")
