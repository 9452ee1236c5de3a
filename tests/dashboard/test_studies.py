"""Reading study folders: read-only, never blocking a running study; running detection; discovery."""

from __future__ import annotations

import os
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from dashboard_helpers import start_study, write_db, write_legacy_study

from hypered.dashboard import api
from hypered.dashboard.api import Dashboard
from hypered.dashboard.frame import Frame, build_frame
from hypered.dashboard.studies import Experiments, Study, StudyNotFound
from hypered.trial import TrialState

SPACE = {"x": {"type": "real", "low": 0, "high": 1, "log": False}}
OBJECTIVE = {"name": "loss", "direction": "minimize"}


def test_discovers_db_and_legacy_studies_only(tmp_path) -> None:
    write_db(tmp_path / "b", SPACE, OBJECTIVE, [{"values": {"x": 0.5}, "value": 1.0}])
    write_legacy_study(tmp_path / "a")
    (tmp_path / "empty").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "b")
    experiments = Experiments(tmp_path)
    assert experiments.names() == ["a", "b"]
    for name in ["empty", "link", "..", "../b", "b/..", ""]:
        try:
            experiments.load(name)
        except StudyNotFound:
            continue
        raise AssertionError(f"{name!r} should not be found")


def test_reading_never_writes_the_study(tmp_path) -> None:
    db = write_db(tmp_path / "s", SPACE, OBJECTIVE, [{"values": {"x": 0.1 * i}, "value": float(i)} for i in range(5)])
    before = db.read_bytes()
    os.chmod(db, 0o444)  # a write would fail loudly
    try:
        study = Experiments(tmp_path).load("s")
    finally:
        os.chmod(db, 0o644)
    assert len(study.trials) == 5 and db.read_bytes() == before


def test_reads_while_a_writer_holds_a_transaction(tmp_path) -> None:
    """WAL: the reader sees the last commit and does not wait for (or block) the writer."""
    db = write_db(tmp_path / "s", SPACE, OBJECTIVE, [{"values": {"x": 0.5}, "value": 1.0}])
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE trials SET value = 2.0")
    try:
        started = time.monotonic()
        study = Experiments(tmp_path).load("s")
        assert time.monotonic() - started < 1.0
        assert study.trials[0].value == 1.0
        writer.execute("UPDATE trials SET value = 3.0")  # the writer is not blocked by the reader
    finally:
        writer.execute("COMMIT")
        writer.close()
    assert Experiments(tmp_path).load("s").trials[0].value == 3.0


def test_cache_follows_changes(tmp_path) -> None:
    write_db(tmp_path / "s", SPACE, OBJECTIVE, [{"values": {"x": 0.5}, "value": 1.0}])
    experiments = Experiments(tmp_path)
    first = experiments.load("s")
    assert experiments.load("s") is first
    with sqlite3.connect(tmp_path / "s" / "study.db") as conn:
        conn.execute("UPDATE trials SET state = 'failed', value = NULL")
    again = experiments.load("s")
    assert again.version != first.version and again.trials[0].state is TrialState.FAILED


def test_a_running_study_shows_as_running_then_idle(tmp_path) -> None:
    root = tmp_path / "exp"
    root.mkdir()
    process = start_study(root, "live", iterations=8, sleep=0.3)
    dashboard = Dashboard(root)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            studies = dashboard.study_list()["studies"]
            if studies and studies[0]["running"] and studies[0]["counts"]["running"] >= 1:
                break
            time.sleep(0.1)
        else:
            raise AssertionError(f"never seen running: {dashboard.study_list()}")
    finally:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    summary = dashboard.study_list()["studies"][0]
    assert summary["running"] is False and summary["counts"]["complete"] == 8


