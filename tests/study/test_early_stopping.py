"""Early stopping: trials report step by step, hopeless ones are stopped, nothing reported is lost."""

from __future__ import annotations

import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import HYPERED, run_hypered, wait_for_trials

import hypered as hp

PY = sys.executable


def _conf(tmp_path: Path, programs: Path, *, iterations: int = 10, parallel: int = 1,
          flags: str = "--sleep 0.2", extra: str = "") -> Path:
    conf = tmp_path / "es.conf"
    conf.write_text(f"""
optimize(
    name="es",
    objective=minimize("val.loss"),
    binary="{PY} {programs / 'curve.py'} {{params_path}} {{results_path}} --steps 9 {flags} --record {tmp_path / 'runs.jsonl'}",
    random_starts=4,
    iterations={iterations},
    parallel={parallel},
    seed=3,
    early_stopping=asha(min_step=1, max_step=9, reduction=3),
    params={{"x": real(-5, 5), "gpu": device_id(2)}},
    {extra}
)
""")
    return conf


def _db(tmp_path: Path) -> Path:
    return tmp_path / "experiments" / "es" / "study.db"


def _query(tmp_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(_db(tmp_path)) as conn:
        return conn.execute(sql).fetchall()


def _runs(tmp_path: Path) -> list[dict]:
    return [json.loads(line) for line in (tmp_path / "runs.jsonl").read_text().splitlines()]


def test_hopeless_trials_are_stopped_with_their_process_group(tmp_path, programs) -> None:
    done = run_hypered(_conf(tmp_path, programs, parallel=2), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    trials = _query(tmp_path, "SELECT number, state, value, reason, results, started, finished FROM trials")
    pruned = [t for t in trials if t[1] == "pruned"]
    assert pruned and len(trials) == 10 and {t[1] for t in trials} == {"complete", "pruned"}
    for _, _, value, reason, results, _, _ in pruned:
        step = json.loads(results)["step"]  # its last report: the one judged, or one it sent on the way out
        assert step < 9 and int(reason.split()[3].rstrip(":")) <= step and " val.loss " in reason
        assert "is not among the best 1/3 of the" in reason and value == json.loads(results)["val"]["loss"]
    reports = _query(tmp_path, "SELECT number, step, value FROM reports ORDER BY number, step")
    complete = {t[0] for t in trials if t[1] == "complete"}
    assert all(len([r for r in reports if r[0] == n]) == 9 for n in complete)
    assert f"{len(complete)} of 10 trials complete, {len(pruned)} stopped early" in done.stdout
    best = json.loads((tmp_path / "experiments" / "es" / "best.json").read_text())
    assert best["trial"] in complete

    time.sleep(0.3)
    for run in _runs(tmp_path):  # no program of any trial is left: pruned ones were killed, group and all
        with pytest.raises(ProcessLookupError):
            os.killpg(run["pgid"], 0)
    # trials running at the same time never shared a device, pruned ones included
    spans = {round(run["x"], 9): (run["start"], run["device"]) for run in _runs(tmp_path)}
    intervals = []
    for number, *_, finished in trials:
        (x,) = _query(tmp_path, f"SELECT json_extract(sampled, '$.x') FROM trials WHERE number = {number}")[0]
        intervals.append((spans[round(x, 9)][0], finished, spans[round(x, 9)][1]))
    for a in intervals:
        for b in intervals:
            if a is not b and a[0] < b[1] and b[0] < a[1]:
                assert a[2] != b[2], "two trials held one device at once"


def test_bad_report_lines_are_skipped_and_said(tmp_path, programs) -> None:
    done = run_hypered(_conf(tmp_path, programs, iterations=3, flags="--raw --bad-lines"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "reports.jsonl line 1 is not JSON; skipped" in done.stdout
    assert "has no whole \"step\" >= 0; skipped" in done.stdout
    assert "step 0 does not follow step 1; skipped" in done.stdout
    assert _query(tmp_path, "SELECT COUNT(*) FROM reports WHERE number = 0") == [(9,)]


def test_sigkill_keeps_reports_and_pruned_trials(tmp_path, programs) -> None:
    conf = _conf(tmp_path, programs, iterations=12, parallel=2, flags="--sleep 0.3")
    study = subprocess.Popen([*HYPERED, str(conf)], cwd=tmp_path, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    wait_for_trials(_db(tmp_path), 1, state="pruned", timeout=120)
    time.sleep(0.5)
    study.send_signal(signal.SIGKILL)
    study.wait()
    pruned = _query(tmp_path, "SELECT number, reason FROM trials WHERE state = 'pruned'")
    reports = _query(tmp_path, "SELECT number, step, value FROM reports")
    assert pruned and reports

    done = run_hypered(conf, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert set(pruned) <= set(_query(tmp_path, "SELECT number, reason FROM trials WHERE state = 'pruned'"))
    assert set(reports) <= set(_query(tmp_path, "SELECT number, step, value FROM reports"))
    states = _query(tmp_path, "SELECT state, COUNT(*) FROM trials GROUP BY state")
    assert sum(n for state, n in states if state in ("complete", "pruned")) == 12


def _train(params: dict) -> dict:
    loss = math.inf
    for step in range(1, 10):
        loss = (params["x"] - 0.3) ** 2 + 1.0 / step
        hp.report(step, loss=loss)  # raises TrialPruned when the study stops the trial; not caught here
    return {"loss": loss}


def test_a_function_is_stopped_by_report_and_the_optimizer_learns_from_it(tmp_path) -> None:
    best = hp.optimize(name="fn", objective=hp.minimize("loss"), params={"x": hp.real(-1, 1)},
                       function=_train, iterations=16, random_starts=5, seed=0, directory=tmp_path,
                       early_stopping=hp.asha(min_step=1, max_step=9, reduction=3))
    study = hp.load_study(tmp_path / "fn")
    states = [t.state for t in study.trials]
    assert states.count(hp.TrialState.PRUNED) >= 3 and len(states) == 16
    assert best is not None and study.trials[best["trial"]].state is hp.TrialState.COMPLETE
    assert abs(best["params"]["x"] - 0.3) < 0.1
    hp.report(3, loss=1.0)  # outside a trial: does nothing


def test_nan_reports_stop_the_trial(tmp_path) -> None:
    def diverges(params: dict) -> dict:
        for step in range(1, 5):
            hp.report(step, loss=math.nan if params["x"] > 0 else params["x"] ** 2)
        return {"loss": params["x"] ** 2}

    hp.optimize(name="nan", objective=hp.minimize("loss"), params={"x": hp.real(-1, 1)},
                function=diverges, iterations=8, random_starts=8, seed=0, directory=tmp_path,
                early_stopping=hp.asha(reduction=100))  # only NaN stops a trial here
    trials = hp.load_study(tmp_path / "nan").trials
    for trial in trials:
        if trial.values["x"] > 0:
            assert trial.state is hp.TrialState.PRUNED and trial.reason == "stopped at step 1: loss is NaN"
        else:
            assert trial.state is hp.TrialState.COMPLETE


def test_early_stopping_arguments_are_checked(tmp_path, programs) -> None:
    conf = tmp_path / "bad.conf"
    conf.write_text(f'optimize(name="b", objective=minimize("loss"), params={{"x": real(0, 1)}},\n'
                    f'         binary="{PY} {programs / "curve.py"} {{params_path}} {{results_path}}",\n'
                    f'         early_stopping=asha(min_step=5, max_step=2))\n')
    done = run_hypered(conf, "--dry-run", cwd=tmp_path)
    assert done.returncode == 2 and "bad.conf:3:" in done.stderr
    assert "max_step must be a whole number above min_step=5" in done.stderr


def test_resume_keeps_the_reports_a_dask_attempt_left_on_a_shared_disk(tmp_path, programs) -> None:
    conf = _conf(tmp_path, programs, iterations=1, flags="--sleep 0.3")
    study = subprocess.Popen([*HYPERED, str(conf)], cwd=tmp_path, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while not _db(tmp_path).exists() or not _safe_query(tmp_path, "SELECT step FROM reports"):
        assert time.time() < deadline, "no report was kept"
        time.sleep(0.05)
    study.send_signal(signal.SIGKILL)  # the driver dies; the program goes on to its last step
    study.wait()
    (key,) = _query(tmp_path, "SELECT key FROM trials")[0]
    folder = tmp_path / "experiments" / "es" / key
    while not (folder / "results.json").exists():
        assert time.time() < deadline, "the program left running wrote no results"
        time.sleep(0.05)
    # as a Dask worker on a shared disk leaves them: all of it in the attempt folder, and in the
    # trial folder only the lines forwarded to the driver before it died
    attempt = folder / "attempt-1"
    attempt.mkdir()
    (folder / "results.json").rename(attempt / "results.json")
    lines = (folder / "reports.jsonl").read_text().splitlines(keepends=True)
    (attempt / "reports.jsonl").write_text("".join(lines))
    (folder / "reports.jsonl").write_text(lines[0])
    done = run_hypered(conf, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert _query(tmp_path, "SELECT state FROM trials") == [("complete",)]
    assert [s for s, in _query(tmp_path, "SELECT step FROM reports ORDER BY step")] == list(range(1, 10))


def _safe_query(tmp_path: Path, sql: str) -> list[tuple]:
    try:
        return _query(tmp_path, sql)
    except sqlite3.OperationalError:
        return []
