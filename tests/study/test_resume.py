"""A killed or interrupted study loses no completed trial and resumes where it stopped."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from helpers import HYPERED, run_hypered, wait_for_trials

ITERATIONS = 8


def _conf(tmp_path: Path, programs: Path, sleep: float) -> Path:
    conf = tmp_path / "resume.conf"
    conf.write_text(f"""
optimize(
    name="resume",
    objective=minimize("loss"),
    binary="{sys.executable} {programs / 'quadratic.py'} {{params_path}} {{results_path}} --sleep {sleep} --record {tmp_path / 'runs.jsonl'}",
    random_starts=4,
    iterations={ITERATIONS},
    params={{"x": real(-5, 5)}},
)
""")
    return conf


def _trials(tmp_path: Path) -> list[tuple]:
    with sqlite3.connect(tmp_path / "experiments" / "resume" / "study.db") as conn:
        return conn.execute("SELECT number, key, state, value FROM trials ORDER BY number").fetchall()


def _complete(rows: list[tuple]) -> dict[int, tuple]:
    return {row[0]: row for row in rows if row[2] == "complete"}


def _start(conf: Path, tmp_path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*HYPERED, str(conf)], cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def test_sigkill_at_random_moments_then_rerun_loses_and_repeats_nothing(tmp_path, programs) -> None:
    conf = _conf(tmp_path, programs, sleep=0.4)
    rng = random.Random(7)
    seen: dict[int, tuple] = {}
    for _ in range(3):
        study = _start(conf, tmp_path)
        wait_for_trials(tmp_path / "experiments" / "resume" / "study.db", 1)
        time.sleep(rng.uniform(0.0, 1.5))
        study.send_signal(signal.SIGKILL)
        study.wait()
        complete = _complete(_trials(tmp_path))
        assert all(complete[n] == row for n, row in seen.items()), "a completed trial changed"
        seen = complete
    done = run_hypered(conf, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = _trials(tmp_path)
    complete = _complete(rows)
    assert all(complete[n] == row for n, row in seen.items())
    assert len(complete) == ITERATIONS
    keys = [row[1] for row in complete.values()]
    assert len(set(keys)) == len(keys), "a completed configuration ran twice"
    assert {row[2] for row in rows} <= {"complete", "interrupted"}
    best = json.loads((tmp_path / "experiments" / "resume" / "best.json").read_text())
    assert best["value"] == min(row[3] for row in complete.values())


def test_ctrl_c_stops_the_program_marks_the_trial_and_exits_130(tmp_path, programs) -> None:
    conf = _conf(tmp_path, programs, sleep=30)
    study = subprocess.Popen([*HYPERED, str(conf)], cwd=tmp_path, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 30
    while time.time() < deadline and not any(r[2] == "running" for r in _safe_trials(tmp_path)):
        time.sleep(0.05)
    time.sleep(0.3)
    study.send_signal(signal.SIGINT)
    _, stderr = study.communicate(timeout=30)
    assert study.returncode == 130
    assert "Run the same command again to resume" in stderr and "Traceback" not in stderr
    [row] = _trials(tmp_path)
    assert row[2] == "interrupted"
    with sqlite3.connect(tmp_path / "experiments" / "resume" / "study.db") as conn:
        (pid,) = conn.execute("SELECT pid FROM trials").fetchone()
    time.sleep(0.2)
    assert not _alive(pid), "the trial's program still runs"


def _safe_trials(tmp_path: Path) -> list[tuple]:
    try:
        return _trials(tmp_path)
    except sqlite3.OperationalError:
        return []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_results_left_in_a_dask_attempt_folder_are_picked_up_on_resume(tmp_path, programs) -> None:
    conf = _conf(tmp_path, programs, sleep=1.0)
    study = _start(conf, tmp_path)
    db = tmp_path / "experiments" / "resume" / "study.db"
    wait_for_trials(db, 1)
    deadline = time.time() + 30
    while time.time() < deadline:  # the program has started: its pid is recorded
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            if conn.execute("SELECT pid FROM trials WHERE state = 'running' AND pid IS NOT NULL").fetchone():
                break
        time.sleep(0.02)
    study.send_signal(signal.SIGKILL)  # the driver dies; the program goes on and writes its results
    study.wait()
    (number, key, state, _) = _trials(tmp_path)[-1]
    assert state == "running"
    folder = tmp_path / "experiments" / "resume" / key
    deadline = time.time() + 30
    while not (folder / "results.json").exists() and time.time() < deadline:
        time.sleep(0.05)
    assert (folder / "results.json").exists(), "the program left running wrote no results"
    # as a Dask worker on a shared filesystem leaves them: in the trial's attempt folder
    (folder / "attempt-2").mkdir()
    (folder / "results.json").rename(folder / "attempt-2" / "results.json")
    expected = json.loads((folder / "attempt-2" / "results.json").read_text())["loss"]
    done = run_hypered(conf, "--iterations", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = {row[0]: row for row in _trials(tmp_path)}
    assert rows[number][2] == "complete" and rows[number][3] == expected
