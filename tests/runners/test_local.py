"""LocalRunner on real programs: capped logs, timeouts, failure reasons, the watchdog."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from helpers import alive

from hypered.runners import DEFAULT_LOG_LIMIT, Job, LocalRunner, Outcome

LINE = 100  # bytes per line of chatty.py


def _job(folder: Path, *command: str, timeout: float | None = None, **kwargs) -> Job:
    folder.mkdir(exist_ok=True)
    (folder / "params.json").write_text('{"x": 1.0}')
    paths = {"{params}": str(folder / "params.json"), "{results}": str(folder / "results.json")}
    argv = tuple(paths.get(arg, arg) for arg in command)
    return Job(0, {"x": 1.0}, folder, folder / "params.json", folder / "results.json", argv,
               timeout=timeout, **kwargs)


def _run(job: Job, **runner_args) -> Outcome:
    with LocalRunner(job.experiment_dir, **runner_args) as runner:
        runner.submit(job)
        outcomes: list[Outcome] = []
        while not outcomes:
            outcomes = runner.wait(timeout=5)
    return outcomes[0]


def _chatty(programs: Path, *args: str) -> tuple[str, ...]:
    return (sys.executable, str(programs / "chatty.py"), "{params}", "{results}", *args)


def _line(i: int) -> str:
    return f"line {i:09d} ".ljust(99, ".")


def test_a_chatty_program_leaves_head_marker_and_tail(tmp_path, programs) -> None:
    outcome = _run(_job(tmp_path / "t", *_chatty(programs, "--bytes", "5000000")))
    assert outcome.reason is None and not outcome.interrupted and outcome.results == {"loss": 4.0}
    log = (tmp_path / "t" / "stdout.log").read_text()
    assert DEFAULT_LOG_LIMIT < len(log) <= DEFAULT_LOG_LIMIT + 100
    lines = log.splitlines()
    assert lines[0] == _line(0) and lines[-1] == _line(49_999)
    (marker,) = [line for line in lines if line.startswith("[hypered:")]
    assert marker == f"[hypered: {5_000_000 - DEFAULT_LOG_LIMIT:,} bytes of output cut here; log_limit=1048576]"


def test_no_log_limit_keeps_all_output(tmp_path, programs) -> None:
    outcome = _run(_job(tmp_path / "t", *_chatty(programs, "--bytes", "2000000"), log_limit=None))
    assert outcome.reason is None and not outcome.interrupted
    assert (tmp_path / "t" / "stdout.log").stat().st_size == 2_000_000


def test_a_program_printing_forever_is_bounded_while_it_runs_and_keeps_its_tail_when_killed(
        tmp_path, programs) -> None:
    job = _job(tmp_path / "t", *_chatty(programs, "--forever"), timeout=3, log_limit=100_000)
    log = tmp_path / "t" / "stdout.log"
    sizes = []
    with LocalRunner(job.experiment_dir) as runner:
        runner.submit(job)
        outcomes: list[Outcome] = []
        while not outcomes:
            outcomes = runner.wait(timeout=0.05)
            sizes.append(log.stat().st_size)
    assert outcomes[0].reason == "timeout: still running after 3 s"
    assert max(sizes) <= 150_100
    lines = log.read_text().splitlines()
    assert lines[0] == _line(0)
    cut = [i for i, line in enumerate(lines) if line.startswith("[hypered: ")]
    assert len(cut) == 1 and 490 < cut[0] < len(lines) - 490
    assert int(lines[-2].split()[1]) > 1000  # the tail is from the end of the output, not the head


def test_the_failure_reason_quotes_the_end_of_a_long_stderr(tmp_path, programs) -> None:
    outcome = _run(_job(tmp_path / "t", *_chatty(programs, "--stderr-bytes", "3000000", "--fail")))
    assert outcome.reason == "exited with code 3: chatty gave up"
    assert outcome.stderr_tail.endswith("chatty gave up\n")
    assert (tmp_path / "t" / "stderr.log").stat().st_size <= DEFAULT_LOG_LIMIT + 100


@pytest.mark.parametrize("supervise", [False, True])
def test_exit_codes_and_signals_come_through(tmp_path, supervise) -> None:
    code = "import json, sys; json.dump({'loss': 1}, open(sys.argv[1], 'w')); sys.exit(0)"
    done = _run(_job(tmp_path / "ok", sys.executable, "-c", code, "{results}"), supervise=supervise)
    assert done.reason is None and done.results is not None
    die = "import os, signal; os.kill(os.getpid(), signal.SIGUSR1)"
    outcome = _run(_job(tmp_path / "sig", sys.executable, "-c", die), supervise=supervise)
    assert outcome.reason == "killed by SIGUSR1"
    fail = "import sys; print('no luck', file=sys.stderr); sys.exit(5)"
    outcome = _run(_job(tmp_path / "fail", sys.executable, "-c", fail), supervise=supervise)
    assert outcome.reason == "exited with code 5: no luck"


def test_a_supervised_program_that_cannot_start_says_so(tmp_path) -> None:
    outcome = _run(_job(tmp_path / "t", str(tmp_path / "no-such-program")), supervise=True)
    assert outcome.reason is not None
    assert outcome.reason.startswith("exited with code 127: hypered: cannot start ")
    assert "no-such-program" in outcome.reason


def test_a_supervised_program_gets_its_grace_on_timeout(tmp_path) -> None:
    code = textwrap.dedent("""
        import signal, sys, time
        def stop(*_):
            open(sys.argv[1], "w").write("saved")
            sys.exit(0)
        signal.signal(signal.SIGTERM, stop)
        print("ready", flush=True)
        time.sleep(60)
    """)
    job = _job(tmp_path / "t", sys.executable, "-c", code, str(tmp_path / "saved"), timeout=1.5)
    outcome = _run(job, supervise=True)
    assert outcome.reason == "timeout: still running after 1.5 s"
    assert (tmp_path / "saved").read_text() == "saved"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to see who is alive")
@pytest.mark.parametrize("supervise", [False, True])
def test_a_supervised_program_dies_with_the_process_that_started_it(tmp_path, supervise) -> None:
    record = tmp_path / "pids"
    starter = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from hypered.runners import Job, LocalRunner
        folder = Path({str(tmp_path)!r})
        program = "import os, subprocess, sys, time; child = subprocess.Popen(['sleep', '60']); " \\
                  "open(sys.argv[1], 'w').write(f'{{os.getpid()}} {{child.pid}}'); time.sleep(60)"
        job = Job(0, {{}}, folder, folder / "p.json", folder / "r.json",
                  (sys.executable, "-c", program, {str(record)!r}))
        runner = LocalRunner(folder, supervise={supervise})
        runner.submit(job)
        time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", starter])
    try:
        deadline = time.time() + 30
        while not (record.exists() and len(record.read_text().split()) == 2):
            assert time.time() < deadline and parent.poll() is None
            time.sleep(0.05)
        pids = [int(pid) for pid in record.read_text().split()]
        parent.kill()
        parent.wait()
        time.sleep(1.0)
        assert [alive(pid) for pid in pids] == [not supervise] * 2
    finally:
        for pid in json.loads(json.dumps(pids if record.exists() else [])):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
