"""End to end: the real `hypered` command in a subprocess on temporary folders."""

from __future__ import annotations

import json
import os
import pty
import sqlite3
import subprocess
import sys
from pathlib import Path

from helpers import HYPERED, run_hypered

PY = sys.executable


def _config(programs: Path, *, name: str = "quad", iterations: int = 12, extra: str = "",
            program: str = "quadratic.py {params_path} {results_path}") -> str:
    return f"""
    optimize(
        name="{name}",
        objective=minimize("loss"),
        binary="{PY} {programs / program.split()[0]} {" ".join(program.split()[1:])}",
        random_starts=5,
        iterations={iterations},
        seed=1,
        params={{"x": real(-10, 10), "offset": 0.5, "nested": {{"k": integer(1, 3)}}}},
        {extra}
    )
    """


def _rows(study: Path) -> list[tuple]:
    with sqlite3.connect(study / "study.db") as conn:
        return conn.execute("SELECT number, state, value, reason, key FROM trials ORDER BY number").fetchall()


def test_runs_a_study_and_keeps_every_trial(tmp_path, programs, write_config) -> None:
    conf = write_config(_config(programs))
    done = run_hypered(conf, "--dir", tmp_path / "exp", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    study = tmp_path / "exp" / "quad"
    rows = _rows(study)
    assert len(rows) == 12 and all(state == "complete" for _, state, *_ in rows)
    best = json.loads((study / "best.json").read_text())
    assert best["value"] == min(value for _, _, value, _, _ in rows)
    assert best["params"]["offset"] == 0.5 and best["params"]["nested"]["k"] in (1, 2, 3)
    assert "best trial written to" in done.stdout and "best.json" in done.stdout
    assert "x" in done.stdout and "loss" in done.stdout
    for _, _, _, _, key in rows:
        folder = study / key
        params = json.loads((folder / "params.json").read_text())
        assert set(params) == {"x", "offset", "nested"}
        assert (folder / "results.json").exists() and (folder / "stdout.log").exists()


def test_rerun_resumes_and_extends(tmp_path, programs, write_config) -> None:
    conf = write_config(_config(programs, iterations=6))
    assert run_hypered(conf, "--dir", "exp", cwd=tmp_path).returncode == 0
    first = _rows(tmp_path / "exp" / "quad")
    again = run_hypered(conf, "--dir", "exp", cwd=tmp_path)
    assert again.returncode == 0 and _rows(tmp_path / "exp" / "quad") == first
    more = run_hypered(conf, "--dir", "exp", "--iterations", "9", cwd=tmp_path)
    assert more.returncode == 0, more.stderr
    rows = _rows(tmp_path / "exp" / "quad")
    assert rows[:6] == first and len(rows) == 9
    assert "resuming with 6 complete" in more.stdout


def test_dry_run_prints_the_space_and_runs_nothing(tmp_path, programs, write_config) -> None:
    conf = write_config(_config(programs))
    done = run_hypered(conf, "--dry-run", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "real(-10, 10)" in done.stdout and "nested.k" in done.stdout
    assert not (tmp_path / "experiments").exists()


def test_config_errors_are_one_line_with_location_and_exit_2(tmp_path, write_config) -> None:
    conf = write_config('optimize(\n    name="x",\n    params={"x": real(5, 1)},\n)\n')
    done = run_hypered(conf, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == f"{conf}:3:18: real(low=5, high=1): low must be below high"
    assert "Traceback" not in done.stderr + done.stdout


def test_missing_config_and_missing_program(tmp_path, write_config) -> None:
    done = run_hypered(tmp_path / "nope.conf", cwd=tmp_path)
    assert done.returncode == 2 and "nope.conf: config file not found" in done.stderr
    conf = write_config('optimize(name="x", objective=minimize("loss"), '
                        'binary="no-such-program-here {params_path}", params={"x": real(0, 1)})')
    done = run_hypered(conf, cwd=tmp_path)
    assert done.returncode == 2
    assert "program 'no-such-program-here' not found on PATH" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_failing_trials_are_recorded_and_stop_the_study(tmp_path, programs, write_config) -> None:
    conf = write_config(_config(programs, program="misbehave.py exit1 {params_path} {results_path}",
                                extra="max_failures=3,"))
    done = run_hypered(conf, "--dir", "exp", cwd=tmp_path)
    assert done.returncode == 1
    assert "3 trials failed in a row" in done.stderr
    assert "something broke in the model" in done.stderr  # the stderr tail
    assert "Traceback" not in done.stderr
    rows = _rows(tmp_path / "exp" / "quad")
    assert [state for _, state, *_ in rows] == ["failed"] * 3
    assert rows[0][3] == "exited with code 1: something broke in the model"


def test_verbose_shows_program_output(tmp_path, programs, write_config) -> None:
    conf = write_config(_config(programs, iterations=2,
                                program="misbehave.py exit1 {params_path} {results_path}",
                                extra="max_failures=2,"))
    quiet = run_hypered(conf, "--dir", "a", cwd=tmp_path)
    loud = run_hypered(conf, "--dir", "b", "--verbose", cwd=tmp_path)
    # both print the failure summary; --verbose also passes each trial's stderr through
    assert loud.stderr.count("something broke") - quiet.stderr.count("something broke") == 2


def test_a_second_hypered_on_a_running_study_is_refused(tmp_path, programs, write_config) -> None:
    import subprocess
    import time

    from helpers import HYPERED
    conf = write_config(_config(programs, iterations=3,
                                program="quadratic.py {params_path} {results_path} --sleep 20"))
    first = subprocess.Popen([*HYPERED, str(conf), "--dir", "exp"], cwd=tmp_path,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while not (tmp_path / "exp" / "quad" / "study.db").exists() and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        second = run_hypered(conf, "--dir", "exp", cwd=tmp_path)
        assert second.returncode == 1
        assert f"already being run by pid {first.pid}" in second.stderr
    finally:
        first.kill()
        first.wait()


def test_an_unwritable_experiments_folder_is_one_line(tmp_path, programs, write_config) -> None:
    blocker = tmp_path / "exp"
    blocker.write_text("a file where the folder should be")
    conf = write_config(_config(programs, iterations=2))
    done = run_hypered(conf, "--dir", blocker, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("hypered: error:") and "Traceback" not in done.stderr


def test_on_a_terminal_a_progress_bar_shows_the_running_trials(tmp_path, programs, write_config) -> None:
    conf = write_config(_config(programs, iterations=6, extra="parallel=2,"))
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "140", "TERM": "xterm"}
    process = subprocess.Popen([*HYPERED, str(conf), "--dir", str(tmp_path / "exp")], cwd=tmp_path,
                               stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert process.wait(timeout=120) == 0
    os.close(leader)
    screen = b"".join(chunks).decode(errors="replace")
    assert "6/6" in screen and "running" in screen and "best" in screen and "eta" in screen
    assert "best trial written to" in screen
    assert "trial 0 complete" not in screen  # the per-trial lines are for pipes, not terminals


def test_piped_output_keeps_long_paths_on_one_line(tmp_path, programs, write_config) -> None:
    conf = write_config(_config(programs, iterations=3))
    deep = tmp_path / ("a-long-folder-name-" * 6) / "experiments"
    done = run_hypered(conf, "--dir", deep, cwd=tmp_path, env={"COLUMNS": "80"})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert f"best trial written to {deep / 'quad' / 'best.json'}" in lines
    assert any(line.endswith(f"in {deep / 'quad'}") for line in lines)
