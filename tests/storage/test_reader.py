"""storage.reader: read-only studies, the lock's holder, the layout's row mapping."""

from __future__ import annotations

import os
import socket
import sqlite3
import sys
from pathlib import Path

import pytest

from hypered.errors import StudyReadError
from hypered.storage import (
    DB_FILE,
    LOCK_FILE,
    Curve,
    StudyDatabase,
    StudyLock,
    lock_holder,
    read_curves,
    read_reports,
    read_study,
    reporting_trials,
)
from hypered.storage.layout import COLUMNS, Driver, parse_lock_text, trial_from_row, trial_row
from hypered.trial import Trial, TrialState

sys.path.insert(0, str(Path(__file__).parents[1] / "dashboard"))
from dashboard_helpers import write_db, write_reports  # noqa: E402

SPACE = {"x": {"type": "real", "low": 0, "high": 1, "log": False}}
OBJECTIVE = {"name": "acc", "direction": "maximize"}


def test_the_driver_is_a_live_pid_on_this_host(tmp_path: Path) -> None:
    lock = tmp_path / LOCK_FILE
    assert lock_holder(tmp_path) is None
    host = socket.gethostname()
    lock.write_text(f"pid {os.getpid()} on host {host}\n")
    assert lock_holder(tmp_path) == Driver(os.getpid(), host)
    lock.write_text(f"pid 999999999 on host {host}\n")  # died without clearing its lock
    assert lock_holder(tmp_path) is None
    for text in ("garbage", "", "pid x on host h"):
        lock.write_text(text)
        assert lock_holder(tmp_path) is None


def test_a_driver_on_another_host_counts_while_it_holds_the_lock(tmp_path: Path) -> None:
    with StudyLock(tmp_path / LOCK_FILE):
        assert lock_holder(tmp_path) == Driver(os.getpid(), socket.gethostname())
        (tmp_path / LOCK_FILE).write_text("pid 12 on host elsewhere\n")  # as a shared folder shows it
        assert lock_holder(tmp_path) == Driver(12, "elsewhere")
        assert lock_holder(tmp_path) == Driver(12, "elsewhere")  # the probe did not disturb the holder
    (tmp_path / LOCK_FILE).write_text("pid 12 on host elsewhere\n")  # released, text left behind
    assert lock_holder(tmp_path) is None
    assert parse_lock_text("pid 12 on host elsewhere\n") == Driver(12, "elsewhere")


