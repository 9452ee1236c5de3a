"""initial= and warm_start= in config files, through the real `hypered` command."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest
from helpers import run_hypered

PY = sys.executable
GOOD_POINT = '{"x": 1.0, "nested": {"k": 2}, "c": "a"}'


def _config(programs: Path, *, name: str = "quad", iterations: int = 4, initial: str = "",
            warm_start: str = "", params: str = "") -> str:
    lines = [
        "optimize(",
        f'    name="{name}",',
        '    objective=minimize("loss"),',
        f'    binary="{PY} {programs / "quadratic.py"} {{params_path}} {{results_path}}",',
        "    random_starts=3,",
        f"    iterations={iterations},",
        "    seed=1,",
        "    params=" + (params or '{"x": real(-10, 10), "offset": 0.5, "nested": {"k": integer(1, 3)}, '
                                   '"c": categorical(["a", "b"])},'),
    ]
    if initial:
        lines.append(f"    initial=[{initial}],")
    if warm_start:
        lines.append(f'    warm_start="{warm_start}",')
    return "\n".join([*lines, ")", ""])


def _sampled(study: Path) -> list[dict]:
    with sqlite3.connect(study / "study.db") as conn:
        return [json.loads(s) for (s,) in conn.execute("SELECT sampled FROM trials ORDER BY number")]


def test_a_config_runs_its_starting_points_first_and_resumes_after_them(tmp_path, programs, write_config) -> None:
    points = f'{GOOD_POINT}, {{"x": -2, "nested.k": 3, "c": "b", "offset": 0.5}}, {{"x": 4.5, "nested.k": 1, "c": "b"}}'
    conf = write_config(_config(programs, iterations=2, initial=points))
    first = run_hypered(conf, "--dir", "exp", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert _sampled(tmp_path / "exp" / "quad") == [{"x": 1.0, "nested.k": 2, "c": "a"},
                                                   {"x": -2.0, "nested.k": 3, "c": "b"}]
    dry = run_hypered(conf, "--dir", "exp", "--iterations", "5", "--dry-run", cwd=tmp_path)
    assert ("2 of 3 starting points (initial=) are already in the study; runs 1 starting point(s) "
            "(initial=) first, then the random starts") in dry.stdout
    more = run_hypered(conf, "--dir", "exp", "--iterations", "5", cwd=tmp_path)
    assert more.returncode == 0, more.stderr
    assert "resuming with 2 complete" in more.stdout
    sampled = _sampled(tmp_path / "exp" / "quad")
    assert len(sampled) == 5 and sampled[2] == {"x": 4.5, "nested.k": 1, "c": "b"}
    assert len({json.dumps(s, sort_keys=True) for s in sampled}) == 5  # no starting point ran twice


def test_adding_initial_to_a_config_resumes_its_study(tmp_path, programs, write_config) -> None:
    assert run_hypered(write_config(_config(programs, iterations=3)), "--dir", "exp", cwd=tmp_path).returncode == 0
    conf = write_config(_config(programs, iterations=4, initial=GOOD_POINT))
    done = run_hypered(conf, "--dir", "exp", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert _sampled(tmp_path / "exp" / "quad")[3] == {"x": 1.0, "nested.k": 2, "c": "a"}


def test_a_config_warm_starts_from_an_earlier_study(tmp_path, programs, write_config) -> None:
    old = write_config(_config(programs, name="old", iterations=4), name="old.conf")
    assert run_hypered(old, "--dir", "exp", cwd=tmp_path).returncode == 0
    conf = write_config(_config(programs, name="new", iterations=2, initial=GOOD_POINT, warm_start="exp/old"))
    dry = run_hypered(conf, "--dir", "exp", "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert "runs the 1 starting point(s) (initial=) first, then the random starts" in dry.stdout
    assert (f"warm start from {tmp_path / 'exp' / 'old'}: its 4 complete trials feed the optimizer "
            "(they stay in that study); the Gaussian process proposes from the first trial") in dry.stdout
    assert not (tmp_path / "exp" / "new").exists()
    done = run_hypered(conf, "--dir", "exp", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "warm start from" in done.stdout
    assert _sampled(tmp_path / "exp" / "new")[0] == {"x": 1.0, "nested.k": 2, "c": "a"}
    with sqlite3.connect(tmp_path / "exp" / "new" / "study.db") as conn:
        (meta,) = conn.execute("SELECT value FROM meta WHERE key = 'warm_start'").fetchone()
    assert json.loads(meta)["trials"] == 4
    assert len(_sampled(tmp_path / "exp" / "old")) == 4


@pytest.mark.parametrize("initial, bad, message", [
    ('{"x": 20, "nested": {"k": 2}, "c": "a"}', "20", "initial[1]: x=20 is outside real(-10, 10)"),
    ('{"x": 1, "nested": {"k": 2}, "c": "z"}', '"z"', "initial[1]: c='z' is not one of ['a', 'b']"),
    ('{"x": 1, "nested": {"k": 1.5}, "c": "a"}', "1.5",
     "initial[1]: nested.k=1.5 is not a whole number (integer(1, 3))"),
    ('{"nested": {"k": 3}, "c": "a"}', '{"nested": {"k": 3}',
     "initial[1] has no value for x: a starting point gives every searched parameter"),
    ('{"x": 1, "y": 2, "nested": {"k": 2}, "c": "a"}', "2,",
     "initial[1]: 'y' is not a parameter of params (searched: x, nested.k, c)"),
    ('{"x": 1, "nested": {"k": 2}, "c": "a", "offset": 1}', "1}",
     "initial[1]: offset=1, but params fixes it at 0.5: a fixed value is the same in every trial "
     "(make it a variable to vary it, or leave it out)"),
    (GOOD_POINT, GOOD_POINT, "initial[1] repeats initial[0]: a study runs each configuration once"),
])
def test_a_bad_starting_point_in_a_config_is_one_line_at_its_value(initial, bad, message, tmp_path, programs,
                                                                    write_config) -> None:
    conf = write_config(_config(programs, initial=f"{GOOD_POINT}, {initial}"))
    done = run_hypered(conf, "--dry-run", cwd=tmp_path)
    lines = conf.read_text().splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("    initial="))
    col = lines[line - 1].index(bad, lines[line - 1].index(", " + initial) + 2) + 1
    assert done.returncode == 2
    assert done.stderr.strip() == f"{conf}:{line}:{col}: {message}"
    assert "Traceback" not in done.stderr + done.stdout


@pytest.mark.parametrize("warm_start, message", [
    ("exp/nowhere", "warm_start='exp/nowhere': {exp}/nowhere: no such study folder"),
    ("exp/old", "warm_start='exp/old': {exp}/old has another search space or objective (x: real(-10, 10) "
                "there, real(-5, 5) here); a warm start needs the same ones"),
])
def test_a_warm_start_that_does_not_fit_is_one_line_at_its_value(warm_start, message, tmp_path, programs,
                                                                  write_config) -> None:
    old = write_config(_config(programs, name="old", iterations=1), name="old.conf")
    assert run_hypered(old, "--dir", "exp", cwd=tmp_path).returncode == 0
    params = '{"x": real(-5, 5), "offset": 0.5, "nested": {"k": integer(1, 3)}, "c": categorical(["a", "b"])},'
    conf = write_config(_config(programs, name="new", warm_start=warm_start, params=params))
    done = run_hypered(conf, "--dir", "exp", cwd=tmp_path)
    lines = conf.read_text().splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("    warm_start="))
    assert done.returncode == 2
    assert done.stderr.strip() == f"{conf}:{line}:16: " + message.format(exp=tmp_path / "exp")
    assert "Traceback" not in done.stderr + done.stdout
    assert not (tmp_path / "exp" / "new").exists()
