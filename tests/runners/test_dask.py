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


def _dask_spec(tmp_path: Path, programs: Path, address: str, *, iterations: int, flags: str):
    """An early-stopping study on the cluster."""
    import hypered as hp
    from hypered.study.spec import make_spec

    binary = (f"{sys.executable} {programs / 'curve.py'} {{params_path}} {{results_path}} --steps 9 "
              f"{flags} --record {tmp_path / 'runs.jsonl'}")
    return make_spec(name="es", objective=hp.minimize("val.loss"), params={"x": hp.real(-5, 5)},
                       binary=binary, random_starts=4, iterations=iterations, parallel=2, seed=3,
                       directory=tmp_path / "experiments", cwd=tmp_path,
                       early_stopping=hp.asha(min_step=1, max_step=9, reduction=3),
                       executor=f"dask://{address}")


def test_early_stopping_on_dask_stops_the_program_and_keeps_its_reports(
        tmp_path, programs, dask_cluster) -> None:
    from hypered.study import LogReporter, run_study

    spec = _dask_spec(tmp_path, programs, dask_cluster.address, iterations=10, flags="--sleep 0.3")
    answer = run_study(spec, LogReporter())
    assert answer is not None
    with sqlite3.connect(tmp_path / "experiments" / "es" / "study.db") as conn:
        trials = conn.execute("SELECT number, state, reason, results, worker FROM trials").fetchall()
        reports = conn.execute("SELECT number, step, value FROM reports ORDER BY number, step").fetchall()
    pruned = [t for t in trials if t[1] == "pruned"]
    complete = {t[0] for t in trials if t[1] == "complete"}
    assert pruned and len(trials) == 10 and {t[1] for t in trials} == {"complete", "pruned"}
    for _, _, reason, results, worker in pruned:
        assert "is not among the best 1/3 of the" in reason and json.loads(results)["step"] < 9
        assert worker.startswith("tcp://127.0.0.1:")
    for number in complete:  # every step of a complete trial came back from its worker
        assert [step for n, step, _ in reports if n == number] == list(range(1, 10))
    for number, *_ in pruned:
        steps = [step for n, step, _ in reports if n == number]
        assert steps and steps == list(range(1, len(steps) + 1)) and len(steps) < 9
    assert answer.trial.number in complete

    time.sleep(0.3)
    for run in _records(tmp_path / "runs.jsonl"):  # a stopped trial's program is gone, group and all
        assert not alive(run["pid"])


def test_without_a_shared_folder_reports_travel_back_and_a_stop_reaches_the_program(
        tmp_path, programs, dask_cluster) -> None:
    from distributed import Client, Event, Queue

    from hypered.runners import Job
    from hypered.runners.remote import run_job

    elsewhere = tmp_path / "not-on-the-worker"  # never created: the worker must use a scratch folder
    job = Job(number=7, params={"x": 1.0}, experiment_dir=elsewhere, params_path=elsewhere / "params.json",
              results_path=elsewhere / "results.json", report_path=elsewhere / "reports.jsonl",
              command=(sys.executable, str(programs / "curve.py"), str(elsewhere / "params.json"),
                       str(elsewhere / "results.json"), "--steps", "100", "--sleep", "0.1",
                       "--record", str(tmp_path / "runs.jsonl")),
              env={"HYPERED_REPORT_PATH": str(elsewhere / "reports.jsonl")})
    with Client(f"tcp://{dask_cluster.address}", timeout=10) as client:
        queue, stop = Queue("reports", client=client), Event("stop-7", client=client)
        future = client.submit(run_job, job, str(tmp_path), None, None, queue.name, stop.name, pure=False)
        lines: list[bytes] = []
        deadline = time.time() + 60
        while b"".join(lines).count(b"\n") < 3:
            assert time.time() < deadline, "no reports arrived"
            for number, _attempt, offset, data in queue.get(batch=True):
                assert number == 7 and offset == sum(map(len, lines)) and data.endswith(b"\n")
                lines.append(data)
            time.sleep(0.1)
        stop.set()
        outcome = future.result(timeout=60)
        lines += [data for *_, data in queue.get(batch=True)]  # the last lines came before the outcome
    assert outcome.reason == "stopped early" and outcome.results is None
    steps = [json.loads(line)["step"] for line in b"".join(lines).splitlines()]
    assert steps == list(range(1, len(steps) + 1)) and 3 <= len(steps) < 100
    (run,) = _records(tmp_path / "runs.jsonl")
    assert not alive(run["pid"])
    assert not elsewhere.exists()