def test_empty_db_before_its_tables(tmp_path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    sqlite3.connect(folder / "study.db").close()
    d = Dashboard(tmp_path)
    assert d.study_list()["studies"][0]["counts"]["total"] == 0
    assert d.model_view("s")["available"] is False


def test_model_is_fitted_once_per_number_of_complete_trials(tmp_path, monkeypatch) -> None:
    from hypered.dashboard import model

    trials = [{"values": {"x": i / 9}, "value": (i / 9 - 0.3) ** 2} for i in range(10)]
    write_db(tmp_path / "s", SPACE, OBJECTIVE, trials)
    calls = []
    real_fit = model.fit
    monkeypatch.setattr(model, "fit", lambda study: calls.append(1) or real_fit(study))
    d = Dashboard(tmp_path)
    for _ in range(3):
        d.model_view("s")
    assert len(calls) == 1
    with sqlite3.connect(tmp_path / "s" / "study.db") as conn:  # a new running trial: no refit
        conn.execute("INSERT INTO trials (number, key, state, sampled, params) VALUES (10, 'k', 'running', '{}', '{}')")
    d.model_view("s")
    assert len(calls) == 1
    with sqlite3.connect(tmp_path / "s" / "study.db") as conn:
        conn.execute("UPDATE trials SET state = 'complete', value = 0.5, sampled = '{\"x\": 0.5}' WHERE number = 10")
    d.model_view("s")
    assert len(calls) == 2


def test_model_of_a_maximized_study_is_in_the_users_direction(tmp_path) -> None:
    from hypered.dashboard import model

    trials = [{"values": {"x": i / 19}, "value": 10 - (i / 19 - 0.7) ** 2 * 10} for i in range(20)]
    write_db(tmp_path / "s", SPACE, {"name": "acc", "direction": "maximize"}, trials)
    fitted = model.fit(Experiments(tmp_path).load("s"))
    (x,) = model.slices(fitted)
    peak = x["x"][max(range(len(x["mean"])), key=lambda i: x["mean"][i])]
    assert abs(peak - 0.7) < 0.08 and max(x["mean"]) <= 10.5 and x["best_mean"] > 9.5
    assert model.importance(fitted) == [{"name": "x", "importance": 1.0, "lengthscale": model.importance(fitted)[0]["lengthscale"]}]


def test_folder_path_is_inside_root(tmp_path: Path) -> None:
    write_db(tmp_path / "s", SPACE, OBJECTIVE, [{"values": {"x": 0.5}, "value": 1.0}])
    assert Experiments(tmp_path).folder("s") == (tmp_path / "s").resolve()


def test_a_cold_study_is_tabulated_once_however_many_ask(tmp_path, monkeypatch) -> None:
    write_db(tmp_path / "s", SPACE, OBJECTIVE, [{"values": {"x": 0.1 * i}, "value": float(i)} for i in range(5)])
    dashboard = Dashboard(tmp_path)
    builds: list[str] = []

    def slow_build(study: Study) -> Frame:
        if not study.outline:  # the read ahead tabulates the study's outline first, quickly
            builds.append(study.name)
            time.sleep(0.3)  # long enough for every other request to arrive meanwhile
        return build_frame(study)

    monkeypatch.setattr(api, "build_frame", slow_build)
    dashboard.read_ahead("s")  # as when its page is asked for
    time.sleep(0.05)
    with ThreadPoolExecutor(4) as pool:
        frames = list(pool.map(lambda _: dashboard.frame("s"), range(4)))  # the page's API requests
    assert builds == ["s"] and all(frame is frames[0] for frame in frames)
    assert dashboard.exists("s") and not dashboard.exists("nope")


def test_outline_reads_states_values_and_times_but_no_json(tmp_path) -> None:
    trials = [{"values": {"x": 0.1 * i}, "value": float(i), "results": {"loss": float(i)}} for i in range(4)]
    trials[2]["state"] = TrialState.FAILED
    write_db(tmp_path / "s", SPACE, OBJECTIVE, trials)
    experiments = Experiments(tmp_path)
    outline = experiments.outline("s")
    assert outline.outline and all(t.values == {} and t.params == {} and t.results is None for t in outline.trials)
    full = experiments.load("s")
    assert not full.outline and full.version == outline.version
    for light, trial in zip(outline.trials, full.trials, strict=True):
        assert (light.number, light.state, light.value, light.started, light.finished) == \
            (trial.number, trial.state, trial.value, trial.started, trial.finished)
        assert experiments.read_trial("s", trial.number) == trial
    assert experiments.read_trial("s", 99) is None
    assert experiments.outline("s") is full  # once read in full, that is the outline
