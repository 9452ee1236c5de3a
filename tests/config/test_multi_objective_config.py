"""Several objectives in config files, through the real `hypered` command: the end table, best.json,
`hypered best` and `hypered status`, and located one-line errors."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from helpers import run_hypered

PY = sys.executable


def _config(programs: Path, objective: str, *, extra: str = "", iterations: int = 8) -> str:
    return f"""
optimize(
    name="two",
    objective={objective},
    binary="{PY} {programs / 'tradeoff.py'} {{params_path}} {{results_path}}",
    params={{"x": real(-10, 10)}},
    random_starts=4,
    iterations={iterations},
    seed=2,{extra}
)
"""


TWO = '[minimize("loss"), minimize("memory_gb")]'  # loss = (x - 3)^2, memory_gb = 2 x + 10


def test_a_config_of_two_objectives_lists_the_pareto_set(tmp_path, programs, write_config) -> None:
    conf = write_config(_config(programs, TWO))
    done = run_hypered(conf, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    study = tmp_path / "experiments" / "two"
    front = json.loads((study / "best.json").read_text())
    assert front["objectives"] == ["minimize('loss')", "minimize('memory_gb')"]
    xs = [p["params"]["x"] for p in front["pareto"]]
    assert xs and all(x <= 3.0 + 1e-9 for x in xs)  # past x = 3 both objectives get worse
    assert "Pareto set: " in done.stdout and "memory_gb" in done.stdout
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in done.stdout.splitlines()
            if line.startswith("│")]
    assert rows == [[str(p["trial"]), f"{p['values']['loss']:.6g}", f"{p['values']['memory_gb']:.6g}",
                     f"{p['params']['x']:.6g}"] for p in front["pareto"]]  # the end table is the Pareto set
    shown = run_hypered("best", study, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert f"Pareto set of {len(xs)} trial" in shown.stdout
    as_json = run_hypered("best", study, "--json", cwd=tmp_path)
    assert json.loads(as_json.stdout) == front
    status = run_hypered("status", tmp_path / "experiments", "--json", cwd=tmp_path)
    row = json.loads(status.stdout)["studies"][0]
    assert row["objective"] == [{"name": "loss", "direction": "minimize"},
                                {"name": "memory_gb", "direction": "minimize"}]
    assert row["pareto"] == len(xs)
    table = run_hypered("status", tmp_path / "experiments", cwd=tmp_path)
    assert f"Pareto set: {len(xs)}" in table.stdout


def test_no_feasible_trial_leaves_the_pareto_set_empty_and_says_so(tmp_path, programs, write_config) -> None:
    conf = write_config(_config(programs, TWO, extra='\n    constraints=[at_least("val.x", 20)],', iterations=3))
    done = run_hypered(conf, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "no trial kept every constraint, so the Pareto set is empty" in done.stdout
    study = tmp_path / "experiments" / "two"
    front = json.loads((study / "best.json").read_text())
    assert front["feasible"] is False and front["pareto"] == []
    shown = run_hypered("best", study, cwd=tmp_path)
    assert shown.returncode == 0 and "no trial kept every constraint" in shown.stdout


@pytest.mark.parametrize("objective, extra, message, column", [
    ("[]", "", "objective is an empty list", 15),
    ('[minimize("loss"), maximize("loss")]', "", r"objective\[1\]: maximize\('loss'\) repeats", 34),
    (TWO, '\n    constraints=[at_most("memory_gb", 3)],', "bounds the objective's own metric 'memory_gb'", 18),
    (TWO, "\n    early_stopping=asha(1, 9),", "early_stopping needs a single objective", 20),
])
def test_invalid_objective_lists_are_one_located_line(tmp_path, programs, write_config, objective, extra,
                                                       message, column) -> None:
    conf = write_config(_config(programs, objective, extra=extra))
    done = run_hypered(conf, cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    line = done.stderr.strip()
    assert "\n" not in line, line
    assert line.startswith(f"{conf}:") and re.search(message, line), line
    assert line.split(":")[2] == str(column), line


def test_the_pareto_table_of_a_conditional_space_has_one_column_per_name(tmp_path, programs, write_config) -> None:
    conf = write_config(_config(programs, TWO).replace(
        '{"x": real(-10, 10)}', '{"kind": categorical({"a": {"x": real(-10, 3)}, "b": {"x": real(0, 10), "y": real(0, 1)}})}'))
    done = run_hypered(conf, cwd=tmp_path, env={"COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    header = next(line for line in done.stdout.splitlines() if line.startswith("┃"))
    assert [cell.strip() for cell in header.split("┃")[1:-1]] == ["trial", "loss", "memory_gb", "kind", "x", "y"]
    front = json.loads((tmp_path / "experiments" / "two" / "best.json").read_text())["pareto"]
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in done.stdout.splitlines()
            if line.startswith("│")]
    assert [row[-1] for row in rows] == [f"{p['params']['y']:.6g}" if "y" in p["params"] else "–" for p in front]
    assert "null" not in done.stdout