def test_the_driver_keeps_the_report_lines_of_the_latest_attempt(tmp_path) -> None:
    from hypered.runners.dask import ReportFile

    file = ReportFile(tmp_path / "reports.jsonl")
    file.append("attempt-1-a", 0, b'{"step": 1}\n')
    file.append("attempt-1-a", 12, b'{"step": 2}\n')
    file.append("attempt-2-b", 0, b'{"step": 1, "again": 1}\n')  # the task ran again after a worker died
    file.append("attempt-1-a", 24, b'{"step": 3}\n')  # the superseded attempt is not heard any more
    file.append("attempt-2-b", 24, b'{"step": 2, "again": 1}\n')
    assert (tmp_path / "reports.jsonl").read_bytes() == (
        b'{"step": 1}\n{"step": 2}\n{"step": 1, "again": 1}\n{"step": 2, "again": 1}\n')


def test_the_command_stops_trials_early_on_dask(tmp_path, programs, dask_cluster) -> None:

    conf = tmp_path / "es.conf"
    conf.write_text(f"""
optimize(
    name="es",
    objective=minimize("val.loss"),
    binary="{sys.executable} {programs / 'curve.py'} {{params_path}} {{results_path}} --steps 9 --sleep 0.3",
    random_starts=4, iterations=8, parallel=2, seed=3,
    early_stopping=asha(min_step=1, max_step=9, reduction=3),
    params={{"x": real(-5, 5)}},
)
""")
    done = run_hypered(conf, "--dask", dask_cluster.address, cwd=tmp_path, timeout=240)
    assert done.returncode == 0, done.stderr
    assert " stopped early" in done.stdout
    with sqlite3.connect(tmp_path / "experiments" / "es" / "study.db") as conn:
        states = dict(conn.execute("SELECT state, COUNT(*) FROM trials GROUP BY state").fetchall())
        steps = dict(conn.execute("SELECT number, MAX(step) FROM reports GROUP BY number").fetchall())
    assert states.get("pruned", 0) >= 1 and states["complete"] + states["pruned"] == 8
    assert len(steps) == 8 and sorted(steps.values())[-1] == 9


def test_outcome_constraints_on_dask(tmp_path, programs, dask_cluster) -> None:
    """The workers' results are judged by the driver: val.acc = 1 / (1 + (x - 3)^2) <= 0.5 keeps x
    at least 1 away from the loss's minimum at 3."""
    conf = tmp_path / "dask.conf"
    conf.write_text(f"""
optimize(
    name="remote",
    objective=minimize("loss"),
    binary="{sys.executable} {programs / 'quadratic.py'} {{params_path}} {{results_path}}",
    random_starts=4,
    iterations=12,
    seed=0,
    params={{"x": real(-5, 5)}},
    constraints=[at_most("val.acc", 0.5)],
)
""")
    done = run_hypered(conf, "--dask", dask_cluster.address, "--parallel", "2", cwd=tmp_path, timeout=240)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "experiments" / "remote" / "study.db") as conn:
        rows = conn.execute("SELECT state, results, reason FROM trials").fetchall()
    assert len(rows) == 12 and {state for state, _, _ in rows} == {"complete"}
    for _, results, reason in rows:
        acc = json.loads(results)["val"]["acc"]
        assert (reason == f"infeasible: val.acc = {acc:.6g} > 0.5") if acc > 0.5 else reason is None
    best = json.loads((tmp_path / "experiments" / "remote" / "best.json").read_text())
    assert best["feasible"] is True and abs(abs(best["params"]["x"] - 3) - 1) < 0.3
