"""The last trial of the budget repeats the best observed values, so the study knows whether the
objective is noisy: through the real `hypered` command, with a program that writes its results."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from helpers import run_hypered

PY = sys.executable

NOISY_PROGRAM = """
import json, random, sys
params = json.load(open(sys.argv[1]))
json.dump({"loss": (params["x"] - 3.0) ** 2 + random.gauss(0.0, 1.0)}, open(sys.argv[2], "w"))
with open(sys.argv[3], "a") as f:
    f.write(json.dumps(params) + "\\n")
"""


def _config(command: str, iterations: int, extra: str = "") -> str:
    return f"""
optimize(
    name="q",
    objective=minimize("loss"),
    binary="{command}",
    params={{"x": real(-10, 10)}},
    random_starts=10,
    iterations={iterations},
    seed=3,{extra}
)
"""


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_deterministic_program_is_repeated_once_in_its_own_folder(tmp_path, programs, write_config) -> None:
    record = tmp_path / "runs.jsonl"
    command = f"{PY} {programs / 'quadratic.py'} {{params_path}} {{results_path}} --record {record}"
    done = run_hypered(write_config(_config(command, 13)), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "trial 12 repeats trial" in done.stdout
    assert "got the same value: the objective is deterministic" in done.stdout
    runs = _records(record)
    assert len(runs) == 13  # the repeat ran the program: no cached results stood in for it
    study = tmp_path / "experiments" / "q"
    folders = sorted(p.name for p in study.iterdir() if (p / "results.json").is_file())
    repeats = [name for name in folders if name.endswith("-2")]
    assert len(folders) == 13 and len(repeats) == 1
    first = study / repeats[0].removesuffix("-2")
    assert json.loads((study / repeats[0] / "params.json").read_text()) == json.loads(
        (first / "params.json").read_text())
    best = json.loads((study / "best.json").read_text())
    assert best["recommended_by"].startswith("best observed value (trial 12 repeated trial ")
    assert best["recommended_by"].endswith("and got the same value)")

    more = run_hypered(write_config(_config(command, 16)), cwd=tmp_path)  # resumed: no second repeat
    assert more.returncode == 0, more.stderr
    assert "repeats trial" not in more.stdout
    xs = [run["x"] for run in _records(record)]
    assert len(xs) == 16 and len(set(xs)) == 15


def test_a_noisy_program_is_found_noisy_and_the_posterior_mean_recommended(tmp_path, write_config) -> None:
    program, record = tmp_path / "noisy.py", tmp_path / "runs.jsonl"
    program.write_text(NOISY_PROGRAM)
    command = f"{PY} {program} {{params_path}} {{results_path}} {record}"
    done = run_hypered(write_config(_config(command, 12)), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "got another value: the objective is noisy" in done.stdout
    best = json.loads((tmp_path / "experiments" / "q" / "best.json").read_text())
    assert best["recommended_by"].startswith("best posterior mean (trial 11 repeated trial ")
    assert best["posterior_mean"] is not None


def test_noisy_given_in_the_config_means_no_repeat(tmp_path, programs, write_config) -> None:
    record = tmp_path / "runs.jsonl"
    command = f"{PY} {programs / 'quadratic.py'} {{params_path}} {{results_path}} --record {record}"
    done = run_hypered(write_config(_config(command, 13, "\n    noisy=False,")), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "repeats trial" not in done.stdout
    xs = [run["x"] for run in _records(record)]
    assert len(set(xs)) == 13
