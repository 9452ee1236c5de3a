"""Trials on a real Dask cluster: a scheduler and two worker processes on 127.0.0.1."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from helpers import HYPERED, alive, run_hypered


def _conf(tmp_path: Path, programs: Path, *, iterations: int, sleep: float) -> Path:
    conf = tmp_path / "dask.conf"
    conf.write_text(f"""
optimize(
    name="remote",
    objective=minimize("loss"),
    binary="{sys.executable} {programs / 'quadratic.py'} {{params_path}} {{results_path}} --sleep {sleep}",
    random_starts=4,
    iterations={iterations},
    params={{"x": real(-5, 5)}},
)
""")
    return conf


def _trials(tmp_path: Path) -> list[tuple]:
    with sqlite3.connect(tmp_path / "experiments" / "remote" / "study.db") as conn:
        return conn.execute("SELECT number, state, worker, finished FROM trials ORDER BY number").fetchall()


def test_a_study_runs_on_both_workers(tmp_path, programs, dask_cluster) -> None:
    conf = _conf(tmp_path, programs, iterations=12, sleep=0.3)
    done = run_hypered(conf, "--dask", dask_cluster.address, "--parallel", "2", cwd=tmp_path, timeout=240)
    assert done.returncode == 0, done.stderr
    rows = _trials(tmp_path)
    assert len(rows) == 12 and {state for _, state, _, _ in rows} == {"complete"}
    workers = {worker for _, _, worker, _ in rows}
    assert len(workers) == 2 and all(w.startswith("tcp://127.0.0.1:") for w in workers)


def test_a_worker_killed_mid_trial_does_not_stop_the_study(tmp_path, programs, dask_cluster) -> None:
    conf = _conf(tmp_path, programs, iterations=12, sleep=1.0)
    study = subprocess.Popen([*HYPERED, str(conf), "--dask", dask_cluster.address, "--parallel", "2"],
                             cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if sum(state == "complete" for _, state, _, _ in _trials(tmp_path)) >= 3:
                break
        except sqlite3.OperationalError:
            pass
        time.sleep(0.1)
    time.sleep(0.5)  # both workers are in the middle of a trial
    killed_at = time.time()
    dask_cluster.workers["w1"].send_signal(signal.SIGKILL)
    _, stderr = study.communicate(timeout=240)
    assert study.returncode == 0, stderr
    rows = _trials(tmp_path)
    complete = [r for r in rows if r[1] == "complete"]
    assert len(complete) == 12
    assert any(finished > killed_at for _, _, _, finished in complete)
    assert len({worker for _, _, worker, finished in complete if finished > killed_at + 1}) == 1


def test_without_a_shared_folder_results_and_logs_travel_back(tmp_path, programs, dask_cluster) -> None:
    from distributed import Client

    from hypered.runners import Job
    from hypered.runners.remote import run_job

    elsewhere = tmp_path / "not-on-the-worker"  # never created: the worker must use a scratch folder
    job = Job(number=0, params={"x": 1.0, "out": str(elsewhere)}, experiment_dir=elsewhere,
              params_path=elsewhere / "params.json", results_path=elsewhere / "results.json",
              command=(sys.executable, str(programs / "quadratic.py"), str(elsewhere / "params.json"),
                       str(elsewhere / "results.json")))
    with Client(f"tcp://{dask_cluster.address}", timeout=10) as client:
        outcome = client.submit(run_job, job, str(tmp_path), None, pure=False).result(timeout=60)
    assert outcome.reason is None, outcome.reason
    assert outcome.results["loss"] == 4.0
    assert outcome.worker.startswith("tcp://127.0.0.1:")
    assert set(outcome.logs) == {"stdout.log", "stderr.log"}
    assert not elsewhere.exists()


def test_unreachable_scheduler_is_a_clear_error(tmp_path, programs) -> None:
    from helpers import free_port

    conf = _conf(tmp_path, programs, iterations=2, sleep=0)
    done = run_hypered(conf, "--dask", f"127.0.0.1:{free_port()}", cwd=tmp_path, timeout=120)
    assert done.returncode == 1
    assert "cannot reach the Dask scheduler" in done.stderr and "Traceback" not in done.stderr


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _kill_the_worker_of(pid: int, cluster) -> float:
    """SIGKILL the worker process that `pid` descends from; when."""
    workers = {p.pid: p for p in cluster.workers.values()}
    while pid not in workers:
        pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])  # its parent
        assert pid > 1, "not started by a worker"
    workers[pid].send_signal(signal.SIGKILL)
    workers[pid].wait()
    return time.time()


def test_a_killed_workers_trial_never_runs_twice_at_once(tmp_path, programs, dask_cluster) -> None:
    record = tmp_path / "attempts.jsonl"  # outside the trial folder: every attempt appends to it
    conf = tmp_path / "dask.conf"
    conf.write_text(f"""
