"""parallel=N keeps N trials running, gives each a device nobody else holds, resumes after a crash."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import HYPERED, run_hypered, wait_for_trials

import hypered as hp
from hypered.errors import ArgumentError


def _conf(tmp_path: Path, programs: Path, *, iterations: int, sleep: float, extra: str = "") -> Path:
    conf = tmp_path / "par.conf"
    record = tmp_path / "runs.jsonl"
    conf.write_text(f"""
optimize(
    name="par",
    objective=minimize("loss"),
    binary="{sys.executable} {programs / 'quadratic.py'} {{params_path}} {{results_path}} --sleep {sleep} --record {record}",
    random_starts=4,
    iterations={iterations},
    parallel=4,
    params={{"x": real(-5, 5), "gpu": device_id(4)}},
    {extra}
)
""")
    return conf


def _runs(tmp_path: Path) -> list[dict]:
    return [json.loads(line) for line in (tmp_path / "runs.jsonl").read_text().splitlines()]


def _max_overlap(intervals: list[tuple[float, float]]) -> int:
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    best = now = 0
    for _, step in events:
        now += step
        best = max(best, now)
    return best


def test_four_trials_run_at_once_and_devices_never_collide(tmp_path, programs) -> None:
    done = run_hypered(_conf(tmp_path, programs, iterations=12, sleep=1.0), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    runs = _runs(tmp_path)
    assert len(runs) == 12
    assert _max_overlap([(r["start"], r["end"]) for r in runs]) == 4
    for device in map(str, range(4)):
        mine = [(r["start"], r["end"]) for r in runs if r["device"] == device]
        assert mine and _max_overlap(mine) == 1, f"device {device} was shared"
    with sqlite3.connect(tmp_path / "experiments" / "par" / "study.db") as conn:
        rows = conn.execute("SELECT started, finished, params FROM trials").fetchall()
    assert _max_overlap([(s, f) for s, f, _ in rows]) == 4  # the store's timestamps say so too
    for run in runs:  # params.json and the environment agree on the device
        params = json.loads((Path(run["trial_dir"]) / "params.json").read_text())
        assert str(params["gpu"]) == run["device"]


def test_parallel_beyond_the_device_count_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(ArgumentError, match=r"parallel=3 but params\['gpu'\] is device_id\(2\)"):
        hp.optimize(name="d", objective=hp.minimize("loss"),
                    params={"x": hp.real(0, 1), "gpu": hp.device_id(2)},
                    binary="python3 x.py", parallel=3, directory=tmp_path, cwd=tmp_path)


def test_sigkilled_parallel_driver_resumes_exactly(tmp_path, programs) -> None:
    conf = _conf(tmp_path, programs, iterations=10, sleep=0.6)
    seen: dict[int, tuple] = {}
    for delay in (0.3, 1.0):
        study = subprocess.Popen([*HYPERED, str(conf)], cwd=tmp_path, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        wait_for_trials(tmp_path / "experiments" / "par" / "study.db", 1)
        time.sleep(delay)
        study.send_signal(signal.SIGKILL)
        study.wait()
        complete = _complete(tmp_path)
        assert all(complete[n] == row for n, row in seen.items())
        seen = complete
    done = run_hypered(conf, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    complete = _complete(tmp_path)
    assert all(complete[n] == row for n, row in seen.items())
    assert len(complete) == 10
    keys = [row[0] for row in complete.values()]
    assert len(set(keys)) == 10


def _complete(tmp_path: Path) -> dict[int, tuple]:
    with sqlite3.connect(tmp_path / "experiments" / "par" / "study.db") as conn:
        rows = conn.execute("SELECT number, key, value FROM trials WHERE state='complete'").fetchall()
    return {n: (k, v) for n, k, v in rows}


def test_ctrl_c_stops_every_running_trial(tmp_path, programs) -> None:
    conf = _conf(tmp_path, programs, iterations=8, sleep=30)
    study = subprocess.Popen([*HYPERED, str(conf)], cwd=tmp_path, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    db = tmp_path / "experiments" / "par" / "study.db"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with sqlite3.connect(db) as conn:
                pids = [p for (p,) in conn.execute("SELECT pid FROM trials WHERE state='running'")]
            if len(pids) == 4 and all(pids):
                break
        except sqlite3.OperationalError:
            pass
        time.sleep(0.05)
    study.send_signal(signal.SIGINT)
    assert study.wait(timeout=30) == 130
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT state, pid FROM trials").fetchall()
    assert [state for state, _ in rows] == ["interrupted"] * 4
    time.sleep(0.2)
    for _, pid in rows:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
