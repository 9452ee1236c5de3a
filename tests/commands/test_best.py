"""`hypered best`: the best trial of a study folder or of a config's studies, through the real command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from commands_helpers import corrupt_copy, quad_config
from helpers import run_hypered


def test_best_json_is_best_json(finished: Path) -> None:
    done = run_hypered("best", finished, "--json", cwd=finished)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads((finished / "best.json").read_text())


def test_best_of_a_config_reads_the_study_it_names(finished: Path) -> None:
    root = finished.parent.parent
    by_config = run_hypered("best", "quad.conf", "--json", cwd=root)
    assert by_config.returncode == 0, by_config.stderr
    assert json.loads(by_config.stdout) == json.loads((finished / "best.json").read_text())
    text = run_hypered("best", "quad.conf", cwd=root).stdout
    best = json.loads((finished / "best.json").read_text())
    assert f"best is trial {best['trial']}" in text and f"  x = {best['params']['x']!r}" in text
    assert "  nested.k = " in text and "  val.acc = " in text


def test_a_config_of_two_studies_gives_both_or_the_named_one(finished: Path, tmp_path: Path) -> None:
    shutil.copytree(finished, tmp_path / "exp" / "quad")
    shutil.copytree(finished, tmp_path / "exp" / "other")
    (tmp_path / "two.conf").write_text(quad_config("quad", 5) + quad_config("other", 5))
    both = json.loads(run_hypered("best", "two.conf", "--dir", "exp", "--json", cwd=tmp_path).stdout)
    assert [b["experiment_dir"].split("/")[-2] for b in both] == ["quad", "other"]
    one = json.loads(run_hypered("best", "two.conf", "--dir", "exp", "--name", "other", "--json", cwd=tmp_path).stdout)
    assert one == both[1]
    wrong = run_hypered("best", "two.conf", "--name", "nope", cwd=tmp_path)
    assert wrong.returncode == 1 and "name='nope'" in wrong.stderr and "'quad', 'other'" in wrong.stderr


def test_a_running_study_without_a_complete_trial_says_so(running) -> None:
    study, _ = running
    done = run_hypered("best", study, cwd=study)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip() == f"hypered best: error: study 'slow' in {study} has no complete trial yet (1 running)"


def test_missing_and_corrupt_studies_are_one_line(finished: Path, tmp_path: Path) -> None:
    for target, expected in [
        (tmp_path / "nope", f"{tmp_path / 'nope'}: no such study folder or config file"),
        (corrupt_copy(finished, tmp_path / "garbage"), "file is not a database"),
        (corrupt_copy(finished, tmp_path / "cut", keep_bytes=3000), f"{tmp_path / 'cut' / 'study.db'}: cannot read"),
    ]:
        done = run_hypered("best", target, cwd=tmp_path)
        assert done.returncode == 1 and len(done.stderr.splitlines()) == 1, done.stderr
        assert done.stderr.startswith("hypered best: error: ") and expected in done.stderr
    (tmp_path / "bad.conf").write_text("optimize(name=1 +)\n")
    config = run_hypered("best", "bad.conf", cwd=tmp_path)
    assert config.returncode == 2 and "bad.conf:1:" in config.stderr and "Traceback" not in config.stderr
