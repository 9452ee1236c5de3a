"""Outcome constraints in config files, through the real `hypered` command."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest
from helpers import run_hypered

PY = sys.executable


def _config(programs: Path, constraints: str, *, iterations: int = 10, flags: str = "") -> str:
    return f"""
optimize(
    name="mem",
    objective=minimize("loss"),
    binary="{PY} {programs / 'memory.py'} {{params_path}} {{results_path}} {flags}",
    params={{"x": real(-10, 10)}},
    random_starts=5,
    iterations={iterations},
    seed=2,
    max_failures=3,
    constraints={constraints},
)
"""


def test_a_config_with_constraints_records_infeasible_trials_and_a_feasible_best(tmp_path, programs,
                                                                                  write_config) -> None:
    conf = write_config(_config(programs, '[at_most("memory_gb", 14)]', iterations=14))
    done = run_hypered(conf, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    study = tmp_path / "experiments" / "mem"
    best = json.loads((study / "best.json").read_text())
    assert best["feasible"] is True and best["violations"] == []
    assert best["results"]["memory_gb"] <= 14 and best["params"]["x"] > 1.5  # the bound is x <= 2
    with sqlite3.connect(study / "study.db") as conn:
        rows = conn.execute("SELECT state, results, reason FROM trials").fetchall()
    infeasible = [(json.loads(r), reason) for state, r, reason in rows if reason]
    assert infeasible and all(state == "complete" for state, _, _ in rows)
    for results, reason in infeasible:
        assert results["memory_gb"] > 14 and reason == f"infeasible: memory_gb = {results['memory_gb']:.6g} > 14"
    shown = run_hypered("best", study, cwd=tmp_path)
    assert shown.returncode == 0 and "INFEASIBLE" not in shown.stdout


def test_no_feasible_trial_is_said_everywhere(tmp_path, programs, write_config) -> None:
    conf = write_config(_config(programs, '[at_most("memory_gb", -100)]', iterations=6))
    done = run_hypered(conf, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "no trial kept every constraint" in done.stdout + done.stderr
    study = tmp_path / "experiments" / "mem"
    assert json.loads((study / "best.json").read_text())["feasible"] is False
    shown = run_hypered("best", study, cwd=tmp_path)
    assert "INFEASIBLE: no trial kept every constraint" in shown.stdout
    status = run_hypered("status", tmp_path / "experiments", "--json", cwd=tmp_path)
    assert '"feasible": false' in status.stdout


def test_a_missing_constraint_metric_fails_the_trials(tmp_path, programs, write_config) -> None:
    conf = write_config(_config(programs, '[at_most("memory_gb", 14)]', flags="--no-memory"))
    done = run_hypered(conf, cwd=tmp_path)
    assert done.returncode == 1
    assert "constraint metric 'memory_gb' not in results" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("constraints, column, message", [
    ('[at_most("loss", 1)]', 18, "constraints[0]: at_most('loss', 1) bounds the objective's own metric 'loss', which the "
     "study already optimizes; constrain other metrics of the results"),
    ('[at_least("memory_gb", 20), at_most("memory_gb", 14)]', 45,
     "constraints[1]: at_most('memory_gb', 14) conflicts with at_least('memory_gb', 20): no value of "
     "'memory_gb' can satisfy both"),
    ('[at_most("memory_gb", "16GB")]', 18,
     "at_most('memory_gb', '16GB'): the bound must be a finite number, got '16GB'"),
    ('[at_most("memory_gb")]', 18, "at_most(): missing 1 required positional argument: 'bound'"),
    ('at_most("memory_gb", 16)', 17,
     'constraints must be a list such as [at_most("memory_gb", 16)], got at_most(\'memory_gb\', 16)'),
])
def test_invalid_constraints_are_one_line_with_location_and_exit_2(tmp_path, programs, write_config,
                                                                   constraints, column, message) -> None:
    conf = write_config(_config(programs, constraints))
    done = run_hypered(conf, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == f"{conf}:10:{column}: {message}"  # line 10: constraints=
    assert "Traceback" not in done.stderr + done.stdout
    assert not (tmp_path / "experiments" / "mem").exists()