def test_reads_a_study_while_its_driver_holds_the_lock_and_a_write(tmp_path: Path) -> None:
    db = write_db(tmp_path / "s", SPACE, OBJECTIVE, [{"values": {"x": 0.1}, "value": 0.5},
                                                     {"values": {"x": 0.2}, "value": 0.9}])
    with StudyLock(tmp_path / "s" / LOCK_FILE):
        writer = sqlite3.connect(db, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE trials SET value = 0.0")
        try:
            study = read_study(tmp_path / "s")
        finally:
            writer.execute("ROLLBACK")
            writer.close()
    assert study.running and study.driver == Driver(os.getpid(), socket.gethostname())
    assert [t.value for t in study.trials] == [0.5, 0.9] and study.best is not None and study.best.number == 1
    assert study.objective.direction.value == "maximize"


def test_unreadable_parts_are_warnings_and_an_unreadable_file_an_error(tmp_path: Path) -> None:
    db = write_db(tmp_path / "s", ["not", "a", "space"], OBJECTIVE, [{"values": {"x": 0.1}, "value": 0.5}])
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE trials SET results = '{broken'")
    study = read_study(tmp_path / "s")
    assert study.space == {} and len(study.warnings) == 2
    assert "the stored search space is unreadable" in study.warnings[0] and str(db) in study.warnings[0]
    assert study.warnings[1] == "trial 0: its results are not valid JSON" and study.trials[0].results is None
    (tmp_path / "s" / DB_FILE).write_bytes(db.read_bytes()[:1500])
    with pytest.raises(StudyReadError, match=f"{db}: cannot read the study database"):
        read_study(tmp_path / "s")
    with pytest.raises(StudyReadError, match="not a study folder"):
        read_study(tmp_path)
    with pytest.raises(StudyReadError, match="no such study folder"):
        read_study(tmp_path / "nope")
    with pytest.raises(StudyReadError, match="is a file; give the study's folder"):
        read_study(db)


def test_layout_rows_round_trip_through_the_writer(tmp_path: Path) -> None:
    trial = Trial(number=3, key="abc", values={"x": 0.5}, params={"x": 0.5, "fixed": [1, 2]},
                  state=TrialState.FAILED, results={"loss": None}, reason="exit 1", started=1.0, finished=2.5,
                  pid=7, host="h", worker="w")
    assert len(trial_row(trial)) == len(COLUMNS) and trial_from_row(trial_row(trial)) == trial
    with StudyDatabase(tmp_path / DB_FILE) as db:
        db.save(trial)
        assert db.trials() == [trial]
    (stored,) = read_study(tmp_path).trials
    assert stored == trial


def test_reports_read_back_as_curves_and_per_trial(tmp_path: Path) -> None:
    db = write_db(tmp_path / "s", SPACE, OBJECTIVE, [{"values": {"x": 0.1}, "value": 0.5},
                                                     {"values": {"x": 0.2}, "value": 0.9}])
    write_reports(db, {0: [{"acc": 0.2}, {"acc": float("nan"), "loss": 3}, {"acc": 0.5, "val": {"f1": 0.4}}],
                       1: [{"acc": 0.9}]}, objective="acc")
    curves = read_curves(tmp_path / "s")
    assert curves == (Curve(0, (1, 2, 3), (0.2, None, 0.5)), Curve(1, (1,), (0.9,)))
    reports = read_reports(tmp_path / "s", 0)
    assert [(r.step, r.value) for r in reports] == [(1, 0.2), (2, None), (3, 0.5)]
    assert reports[2].metrics == {"step": 3, "acc": 0.5, "val": {"f1": 0.4}} and reports[2].time is not None
    assert read_reports(tmp_path / "s", 7) == ()
    assert reporting_trials(tmp_path / "s") == (0, 1)
    assert read_curves(tmp_path / "s", [1, 5]) == curves[1:] and read_curves(tmp_path / "s", []) == ()


def test_a_study_db_from_before_reports_reads_as_no_reports(tmp_path: Path) -> None:
    db = write_db(tmp_path / "s", SPACE, OBJECTIVE, [{"values": {"x": 0.1}, "value": 0.5}])
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE reports")
    before = db.read_bytes()
    assert read_curves(tmp_path / "s") == () and read_reports(tmp_path / "s", 0) == ()
    assert reporting_trials(tmp_path / "s") == () and read_curves(tmp_path / "s", [0]) == ()
    assert db.read_bytes() == before  # read-only: the table is not created
    (tmp_path / "legacy").mkdir()
    assert read_curves(tmp_path / "legacy") == () and read_reports(tmp_path / "legacy", 0) == ()


def test_the_recommendation_holds_until_a_trial_completes_after_it(tmp_path: Path) -> None:
    db = write_db(tmp_path / "s", SPACE, OBJECTIVE, [{"values": {"x": 0.1}, "value": 0.9},
                                                     {"values": {"x": 0.2}, "value": 0.8}])
    with StudyDatabase(db) as store:
        store.set_meta("recommendation", {"trial": 1, "noisy": True, "posterior_mean": 0.85, "noise_std": 0.1,
                                          "complete": 2})
    for outline in (False, True):
        study = read_study(tmp_path / "s", outline=outline)
        assert study.recommended is not None and study.recommended.number == 1
        assert study.best is not None and study.best.number == 1
    study = read_study(tmp_path / "s")
    assert study.best_observed is not None and study.best_observed.number == 0
    assert study.best_summary()["recommended_by"] == "best posterior mean (the objective looks noisy)"
    with StudyDatabase(db) as store:  # a trial completed since: the model has not judged it
        store.save(Trial(number=2, key="k2", values={"x": 0.3}, params={"x": 0.3}, state=TrialState.COMPLETE,
                         value=0.1))
    study = read_study(tmp_path / "s")
    assert study.recommended is None and study.best is not None and study.best.number == 0
    assert study.best_summary()["recommended_by"] == "best observed value (so far: the model judges when the study ends)"
