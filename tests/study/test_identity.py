"""A study is never mixed with another: a rerun of another definition is refused, restarted or continued."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import run_hypered

import hypered as hp
from hypered.errors import StudyError

PY = sys.executable


def _project(folder: Path, programs: Path, *, binary: str = "quadratic.py", fixed: str = "0.5",
             space: str = "real(-5, 5)", iterations: int = 4) -> Path:
    """A config and its program in `folder`, as a user keeps them (the program beside the config)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / binary).write_text((programs / "quadratic.py").read_text())
    conf = folder / "sweep.conf"
    conf.write_text(textwrap.dedent(f"""
        optimize(
            name="shared",
            objective=minimize("loss"),
            binary="{PY} {binary} {{params_path}} {{results_path}}",
            random_starts=2,
            iterations={iterations},
            params={{"x": {space}, "offset": {fixed}}},
        )
    """))
    return conf


def _rows(study: Path) -> list[tuple]:
    with sqlite3.connect(study / "study.db") as conn:
        return conn.execute("SELECT number, state, value FROM trials ORDER BY number").fetchall()


def test_same_name_from_another_folder_is_refused_and_loses_nothing(tmp_path, programs) -> None:
    first = _project(tmp_path / "a", programs)
    second = _project(tmp_path / "b", programs)
    assert run_hypered(first, cwd=tmp_path).returncode == 0
    study = tmp_path / "experiments" / "shared"
    before = _rows(study)
    best_before = (study / "best.json").read_text()

    refused = run_hypered(second, cwd=tmp_path)
    assert refused.returncode == 1
    assert "holds 4 trials of another definition" in refused.stderr
    assert f"was {tmp_path / 'a'}, now {tmp_path / 'b'}" in refused.stderr
    assert "--on-change restart" in refused.stderr and "new name=" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert _rows(study) == before and (study / "best.json").read_text() == best_before

    restarted = run_hypered(second, "--on-change", "restart", cwd=tmp_path)
    assert restarted.returncode == 0, restarted.stderr
    assert "moved the old study 'shared' to" in restarted.stdout
    archived = [p for p in (tmp_path / "experiments").iterdir() if p.name.startswith("shared.replaced-")]
    assert len(archived) == 1 and _rows(archived[0]) == before
    assert len(_rows(study)) == 4
    assert run_hypered(second, cwd=tmp_path).returncode == 0  # the new definition now resumes


@pytest.mark.parametrize("change", ["binary", "fixed"])
def test_a_changed_binary_or_fixed_value_is_refused_or_continued(tmp_path, programs, change) -> None:
    conf = _project(tmp_path, programs)
    assert run_hypered(conf, cwd=tmp_path).returncode == 0
    study = tmp_path / "experiments" / "shared"
    before = _rows(study)
    edited = {"binary": {"binary": "train.py"}, "fixed": {"fixed": "0.25"}}[change]
    conf = _project(tmp_path, programs, iterations=6, **edited)

    refused = run_hypered(conf, cwd=tmp_path)
    assert refused.returncode == 1
    expected = "binary: was" if change == "binary" else "params.offset: was 0.5, now 0.25"
    assert expected in refused.stderr and "--on-change continue" in refused.stderr
    assert _rows(study) == before

    dry = run_hypered(conf, "--dry-run", cwd=tmp_path)  # the same check, the same message
    assert dry.returncode == 1 and expected in dry.stderr

    continued = run_hypered(conf, "--on-change", "continue", cwd=tmp_path)
    assert continued.returncode == 0, continued.stderr
    rows = _rows(study)
    assert rows[:4] == before and len(rows) == 6
    with sqlite3.connect(study / "study.db") as conn:
        (history,) = conn.execute("SELECT value FROM meta WHERE key = 'changes'").fetchone()
    assert expected in json.loads(history)[0]["changes"][0]
    assert run_hypered(conf, cwd=tmp_path).returncode == 0  # continued: the new definition is the study's


def test_a_changed_space_cannot_continue(tmp_path, programs) -> None:
    assert run_hypered(_project(tmp_path, programs), cwd=tmp_path).returncode == 0
    conf = _project(tmp_path, programs, space="real(-5, 6)")
    refused = run_hypered(conf, "--on-change", "continue", cwd=tmp_path)
    assert refused.returncode == 1
    assert "cannot continue" in refused.stderr and "params.x: was real(-5, 5), now real(-5, 6)" in refused.stderr


def _quadratic(params: dict) -> dict:
    return {"loss": (params["x"] - 1) ** 2}


def _shifted(params: dict) -> dict:
    return {"loss": (params["x"] - 2) ** 2}


def test_library_rerun_of_an_edited_function_is_refused(tmp_path) -> None:
    kwargs = dict(name="lib", objective=hp.minimize("loss"), params={"x": hp.real(-3, 3)},
                  iterations=4, random_starts=2, directory=tmp_path)
    hp.optimize(function=_quadratic, **kwargs)
    with pytest.raises(StudyError, match=r"function: was .*_quadratic, now .*_shifted"):
        hp.optimize(function=_shifted, **kwargs)
    best = hp.optimize(function=_shifted, on_change="restart", **kwargs)
    assert best is not None and best["results"]["loss"] == (best["params"]["x"] - 2) ** 2


