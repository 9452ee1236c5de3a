"""`hypered export` and `load_study(...).to_dataframe()`: the same rows, through the real command."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pandas as pd
import pytest
from commands_helpers import corrupt_copy
from helpers import run_hypered

import hypered as hp
from hypered.errors import StudyReadError

COLUMNS = ["number", "state", "value", "params.x", "params.nested.k", "params.opt", "results.loss", "results.val.acc",
           "started", "finished", "duration", "reason"]


def test_export_csv_matches_the_dataframe(finished: Path) -> None:
    done = run_hypered("export", finished, cwd=finished)
    assert done.returncode == 0, done.stderr
    exported = pd.read_csv(io.StringIO(done.stdout))
    frame = hp.load_study(finished).to_dataframe()
    assert list(exported.columns) == list(frame.columns) == COLUMNS
    assert len(frame) == 5 and set(frame["state"]) == {"complete"}
    # CSV has no None: an empty cell reads back as NaN
    pd.testing.assert_frame_equal(exported, frame.fillna(float("nan")), check_dtype=False)
    assert (frame["duration"] == frame["finished"] - frame["started"]).all()


def test_export_jsonl_to_a_file_matches_the_dataframe(finished: Path, tmp_path: Path) -> None:
    done = run_hypered("export", finished.parent.parent / "quad.conf", "-o", tmp_path / "trials.jsonl",
                       cwd=finished.parent.parent)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == f"5 trials of quad written to {tmp_path / 'trials.jsonl'}"
    rows = [json.loads(line) for line in (tmp_path / "trials.jsonl").read_text().splitlines()]
    assert rows == hp.load_study(finished).to_dataframe().to_dict("records")
    best = json.loads((finished / "best.json").read_text())
    assert rows[best["trial"]]["value"] == best["value"] and rows[best["trial"]]["params.x"] == best["params"]["x"]


def test_export_of_a_running_study(running) -> None:
    study, _ = running
    done = run_hypered("export", study, "--format", "jsonl", cwd=study)
    assert done.returncode == 0, done.stderr
    (row,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert row["state"] == "running" and row["value"] is None and row["finished"] is None
    assert row["started"] > 0 and not math.isnan(row["params.x"])


def test_load_study_reads_trials_best_space_and_objective(finished: Path) -> None:
    study = hp.load_study(finished)
    best = json.loads((finished / "best.json").read_text())
    assert study.name == "quad" and len(study.trials) == 5
    assert all(t.state is hp.TrialState.COMPLETE for t in study.trials)
    assert study.best is not None and study.best.number == best["trial"] and study.best.params == best["params"]
    assert study.best_summary() == best
    assert study.objective == hp.minimize("loss")
    assert set(study.space) == {"x", "nested.k", "opt"} and study.space["x"]["type"] == "real"
    assert study.counts() == {"complete": 5, "failed": 0, "running": 0, "pruned": 0, "interrupted": 0}
    assert not study.running and study.warnings == ()


def test_missing_and_corrupt_studies(finished: Path, tmp_path: Path) -> None:
    garbage = corrupt_copy(finished, tmp_path / "garbage")
    done = run_hypered("export", garbage, cwd=tmp_path)
    assert done.returncode == 1 and done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr.strip().startswith(f"hypered export: error: {garbage / 'study.db'}: cannot read")
    with pytest.raises(StudyReadError, match="no such study folder"):
        hp.load_study(tmp_path / "nope")
    with pytest.raises(StudyReadError, match="file is not a database"):
        hp.load_study(garbage)


def test_to_dataframe_without_pandas_says_how_to_install_it(finished: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "pandas.py").write_text("raise ImportError('no pandas here')\n")  # shadows the real one
    code = f"import hypered as hp; hp.load_study({str(finished)!r}).to_dataframe()"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          env={"PYTHONPATH": str(tmp_path), "PATH": ""})
    assert done.returncode == 1 and "pip install 'hypered[pandas]'" in done.stderr


def _tradeoff(params: dict) -> dict:
    x = params["x"]
    return {"a": x, "b": (1.0 - x) ** 2, "size": 10.0 * x}


def test_export_judges_trials_by_constraints_and_pareto_set(tmp_path: Path) -> None:
    folder = tmp_path / "experiments"
    hp.optimize(name="both", objective=[hp.minimize("a"), hp.minimize("b")], params={"x": hp.real(0.0, 1.0)},
                function=_tradeoff, iterations=8, random_starts=4, seed=1, directory=folder,
                constraints=[hp.at_most("size", 5.0)])
    study = hp.load_study(folder / "both")
    done = run_hypered("export", folder / "both", "--format", "jsonl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == 8 and list(rows[0])[-2:] == ["feasible", "pareto"]
    for row in rows:
        assert row["feasible"] is (row["results.size"] <= 5.0)
    assert {r["number"] for r in rows if r["pareto"]} == {t.number for t in study.pareto} != set()
    assert all(r["feasible"] for r in rows if r["pareto"])
    single = run_hypered("export", folder / "both", cwd=tmp_path)
    assert single.stdout.splitlines()[0].endswith(",reason,feasible,pareto")
