"""When the GP's fit calls the objective noisy, the last trial of the budget repeats the best
observed values, so the study knows: through the real `hypered` command, with programs that write
their results."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from helpers import run_hypered

PY = sys.executable

PROGRAM = """
import json, random, sys
params = json.load(open(sys.argv[1]))
x = params["x"]
loss = abs(x - 3.0) + {step} * float(int(x * 2) % 2) + random.gauss(0.0, {noise})
json.dump({{"loss": loss}}, open(sys.argv[2], "w"))
with open(sys.argv[3], "a") as f:
    f.write(json.dumps(params) + "\\n")
"""


def _program(folder: Path, step: float, noise: float) -> str:
    """A program's command line: |x - 3| with steps of `step` (deterministic edges the GP's fit
    takes for noise) plus Gaussian noise of std `noise`, recording each run's params."""
    program = folder / "program.py"
    program.write_text(PROGRAM.format(step=step, noise=noise))
    return f"{PY} {program} {{params_path}} {{results_path}} {folder / 'runs.jsonl'}"


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


def test_a_rough_deterministic_program_is_repeated_once_in_its_own_folder(tmp_path, write_config) -> None:
    command = _program(tmp_path, step=2.0, noise=0.0)
    done = run_hypered(write_config(_config(command, 12)), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "trial 11 repeats trial" in done.stdout
    assert "got the same value: the objective is deterministic" in done.stdout
    runs = _records(tmp_path / "runs.jsonl")
    assert len(runs) == 12  # the repeat ran the program: no cached results stood in for it
    study = tmp_path / "experiments" / "q"
    folders = sorted(p.name for p in study.iterdir() if (p / "results.json").is_file())
    repeats = [name for name in folders if name.endswith("-2")]
    assert len(folders) == 12 and len(repeats) == 1
    first = study / repeats[0].removesuffix("-2")
    assert json.loads((study / repeats[0] / "params.json").read_text()) == json.loads(
        (first / "params.json").read_text())
    best = json.loads((study / "best.json").read_text())
    assert best["recommended_by"].startswith("best observed value (trial 11 repeated trial ")
    assert best["recommended_by"].endswith("and got the same value)")

    more = run_hypered(write_config(_config(command, 16)), cwd=tmp_path)  # resumed: no second repeat
    assert more.returncode == 0, more.stderr
    assert "repeats trial" not in more.stdout
    xs = [run["x"] for run in _records(tmp_path / "runs.jsonl")]
    assert len(xs) == 16 and len(set(xs)) == 15


def test_a_noisy_program_is_found_noisy_and_its_best_candidate_checked(tmp_path, write_config) -> None:
    done = run_hypered(write_config(_config(_program(tmp_path, step=0.0, noise=3.0), 20)), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "trial 18 repeats trial" in done.stdout  # the first of the last tenth
    assert "got another value: the objective is noisy" in done.stdout
    assert "trial 19 repeats trial" in done.stdout and "to check a noisy objective's best candidate" in done.stdout
    best = json.loads((tmp_path / "experiments" / "q" / "best.json").read_text())
    assert best["recommended_by"].startswith("best posterior mean (trial 18 repeated trial ")
    assert best["posterior_mean"] is not None
    runs = _records(tmp_path / "runs.jsonl")
    assert len(runs) == 20 and len({run["x"] for run in runs}) == 18


def test_no_repeat_when_noisy_is_given_or_the_objective_looks_clean(tmp_path, programs, write_config) -> None:
    rough = tmp_path / "rough"
    rough.mkdir()
    done = run_hypered(write_config(_config(_program(rough, step=2.0, noise=0.0), 12, "\n    noisy=False,")),
                       cwd=rough)
    assert done.returncode == 0, done.stderr
    assert "repeats trial" not in done.stdout
    assert len({run["x"] for run in _records(rough / "runs.jsonl")}) == 12

    record = tmp_path / "smooth.jsonl"  # a smooth deterministic program: its fit is clean, nothing to check
    command = f"{PY} {programs / 'quadratic.py'} {{params_path}} {{results_path}} --record {record}"
    done = run_hypered(write_config(_config(command, 12)), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "repeats trial" not in done.stdout
    assert len({run["x"] for run in _records(record)}) == 12
    best = json.loads((tmp_path / "experiments" / "q" / "best.json").read_text())
    assert best["recommended_by"] == "best observed value (the objective does not look noisy)"
