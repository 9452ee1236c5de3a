"""Each way a trial can fail is recorded with its reason, and the study goes on."""

from __future__ import annotations

import sqlite3
import sys

import pytest

import hypered as hp
from hypered.errors import TooManyFailuresError

KINDS = {
    "exit1": "exited with code 1: something broke in the model",
    "noresults": "wrote no results file",
    "malformed": "results file is not valid JSON",
    "nokey": "objective 'loss' not in results: the results has no 'loss' (found: accuracy)",
    "nan": "objective 'loss' is nan, not a finite number",
    "string": "objective 'loss' is 'low', not a number",
}


@pytest.mark.parametrize("kind", KINDS)
def test_failure_kind_is_recorded_with_its_reason(kind, tmp_path, programs) -> None:
    with pytest.raises(TooManyFailuresError, match="2 trials failed in a row"):
        hp.optimize(
            name=kind, objective=hp.minimize("loss"), params={"x": hp.real(0, 1)},
            binary=f"{sys.executable} {programs / 'misbehave.py'} {kind} {{params_path}} {{results_path}}",
            iterations=5, max_failures=2, directory=tmp_path,
        )
    with sqlite3.connect(tmp_path / kind / "study.db") as conn:
        rows = conn.execute("SELECT state, reason FROM trials").fetchall()
    assert len(rows) == 2
    for state, reason in rows:
        assert state == "failed"
        assert KINDS[kind] in reason


def test_failures_between_successes_do_not_stop_the_study(tmp_path) -> None:
    def sometimes(params):
        if params["x"] > 0.5:
            raise RuntimeError("diverged")
        return {"loss": params["x"]}

    best = hp.optimize(name="mixed", objective=hp.minimize("loss"), params={"x": hp.real(0, 1)},
                       function=sometimes, iterations=8, random_starts=4, seed=3,
                       max_failures=100, directory=tmp_path)
    assert best is not None and best["value"] <= 0.5
    with sqlite3.connect(tmp_path / "mixed" / "study.db") as conn:
        states = [s for (s,) in conn.execute("SELECT state FROM trials")]
        reasons = [r for (r,) in conn.execute("SELECT reason FROM trials WHERE state='failed'")]
    assert states.count("complete") == 8
    assert all(r == "raised RuntimeError: diverged" for r in reasons)


def test_timeout_fails_the_trial_and_kills_it(tmp_path, programs) -> None:
    with pytest.raises(TooManyFailuresError):
        hp.optimize(
            name="slow", objective=hp.minimize("loss"), params={"x": hp.real(0, 1)},
            binary=f"{sys.executable} {programs / 'quadratic.py'} {{params_path}} {{results_path}} --sleep 30",
            iterations=2, max_failures=1, timeout=0.5, directory=tmp_path,
        )
    with sqlite3.connect(tmp_path / "slow" / "study.db") as conn:
        (reason, duration), = conn.execute("SELECT reason, duration FROM trials").fetchall()
    assert reason.startswith("timeout") and duration < 10
