"""`noisy=` in a config file, through the real `hypered` command: the recommendation follows it,
and a value that is not True, False or None is a located one-line error."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from helpers import run_hypered

PY = sys.executable


def _config(programs: Path, noisy: str) -> str:
    return f"""
optimize(
    name="q",
    objective=minimize("loss"),
    binary="{PY} {programs / 'quadratic.py'} {{params_path}} {{results_path}}",
    params={{"x": real(-10, 10)}},
    random_starts=4,
    iterations=6,
    seed=1,
    noisy={noisy},
)
"""


def test_noisy_true_in_a_config_recommends_by_the_posterior_mean(tmp_path, programs, write_config) -> None:
    done = run_hypered(write_config(_config(programs, "True")), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    best = json.loads((tmp_path / "experiments" / "q" / "best.json").read_text())
    assert best["recommended_by"] == "best posterior mean (noisy=True)"
    assert best["posterior_mean"] is not None
    shown = run_hypered("best", tmp_path / "experiments" / "q", "--json", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == best


def test_a_noisy_value_that_is_not_a_bool_is_a_located_error(tmp_path, programs, write_config) -> None:
    conf = write_config(_config(programs, '"sometimes"'))
    done = run_hypered(conf, cwd=tmp_path)
    assert done.returncode == 2
    line = next(n for n, text in enumerate(conf.read_text().splitlines(), 1) if "noisy=" in text)
    assert done.stderr.startswith(f"{conf}:{line}:")
    assert "noisy='sometimes': give True" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "experiments").exists()