def test_library_rerun_says_it_resumed(tmp_path) -> None:
    script = tmp_path / "tune.py"
    script.write_text(textwrap.dedent(f"""
        import hypered as hp

        def f(params):
            return (params["x"] - 1) ** 2

        for _ in range(2):
            hp.optimize(name="lib", objective=hp.minimize("loss"), params={{"x": hp.real(-3, 3)}},
                        function=f, iterations=3, random_starts=2, directory={str(tmp_path)!r})
    """))
    done = subprocess.run([PY, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "hypered: study lib: new, 3 trials to run" in done.stderr
    assert "hypered: study lib: resuming with 3 of 3 trials complete" in done.stderr
    assert "nothing to run (raise iterations= to run more)" in done.stderr

    source = script.read_text().replace("(params[\"x\"] - 1)", "(params[\"x\"] - 2)")
    script.write_text(source)
    edited = subprocess.run([PY, str(script)], capture_output=True, text=True, timeout=120)
    assert edited.returncode == 1 and "function __main__.f: its source changed" in edited.stderr


def test_dry_run_makes_the_real_runs_checks_and_writes_nothing(tmp_path, programs) -> None:
    conf = tmp_path / "gpus.conf"
    conf.write_text(f'optimize(name="g", objective=minimize("loss"), parallel=4,\n'
                    f'         binary="{PY} {programs / "quadratic.py"} {{params_path}} {{results_path}}",\n'
                    f'         params={{"x": real(0, 1), "gpu": device_id(2)}})\n')
    dry, real = run_hypered(conf, "--dry-run", cwd=tmp_path), run_hypered(conf, cwd=tmp_path)
    assert dry.returncode == real.returncode == 2
    assert "parallel=4 but params['gpu'] is device_id(2)" in dry.stderr
    assert dry.stderr == real.stderr
    assert not (tmp_path / "experiments").exists()  # neither wrote study.db nor study.lock

    conf.write_text('optimize(name="m", objective=minimize("loss"), binary="python3 missing.py {params_path}",\n'
                    '         params={"x": real(0, 1)})\n')
    dry, real = run_hypered(conf, "--dry-run", cwd=tmp_path), run_hypered(conf, cwd=tmp_path)
    assert dry.returncode == real.returncode == 2 and dry.stderr == real.stderr
    assert "gpus.conf:1:1: " in dry.stderr and "script 'missing.py' not found" in dry.stderr
    assert not (tmp_path / "experiments").exists()


def test_dry_run_refuses_what_the_stored_study_refuses_and_writes_nothing(tmp_path, programs) -> None:
    assert run_hypered(_project(tmp_path, programs), cwd=tmp_path).returncode == 0
    conf = _project(tmp_path, programs, space="integer(-5, 5)")
    study = tmp_path / "experiments" / "shared"
    files = sorted((p.name, p.stat().st_mtime_ns) for p in study.iterdir())
    dry = run_hypered(conf, "--dry-run", cwd=tmp_path)
    assert dry.returncode == 1 and "params.x: was real(-5, 5), now integer(-5, 5)" in dry.stderr
    assert sorted((p.name, p.stat().st_mtime_ns) for p in study.iterdir()) == files


def test_trials_of_hypered_1_0_are_imported(tmp_path, programs) -> None:
    study = tmp_path / "experiments" / "shared"
    for i, (x, loss) in enumerate([(1.0, 1.25), (2.0, 4.25), (9.0, 0.0)]):
        folder = study / f"{i:032x}"  # 1.0.x named trial folders by an md5 of their params
        folder.mkdir(parents=True)
        (folder / "params.json").write_text(json.dumps({"x": x, "offset": 0.5}))
        (folder / "results.json").write_text(json.dumps({"loss": loss}))
    (study / "best.json").write_text('{"from": "1.0"}')
    conf = _project(tmp_path, programs, iterations=4)

    dry = run_hypered(conf, "--dry-run", cwd=tmp_path)
    assert "2 to import as complete trials" in dry.stdout and "is outside real(-5, 5)" in dry.stdout
    assert not (study / "study.db").exists()

    done = run_hypered(conf, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "2 imported as complete trials" in done.stdout
    rows = _rows(study)
    assert rows[:2] == [(0, "complete", 1.25), (1, "complete", 4.25)] and len(rows) == 4
    assert json.loads((study / "best.v1.json").read_text()) == {"from": "1.0"}
    assert json.loads((study / "best.json").read_text())["value"] == min(r[2] for r in rows)


def test_an_empty_study_db_is_a_new_study(tmp_path, programs) -> None:
    study = tmp_path / "experiments" / "shared"
    study.mkdir(parents=True)
    (study / "study.db").touch()  # e.g. made by a reader that polled before the study started
    done = run_hypered(_project(tmp_path, programs), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(_rows(study)) == 4
