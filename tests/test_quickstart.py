"""The README's quick-start study, run as a user runs it."""

from pathlib import Path

from helpers import run_hypered

EXAMPLE = Path(__file__).parents[1] / "examples" / "quickstart" / "example.conf"


def test_quickstart_example_finishes_30_trials_near_the_optimum(tmp_path: Path) -> None:
    done = run_hypered(EXAMPLE, "--dir", tmp_path / "exp", cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "30 of 30 trials complete" in done.stdout
    assert "second" in done.stdout  # the best option is printed
    import json
    best = json.loads((tmp_path / "exp" / "learning_params" / "best.json").read_text())
    assert best["params"]["option"] == "second"
    assert best["value"] < -1.9  # the optimum is -2 at x = 3