optimize(
    name="remote",
    objective=minimize("loss"),
    binary="{sys.executable} {programs / 'attempts.py'} {{params_path}} {{results_path}} {record} --first 5 --later 1",
    random_starts=1,
    iterations=1,
    params={{"x": real(-5, 5)}},
)
""")
    study = subprocess.Popen([*HYPERED, str(conf), "--dask", dask_cluster.address],
                             cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while not any(r["event"] == "beat" for r in _records(record)):
        assert time.time() < deadline and study.poll() is None, "the trial never started"
        time.sleep(0.05)
    killed_at = _kill_the_worker_of(_records(record)[0]["pid"], dask_cluster)
    first = _records(record)[0]
    assert not any(r["event"] == "end" and r["t"] < killed_at for r in _records(record)), "killed too late"
    while alive(first["pid"]) and time.time() < killed_at + 2:
        time.sleep(0.05)
    assert not alive(first["pid"]), "the killed worker's program lives on"
    _, stderr = study.communicate(timeout=120)
    assert study.returncode == 0, stderr
    time.sleep(max(0.0, first["t"] + 5.5 - time.time()))  # an orphaned first attempt would be done now

    records = _records(record)
    starts = [r for r in records if r["event"] == "start"]
    assert len(starts) == 2, starts
    killed, accepted = (s["pid"] for s in starts)
    spans = {s["pid"]: (s["t"], max(r["t"] for r in records if r["pid"] == s["pid"])) for s in starts}
    assert spans[killed][1] < spans[accepted][0], f"the attempts overlapped: {spans}"
    assert not any(r["event"] == "end" and r["pid"] == killed for r in records)
    assert starts[0]["folder"] != starts[1]["folder"]  # no shared results file either

    (row,) = _trials(tmp_path)
    assert row[1] == "complete"
    with sqlite3.connect(tmp_path / "experiments" / "remote" / "study.db") as conn:
        (key, results), = conn.execute("SELECT key, results FROM trials").fetchall()
    folder = tmp_path / "experiments" / "remote" / key
    assert json.loads(results)["pid"] == accepted
    assert json.loads((folder / "results.json").read_text())["pid"] == accepted
    assert (folder / "stdout.log").read_text() == f"attempt {accepted}\n"


def test_each_attempt_on_a_shared_folder_gets_its_own_and_sends_back_capped_logs(
        tmp_path, programs, dask_cluster) -> None:
    from distributed import Client

    from hypered.runners import Job
    from hypered.runners.remote import run_job

    trial = tmp_path / "experiments" / "trial"  # seen by the workers: a shared filesystem
    trial.mkdir(parents=True)
    job = Job(number=0, params={"x": 1.0, "out": f"{trial}/model.pt"}, experiment_dir=trial,
              params_path=trial / "params.json", results_path=trial / "results.json",
              command=(sys.executable, str(programs / "chatty.py"), str(trial / "params.json"),
                       str(trial / "results.json"), "--bytes", "50000"),
              env={"HYPERED_TRIAL_DIR": str(trial)}, log_limit=1000)
    with Client(f"tcp://{dask_cluster.address}", timeout=10) as client:
        outcomes = [client.submit(run_job, job, str(tmp_path), None, pure=False).result(timeout=60)
                    for _ in range(2)]
    assert [o.results for o in outcomes] == [{"loss": 4.0}] * 2
    assert [o.attempt.rsplit("-", 1)[0] for o in outcomes] == ["attempt-1", "attempt-2"]
    for n, outcome in enumerate(outcomes, 1):
        attempt = trial / f"attempt-{n}"
        assert json.loads((attempt / "params.json").read_text())["out"] == f"{attempt}/model.pt"
        assert json.loads((attempt / "results.json").read_text()) == {"loss": 4.0}
        assert (attempt / "stdout.log").read_text() == outcome.logs["stdout.log"]
        assert len(outcome.logs["stdout.log"]) <= 1100 and "bytes of output cut here" in outcome.logs["stdout.log"]
    assert not (trial / "results.json").exists()  # the driver writes it, from the outcome it accepts


def test_the_driver_refuses_the_outcome_of_a_superseded_attempt(tmp_path, programs, dask_cluster) -> None:
    from distributed import Client, Variable

    from hypered.runners import DaskRunner, Job

    record = tmp_path / "attempts.jsonl"
    folder = tmp_path / "trial"
    folder.mkdir()
    (folder / "params.json").write_text('{"x": 1.0}')
    job = Job(number=0, params={"x": 1.0}, experiment_dir=folder, params_path=folder / "params.json",
              results_path=folder / "results.json",
              command=(sys.executable, str(programs / "attempts.py"), str(folder / "params.json"),
                       str(folder / "results.json"), str(record), "--first", "2"))
    with DaskRunner(f"tcp://{dask_cluster.address}", tmp_path) as runner, \
            Client(f"tcp://{dask_cluster.address}", timeout=10) as client:
        runner.submit(job)
        deadline = time.time() + 60
        while not record.exists():
            assert time.time() < deadline
            time.sleep(0.05)
        (key,) = [k for keys in client.processing().values() for k in keys]
        Variable(f"{key}-attempt", client=client).set("a-later-one")  # as if the trial had started again
        outcomes = []
        while not outcomes:
            outcomes = runner.wait(timeout=30)
    (outcome,) = outcomes
    assert outcome.results is None and outcome.reason is not None
    assert outcome.reason.startswith("lost on the Dask cluster: the outcome came from attempt ")
    assert outcome.reason.endswith("but attempt a-later-one started later")
